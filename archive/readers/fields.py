"""Structured records (JSON objects, CSV rows) → article records, whatever their field names.

Arshif's fields are ``id, title, body, date, source, url, category, author``.
Exports name them differently; a *field map* says where each comes from
(``--map title=headline,body=content``).  Without one, a few common names
are recognised (``headline``, ``content``, ``text``, ``published``, ``link``…).
"""
from __future__ import annotations

from typing import Mapping

from ..records import FIELDS, Failure, Record

#: Other names commonly used for Arshif's fields, tried when the field itself is absent.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("doc_id", "docid", "article_id", "guid", "_id"),
    "title": ("headline", "heading", "name"),
    "body": ("content", "text", "article", "article_body", "story"),
    "date": ("published", "pubdate", "date_published", "published_at", "datetime", "time"),
    "source": ("site", "outlet", "publisher", "newspaper", "source_name"),
    "url": ("link", "href", "permalink"),
    "category": ("section", "topic", "categories"),
    "author": ("byline", "writer", "authors"),
}


def parse_field_map(spec: str | None) -> dict[str, str]:
    """``"title=headline,body=content"`` → ``{"title": "headline", "body": "content"}``.

    Raises ValueError with a one-line message for an unknown field or a bad pair.
    """
    out: dict[str, str] = {}
    if not spec:
        return out
    for pair in spec.split(","):
        if not pair.strip():
            continue
        ours, sep, theirs = pair.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise ValueError(f"--map: expected FIELD=NAME pairs separated by commas, got {pair!r}")
        if ours not in FIELDS:
            raise ValueError(f"--map: unknown field {ours!r} (fields: {', '.join(FIELDS)})")
        out[ours] = theirs
    return out


def _value(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        v = ", ".join(str(x) for x in v if x is not None)
    s = str(v).strip()
    return s or None


def record_from_mapping(obj, path: str, line: int | None, raw: str | None = None,
                        field_map: Mapping[str, str] | None = None) -> Record | Failure:
    """One JSON object or CSV row → a record, or a failure naming the file and line."""
    if not isinstance(obj, dict):
        return Failure(path, f"expected a JSON object, got {type(obj).__name__}", line)
    field_map = field_map or {}
    values: dict[str, str | None] = {}
    for f in FIELDS:
        if f in field_map:
            values[f] = _value(obj.get(field_map[f]))
            continue
        v = obj.get(f)
        if v is None:
            for alt in ALIASES[f]:
                if obj.get(alt) is not None:
                    v = obj[alt]
                    break
        values[f] = _value(v)
    title, body = values["title"] or "", values["body"] or ""
    if not title and not body:
        return Failure(path, "record has neither title nor body", line)
    if not title:
        first, _, rest = body.lstrip().partition("\n")
        title, body = first.strip(), rest.strip()
    return Record(
        title=title, body=body, id=values["id"], date=values["date"], source=values["source"],
        url=values["url"], category=values["category"], author=values["author"],
        origin=f"{path}:{line}" if line else path, raw=raw, line=line,
    )
