"""The engine-independent query tree that every engine translates.

The parser and compiler (query language, analysis, ranking policy) produce
this tree; an engine only maps its nodes onto its own query objects.
Fields are concrete index fields such as ``body_stem``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class TermQ:
    field: str
    term: str
    boost: float = 1.0


@dataclass(frozen=True)
class PhraseQ:
    field: str
    terms: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class PrefixQ:
    field: str
    prefix: str
    boost: float = 1.0


@dataclass(frozen=True)
class MatchAllQ:
    pass


@dataclass(frozen=True)
class BoolQ:
    """Documents must match all ``must``, at least one ``should`` if there is no
    ``must``, and no ``must_not``; ``should`` adds to the score."""

    must: tuple["Query", ...] = ()
    should: tuple["Query", ...] = ()
    must_not: tuple["Query", ...] = ()


Query = Union[TermQ, PhraseQ, PrefixQ, MatchAllQ, BoolQ]


@dataclass(frozen=True)
class Filters:
    """Restrictions that do not score: exact source/category, a day range (YYYYMMDD)."""

    source: str | None = None
    category: str | None = None
    since: int | None = None
    until: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.source, self.category, self.since, self.until))
