"""The one small interface every search engine implements.

An engine stores pre-analyzed documents (:class:`~index.views.IndexDoc`) and
runs compiled queries (:mod:`index.query.ir`).  It knows nothing of Arabic,
of the query language or of highlighting: those are shared by all engines,
so every engine returns the same hits for the same query (up to the order of
hits whose scores tie).

What an engine offers:

* writing: :meth:`Engine.writer` gives a context manager that upserts and
  deletes documents; the changes become visible together when it exits;
* reading: :meth:`Engine.search` (top k with scores, filtered, sorted by
  relevance or date), :meth:`Engine.count` (how many documents match) and
  :meth:`Engine.facets` (how many matching documents per source, category,
  year and month);
* the lexicon: :meth:`Engine.terms` (a field's terms with a prefix, and
  their document frequencies);
* housekeeping: :meth:`Engine.size_bytes`, :meth:`Engine.close`.

Scores follow BM25 (k1 = 1.2, b = 0.75, Lucene's idf, document lengths
rounded to one byte as :data:`FIELD_NORMS` does) in every engine, and a
term's boost multiplies its score, so the ranking policy of
:mod:`index.ranking` means the same thing whichever engine runs it and the
engines rank alike.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..query import ir
from ..views import IndexDoc

SORTS = ("relevance", "newest", "oldest")
FACETS = ("source", "category", "year", "month")
K1, B = 1.2, 0.75


def _field_norms() -> list[int]:
    """Lucene's and tantivy's one-byte document lengths: exact up to 40, then
    eight values per doubling of the step."""
    table, value, step = list(range(41)), 40, 2
    while len(table) < 256:
        for _ in range(8):
            value += step
            table.append(value)
        step *= 2
    return table[:256]


FIELD_NORMS = _field_norms()


def fieldnorm_id(length: int) -> int:
    """The byte that stands for a field of ``length`` terms (the largest table value not above it)."""
    return bisect_right(FIELD_NORMS, length) - 1


@dataclass
class EngineHits:
    total: int
    #: (article id, score), best first: a list, or a sequence that reads the
    #: ids as they are asked for (an engine whose ids cost a read each)
    hits: Sequence[tuple[str, float]]


def facet_values(doc: IndexDoc) -> dict[str, str]:
    """The facet keys of a document: ``{"source": …, "category": …, "year": "2018", "month": "2018-05"}``.

    A document without a source, category or date has no key for it."""
    out = {}
    if doc.source:
        out["source"] = doc.source
    if doc.category:
        out["category"] = doc.category
    if doc.day:
        y, m = doc.day // 10000, doc.day // 100 % 100
        out["year"] = f"{y:04d}"
        out["month"] = f"{y:04d}-{m:02d}"
    return out


def sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    """Facet counts, largest first, then by key (a stable order for both engines)."""
    return dict(sorted(((k, v) for k, v in counts.items() if k and v > 0), key=lambda kv: (-kv[1], kv[0])))


class EngineWriter(AbstractContextManager):
    """Collects changes; they become visible together when the context exits."""

    @abstractmethod
    def upsert(self, doc: IndexDoc) -> None: ...

    @abstractmethod
    def delete(self, doc_id: str) -> None: ...


class Engine(ABC):
    name: str
    #: The version of the engine's on-disk layout (schema, field types): bump it
    #: when a change makes older indexes unusable; they are then rebuilt on open.
    LAYOUT = 1

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    @abstractmethod
    def create(cls, path: Path) -> "Engine":
        """Create an empty index at ``path`` (replacing any there)."""

    @classmethod
    @abstractmethod
    def exists(cls, path: Path) -> bool: ...

    @abstractmethod
    def writer(self, *, bulk: bool = False) -> EngineWriter:
        """A writer; ``bulk=True`` when many documents follow (an engine may then
        use several processes or threads and merge less often)."""

    @abstractmethod
    def search(self, query: ir.Query, filters: ir.Filters, *, sort: str = "relevance",
               limit: int = 10, offset: int = 0) -> EngineHits:
        """The top ``limit`` hits after ``offset``, and how many documents match in all."""

    @abstractmethod
    def count(self, query: ir.Query | None = None, filters: ir.Filters | None = None) -> int:
        """How many documents match (all documents when ``query`` and ``filters`` are None)."""

    @abstractmethod
    def facets(self, query: ir.Query | None, filters: ir.Filters | None = None) -> dict[str, dict[str, int]]:
        """For every facet of :data:`FACETS`, how many matching documents have each value.

        ``query`` None means every document.  Counts are sorted largest first,
        then by value; a facet with no values maps to ``{}``."""

    @abstractmethod
    def terms(self, field: str, prefix: str = "") -> list[tuple[str, int]]:
        """``(term, document frequency)`` of every term of ``field`` that starts with
        ``prefix``, most frequent first (the compiler's lexicon, for wildcards)."""

    @abstractmethod
    def doc_frequencies(self, field: str, terms: list[str]) -> list[int]:
        """How many documents have each of ``terms`` in the text field ``field``
        (0 for an unknown term or field), for "did you mean" and "more like this"."""

    def doc_frequency(self, field: str, term: str) -> int:
        return self.doc_frequencies(field, [term])[0]

    @abstractmethod
    def size_bytes(self) -> int:
        """The size of the index on disk."""

    def add_all(self, docs: Iterable[IndexDoc]) -> None:
        with self.writer(bulk=True) as w:
            for d in docs:
                w.upsert(d)

    def refresh(self) -> None:
        """See what another process committed (after it wrote the index)."""

    def close(self) -> None:
        pass


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())
