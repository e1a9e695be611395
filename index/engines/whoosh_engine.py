"""The Whoosh engine (whoosh-reloaded 2.7.5, pure Python): the default for a new archive.

Terms arrive pre-analyzed, with positions, so the Whoosh fields use a
tokenizer that only passes them through; queries are built directly from
the compiled tree (no Whoosh query parser).  Scores are BM25 with Lucene's
idf, like the tantivy engine's, so both rank alike.

Speed comes from three things:

* one searcher kept open per thread and refreshed only when the index
  changed (opening a searcher reads every segment's metadata);
* bulk writing in several processes with ``multisegment=True`` (each process
  writes its own segment; a later small commit merges them by Whoosh's
  default policy, which merges small segments only);
* query evaluation by :mod:`index.engines.whoosh_eval` instead of Whoosh's
  matcher trees (see there).
"""
from __future__ import annotations

import os
import shutil
import threading
from math import log
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh import matching, scoring, sorting
from whoosh.analysis import Token, Tokenizer
from whoosh import columns
from whoosh.fields import COLUMN, ID, NUMERIC, TEXT, Schema
from whoosh.formats import Frequency, Positions

from ..query import ir
from ..ranking import TEXT_FIELDS, VIEW_WEIGHTS, field_name
from ..views import IndexDoc
from . import whoosh_eval
from .base import B, FACETS, K1, Engine, fieldnorm_id, EngineHits, EngineWriter, dir_size, facet_values, sorted_counts


class PreAnalyzed(str):
    """A field value that carries its ``(term, position)`` pairs.

    Whoosh passes ``str`` values to the field's analyzer (a list would be
    taken as bare terms with positions 0, 1, 2, …), so the pairs ride on a
    ``str`` subclass (picklable, for the writer's worker processes)."""

    __slots__ = ("pairs",)

    def __new__(cls, pairs):
        self = super().__new__(cls, "")
        self.pairs = pairs
        return self

    def __reduce__(self):
        return (PreAnalyzed, (self.pairs,))


class PreAnalyzedTokenizer(Tokenizer):
    """Yields the ``(term, position)`` pairs of a :class:`PreAnalyzed` value as tokens."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pairs = getattr(value, "pairs", None)
        if pairs is None:  # a plain string: whitespace-separated terms
            pairs = [(w, i) for i, w in enumerate(value.split())]
        for text, pos in pairs:
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = 0
            yield t


class LuceneBM25(scoring.BM25F):
    """BM25 (k1 = 1.2, b = 0.75) with Lucene's and tantivy's idf, ``ln(1 + (N - df + 0.5) / (df + 0.5))``."""

    def __init__(self):
        super().__init__(B=B, K1=K1)

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count()
        return log(1 + (n - df + 0.5) / (df + 0.5))


WEIGHTING = LuceneBM25()


def _schema() -> Schema:
    fields = {"id": ID(stored=True, unique=True),
              "day": NUMERIC(int, bits=32, signed=False, sortable=True)}
    for f in FACETS:
        fields[f] = ID(sortable=True)
    for f in TEXT_FIELDS:
        for view in VIEW_WEIGHTS:
            name = field_name(f, view)
            fields[name] = TEXT(analyzer=PreAnalyzedTokenizer(), phrase=view == "stem")
            fields[name].format = Positions() if view == "stem" else Frequency()
            fields[norm_field(name)] = COLUMN(columns.NumericColumn("B"))
    return Schema(**fields)


def norm_field(name: str) -> str:
    """The column with each document's length of ``name``, as a :func:`~.base.fieldnorm_id` byte."""
    return f"{name}_norm"


class _Writer(EngineWriter):
    def __init__(self, ix, bulk: bool):
        procs = min(os.cpu_count() or 1, 4) if bulk else 1
        if procs > 1:
            self._w = ix.writer(procs=procs, multisegment=True, limitmb=128)
        else:
            self._w = ix.writer(limitmb=256)

    def upsert(self, doc: IndexDoc) -> None:
        fields = {"id": doc.id, "day": doc.day, **facet_values(doc)}
        for name, terms in doc.views.items():
            n = doc.length(name)
            if n:
                fields[name] = PreAnalyzed(list(doc.pairs(name)))
                fields[norm_field(name)] = fieldnorm_id(n)
        self._w.update_document(**fields)

    def delete(self, doc_id: str) -> None:
        self._w.delete_by_term("id", doc_id)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._w.commit()
        else:
            self._w.cancel()
        return False


class _AndNotMatcher(matching.AndNotMatcher):
    """Whoosh's AndNotMatcher, fixed: when the excluded list starts before the
    first hit, its ``_find_first`` did not skip ahead, so the first hit got
    through even when excluded."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            if self.b.id() < self.a.id():
                self.b.skip_to(self.a.id())
            if self.b.is_active() and self.a.id() == self.b.id():
                self._find_next()


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        scoredm = self.a.matcher(searcher, context)
        notm = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scoredm, notm)


def translate(q: ir.Query) -> wq.Query:
    """The Whoosh query for a compiled query tree."""
    if isinstance(q, ir.TermQ):
        return wq.Term(q.field, q.term, boost=q.boost)
    if isinstance(q, ir.PhraseQ):
        return wq.Phrase(q.field, list(q.terms), slop=q.slop, boost=q.boost)
    if isinstance(q, ir.PrefixQ):
        return wq.Prefix(q.field, q.prefix, boost=q.boost)
    if isinstance(q, ir.MatchAllQ):
        return wq.Every()
    if isinstance(q, ir.BoolQ):
        must = [translate(x) for x in q.must]
        should = [translate(x) for x in q.should]
        must_not = [translate(x) for x in q.must_not]
        if must:
            base: wq.Query = must[0] if len(must) == 1 else wq.And(must)
            if should:
                base = wq.AndMaybe(base, wq.Or(should))
        elif should:
            base = should[0] if len(should) == 1 else wq.Or(should)
        else:
            base = wq.Every()
        if must_not:
            base = _AndNot(base, wq.Or(must_not))
        return base
    raise TypeError(f"unknown query node {q!r}")


def filter_query(filters: ir.Filters | None) -> wq.Query | None:
    parts = []
    if filters is None:
        return None
    if filters.source:
        parts.append(wq.Term("source", filters.source))
    if filters.category:
        parts.append(wq.Term("category", filters.category))
    if filters.since is not None or filters.until is not None:
        parts.append(wq.NumericRange("day", filters.since or 1, filters.until))  # whoosh ignores an end after start 0
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


class WhooshEngine(Engine):
    name = "whoosh"

    def __init__(self, path: Path):
        super().__init__(path)
        self._ix = windex.open_dir(str(self.path))
        self.lock = threading.RLock()
        self._searcher = None
        self._arrays = None
        self._generation = None

    @classmethod
    def create(cls, path: Path) -> "WhooshEngine":
        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        windex.create_in(str(path), _schema())
        return cls(path)

    @classmethod
    def exists(cls, path: Path) -> bool:
        return Path(path).is_dir() and windex.exists_in(str(path))

    def writer(self, *, bulk: bool = False) -> EngineWriter:
        return _Writer(self._ix, bulk)

    def searcher(self):
        """The shared searcher, reopened only when the index changed since it was opened.

        Callers hold :attr:`lock` while they use it (Whoosh readers share file
        handles; queries take milliseconds, so they simply queue)."""
        with self.lock:
            latest = self._ix.latest_generation()
            if self._searcher is None or self._generation != latest:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = self._ix.searcher(weighting=WEIGHTING)
                self._arrays = whoosh_eval.Index(self._searcher)
                self._generation = latest
            return self._searcher

    def arrays(self) -> "whoosh_eval.Index":
        self.searcher()
        return self._arrays

    def search(self, query, filters, *, sort="relevance", limit=10, offset=0) -> EngineHits:
        with self.lock:
            ix = self.arrays()
            total, top = whoosh_eval.run(ix, ir.flatten(query), whoosh_eval.filter_mask(ix, filters), sort, offset + limit)
            return EngineHits(total, [(ix.stored_id(d), s) for d, s in top[offset:offset + limit]])

    def _mask(self, query, filters):
        ix = self.arrays()
        mask = whoosh_eval.evaluate_mask(ix, ir.flatten(query) if query is not None else None)
        fm = whoosh_eval.filter_mask(ix, filters)
        return mask if fm is None else mask & fm

    def count(self, query=None, filters=None) -> int:
        with self.lock:
            if query is None and not filters:
                return self.arrays().doc_count
            return int(self._mask(query, filters).sum())

    def facets(self, query, filters=None) -> dict[str, dict[str, int]]:
        with self.lock:
            counts = whoosh_eval.facets(self.arrays(), self._mask(query, filters))
        return {f: sorted_counts(c) for f, c in counts.items()}

    def terms(self, field: str, prefix: str = "") -> list[tuple[str, int]]:
        with self.lock:
            return self._terms(self.searcher().reader(), field, prefix)

    @staticmethod
    def _terms(r, field: str, prefix: str) -> list[tuple[str, int]]:
        if field not in r.schema:
            return []
        out = [(t.decode("utf-8") if isinstance(t, bytes) else t, r.doc_frequency(field, t))
               for t in r.expand_prefix(field, prefix)]
        return sorted(out, key=lambda x: (-x[1], x[0]))

    def doc_frequencies(self, field: str, terms: list[str]) -> list[int]:
        with self.lock:
            r = self.searcher().reader()
            if field not in r.schema:
                return [0] * len(terms)
            return [r.doc_frequency(field, t) for t in terms]

    def size_bytes(self) -> int:
        return dir_size(self.path)

    def close(self) -> None:
        with self.lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._arrays = None
