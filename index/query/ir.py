"""The engine-independent query tree that every engine translates.

The parser and compiler (query language, analysis, ranking policy) produce
this tree; an engine only maps its nodes onto its own query objects.
Fields are concrete index fields such as ``body_stem``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class TermQ:
    field: str
    term: str
    boost: float = 1.0


@dataclass(frozen=True)
class PhraseQ:
    """The terms in order; ``slop`` 1 = adjacent, and each unit above 1 allows one
    extra position anywhere in the phrase (a stop word the query skipped)."""

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


def flatten(q: Query) -> Query:
    """The same query with nested "any of" groups merged into their parent.

    A :class:`BoolQ` with only ``should`` clauses, inside the ``should`` of
    another, matches and scores exactly as its clauses placed in the parent
    (a document matches the parent's ``should`` through any of them, and
    each clause adds its score), so the six view clauses of every query word
    become clauses of the query itself.  Engines evaluate one wide
    disjunction much faster than a tree of small ones; the hits and scores
    are the same (up to the order of float additions)."""
    if not isinstance(q, BoolQ):
        return q
    should: list[Query] = []
    for x in q.should:
        x = flatten(x)
        if isinstance(x, BoolQ) and x.should and not x.must and not x.must_not:
            should.extend(x.should)
        else:
            should.append(x)
    return BoolQ(tuple(flatten(x) for x in q.must), tuple(should), tuple(flatten(x) for x in q.must_not))
