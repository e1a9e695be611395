"""The Whoosh engine (whoosh-reloaded 2.7.5, pure Python): the default for a new archive.

Terms arrive pre-analyzed, with positions, so the Whoosh fields use a
tokenizer that only passes them through; queries are built directly from
the compiled tree (no Whoosh query parser).  Scores are BM25 with Lucene's
idf, like the tantivy engine's, so both rank alike.

Speed comes from three things:

* one searcher kept open per thread and refreshed only when the index
  changed (opening a searcher reads every segment's metadata);
* bulk writing in several processes with ``multisegment=True`` (each process
  writes its own segment, kept in memory: see :class:`_Writer`; a later
  small commit merges small segments by Whoosh's default policy), terms
  grouped by :class:`ViewField` instead of one Whoosh token per term, and no
  per-posting length statistics (:func:`_codec`);
* query evaluation by :mod:`index.engines.whoosh_eval` instead of Whoosh's
  matcher trees (see there).
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from collections import Counter
from math import log
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh import matching, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh import columns
from whoosh.fields import COLUMN, ID, NUMERIC, TEXT, Schema
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from ..query import ir
from ..ranking import TEXT_FIELDS, VIEW_WEIGHTS, field_name
from ..views import GAP, IndexDoc
from . import whoosh_eval
from .base import B, FACETS, K1, Engine, fieldnorm_id, EngineHits, EngineWriter, dir_size, facet_values, sorted_counts


class PreAnalyzed(str):
    """A field value that carries its view: terms by position (:data:`~index.views.GAP` in gaps).

    Whoosh passes ``str`` values to the field (a list would be taken as bare
    terms), so the terms ride on a ``str`` subclass (picklable, for the
    writer's worker processes)."""

    __slots__ = ("terms",)

    def __new__(cls, terms):
        self = super().__new__(cls, "")
        self.terms = terms
        return self

    def __reduce__(self):
        return (PreAnalyzed, (self.terms,))


class PreAnalyzedTokenizer(Tokenizer):
    """Yields the terms of a :class:`PreAnalyzed` value as tokens, with their positions
    (a plain string: its whitespace-separated terms)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = getattr(value, "terms", None)
        if terms is None:
            terms = value.split()
        for pos, text in enumerate(terms):
            if text == GAP:
                continue
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = 0
            yield t


class ViewField(TEXT):
    """A text field fed one view of a document.  :meth:`index` groups the terms
    itself (one pass in C for counts) instead of making a Whoosh token per
    term; the postings are byte for byte those of Whoosh's own path."""

    def index(self, value, **kwargs):
        terms = getattr(value, "terms", None)
        if terms is None:
            return super().index(value, **kwargs)
        fb = self.format.field_boost
        if isinstance(self.format, Positions):
            poses: dict[str, list[int]] = {}
            for pos, t in enumerate(terms):
                if t in poses:
                    poses[t].append(pos)
                else:
                    poses[t] = [pos]
            poses.pop(GAP, None)
            encode = self.format.encode
            return [(t.encode("utf-8"), len(ps), len(ps) * fb, encode(ps)) for t, ps in poses.items()]
        counts = Counter(terms)
        counts.pop(GAP, None)
        return [(t.encode("utf-8"), n, n * fb, pack_uint(n)) for t, n in counts.items()]


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


SEGMENT_DOCS = 20_000  # documents per commit of a bulk writer (its postings held in memory)
BULK_LIMIT_MB = 1024  # memory per writing process before Whoosh spills postings to disk


def _schema() -> Schema:
    fields = {"id": ID(stored=True, unique=True),
              "day": NUMERIC(int, bits=32, signed=False, sortable=True)}
    for f in FACETS:
        fields[f] = ID(sortable=True)
    for f in TEXT_FIELDS:
        for view in VIEW_WEIGHTS:
            name = field_name(f, view)
            fields[name] = ViewField(analyzer=PreAnalyzedTokenizer(), phrase=view == "stem")
            fields[name].format = Positions() if view == "stem" else Frequency()
            fields[norm_field(name)] = COLUMN(columns.NumericColumn("B"))
    return Schema(**fields)


def norm_field(name: str) -> str:
    """The column with each document's length of ``name``, as a :func:`~.base.fieldnorm_id` byte."""
    return f"{name}_norm"


def _codec() -> W3Codec:
    """Whoosh's codec without its per-posting length statistics: they cost a
    column read per posting when a segment is written, and only Whoosh's own
    block-skipping scorers use them (the evaluator reads our norm columns)."""
    codec = W3Codec()
    codec.length_stats = False
    return codec


class _Writer(EngineWriter):
    """Whoosh writes a segment's postings in memory and sorts them at commit;
    beyond ``limitmb`` it spills sorted runs to disk and merges them (pickling
    every posting).  A bulk writer therefore commits a segment every
    :data:`SEGMENT_DOCS` documents, which keeps each in memory, with
    ``procs`` processes each writing its own segment (``multisegment``).

    Whoosh deletes only from committed segments, so a document written twice
    in one session (or written, then deleted) would stay twice.  A change to a
    document the session already holds is therefore kept aside (the latest
    one per document) and applied after the session's commit, in a session
    of its own: a big ingest that touches an article again (a duplicate
    group it joined) does not cut a segment short."""

    def __init__(self, ix, bulk: bool):
        self._ix = ix
        self._bulk = bulk
        self._later: dict[str, IndexDoc | None] = {}  # id → latest change (None: delete)
        self._open()

    def _open(self):
        procs = min(os.cpu_count() or 1, 4) if self._bulk else 1
        # Segments are plain files, not Whoosh's compound file: a reader of a
        # compound segment copies each part into memory (the whole index).
        if procs > 1:
            self._w = self._ix.writer(procs=procs, multisegment=True, limitmb=BULK_LIMIT_MB,
                                      codec=_codec(), compound=False)
        else:
            self._w = self._ix.writer(limitmb=BULK_LIMIT_MB if self._bulk else 256, codec=_codec(),
                                      compound=False)
        self._session: set[str] = set()

    def _fresh(self, doc_id: str, change: IndexDoc | None) -> bool:
        """True if the current session may take this change now; else it is kept for later."""
        if doc_id in self._session or doc_id in self._later:
            self._later[doc_id] = change
            return False
        if self._bulk and len(self._session) >= SEGMENT_DOCS:
            self._flush()
        self._session.add(doc_id)
        return True

    def _flush(self, merge: bool = False, reopen: bool = True) -> None:
        """Commit the session, then apply the changes kept aside, each in turn."""
        self._w.commit(merge=merge)
        while self._later:
            later, self._later = self._later, {}
            self._open()
            for doc_id, change in later.items():
                self._session.add(doc_id)
                self._write(doc_id, change)
            self._w.commit(merge=merge)
        if reopen:
            self._open()

    def _write(self, doc_id: str, doc: IndexDoc | None) -> None:
        if doc is None:
            self._w.delete_by_term("id", doc_id)
            return
        fields = {"id": doc.id, "day": doc.day, **facet_values(doc)}
        for name, terms in doc.views.items():
            n = doc.length(name)
            if n:
                fields[name] = PreAnalyzed(terms)
                fields[norm_field(name)] = fieldnorm_id(n)
        self._w.update_document(**fields)

    def upsert(self, doc: IndexDoc) -> None:
        if self._fresh(doc.id, doc):
            self._write(doc.id, doc)

    def delete(self, doc_id: str) -> None:
        if self._fresh(doc_id, None):
            self._write(doc_id, None)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._flush(merge=not self._bulk, reopen=False)
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
        self._listed_at: int | None = None  # the directory's mtime when last listed, if old enough to trust

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
            if self._searcher is not None and not self._may_have_changed():
                return self._searcher
            latest = self._ix.latest_generation()
            if self._searcher is None or self._generation != latest:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = self._ix.searcher(weighting=WEIGHTING)
                self._arrays = whoosh_eval.Index(self._searcher)
                self._generation = latest
            return self._searcher

    def _may_have_changed(self) -> bool:
        """Whether a commit may have happened since the directory was last listed.

        Whoosh finds the latest commit by listing the index directory (70 µs;
        did-you-mean asks the engine about a word's spellings a dozen times a
        query).  A commit adds a file, which changes the directory's mtime, so
        an unchanged mtime means no commit, unless it is too recent to trust:
        a file system's clock ticks coarsely, and a commit within the same tick
        as the listing would leave the mtime as it was (as Git's "racily
        clean" entries)."""
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            return True
        if mtime == self._listed_at:
            return False
        # Trusted from now on only if already a second old: later commits come after it.
        self._listed_at = mtime if time.time_ns() - mtime > 1_000_000_000 else None
        return True

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
