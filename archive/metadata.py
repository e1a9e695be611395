"""From a record as read to the article as archived: clean body, date, source.

:func:`prepare` applies the rules in one place:

* body: site furniture removed (:mod:`archive.furniture`); the record's raw
  input is untouched, so the archive keeps what was read;
* date: the record's own field (Arabic dates in it normalized to ISO), else
  ``--date``, else a date in the byline or last lines (:mod:`archive.dates`);
* source: the record's own field, else ``--source``, else the text's source
  line or dateline (:mod:`archive.sources`); every source then goes through
  the alias table so one outlet has one name.

The title is the record's title (for unlabelled text, its first non-empty
line, see :mod:`archive.readers.text`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .dates import find_date, normalize_date
from .furniture import strip_furniture
from .records import Record
from .sources import SourceAliases, find_source


@dataclass
class Defaults:
    """Values the user gave for a whole ingest (``--date``, ``--source``, ``--category``)."""

    date: str | None = None
    source: str | None = None
    category: str | None = None
    aliases: SourceAliases = field(default_factory=SourceAliases)


def prepare(record: Record, defaults: Defaults | None = None) -> Record:
    d = defaults or Defaults()
    text = record.body or ""
    date = normalize_date(record.date) if record.date else (d.date or find_date(text))
    source = record.source or d.source or find_source(text)
    return replace(
        record,
        title=re.sub(r"\s+", " ", record.title).strip(),
        body=strip_furniture(text),
        date=date,
        source=d.aliases.canonical(source),
        category=record.category or d.category,
    )
