"""The Whoosh engine (whoosh-reloaded 2.7.5, pure Python).

Terms arrive pre-analyzed, with positions, so the Whoosh fields use a
tokenizer that only passes them through; queries are built directly from
the compiled tree (no Whoosh query parser).  BM25F scores each field.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.formats import Frequency, Positions

from ..query import ir
from ..ranking import TEXT_FIELDS, VIEW_WEIGHTS, field_name
from ..views import IndexDoc
from .base import Engine, EngineHits, EngineWriter


class PreAnalyzed(str):
    """A field value that carries its ``(term, position)`` pairs.

    Whoosh passes ``str`` values to the field's analyzer (a list would be
    taken as bare terms with positions 0, 1, 2, …), so the pairs ride on a
    ``str`` subclass."""

    __slots__ = ("pairs",)

    def __new__(cls, pairs):
        self = super().__new__(cls, "")
        self.pairs = pairs
        return self


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


def _schema() -> Schema:
    fields = {"id": ID(stored=True, unique=True),
              "source": ID, "category": ID,
              "day": NUMERIC(int, bits=32, signed=False, sortable=True)}
    for f in TEXT_FIELDS:
        for view in VIEW_WEIGHTS:
            fmt = Positions() if view == "stem" else Frequency()
            fields[field_name(f, view)] = TEXT(analyzer=PreAnalyzedTokenizer(), phrase=view == "stem")
            fields[field_name(f, view)].format = fmt
    return Schema(**fields)


class _Writer(EngineWriter):
    def __init__(self, ix):
        self._w = ix.writer(limitmb=256)

    def upsert(self, doc: IndexDoc) -> None:
        fields = {"id": doc.id, "day": doc.day}
        if doc.source:
            fields["source"] = doc.source
        if doc.category:
            fields["category"] = doc.category
        for name, terms in doc.terms.items():
            if terms:
                fields[name] = PreAnalyzed(terms)
        self._w.update_document(**fields)

    def delete(self, doc_id: str) -> None:
        self._w.delete_by_term("id", doc_id)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._w.commit()
        else:
            self._w.cancel()
        return False


def _translate(q: ir.Query) -> wq.Query:
    if isinstance(q, ir.TermQ):
        return wq.Term(q.field, q.term, boost=q.boost)
    if isinstance(q, ir.PhraseQ):
        return wq.Phrase(q.field, list(q.terms), slop=q.slop, boost=q.boost)
    if isinstance(q, ir.PrefixQ):
        return wq.Prefix(q.field, q.prefix, boost=q.boost)
    if isinstance(q, ir.MatchAllQ):
        return wq.Every()
    if isinstance(q, ir.BoolQ):
        must = [_translate(x) for x in q.must]
        should = [_translate(x) for x in q.should]
        must_not = [_translate(x) for x in q.must_not]
        if must:
            base: wq.Query = must[0] if len(must) == 1 else wq.And(must)
            if should:
                base = wq.AndMaybe(base, wq.Or(should))
        elif should:
            base = should[0] if len(should) == 1 else wq.Or(should)
        else:
            base = wq.Every()
        if must_not:
            base = wq.AndNot(base, wq.Or(must_not))
        return base
    raise TypeError(f"unknown query node {q!r}")


def _filter(filters: ir.Filters) -> wq.Query | None:
    parts = []
    if filters.source:
        parts.append(wq.Term("source", filters.source))
    if filters.category:
        parts.append(wq.Term("category", filters.category))
    if filters.since is not None or filters.until is not None:
        parts.append(wq.NumericRange("day", filters.since or 1, filters.until))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


class WhooshEngine(Engine):
    name = "whoosh"

    def __init__(self, path: Path):
        super().__init__(path)
        self._ix = windex.open_dir(str(self.path))

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

    def writer(self) -> EngineWriter:
        return _Writer(self._ix)

    def search(self, query, filters, *, sort="relevance", limit=10, offset=0) -> EngineHits:
        wquery = _translate(query)
        kwargs = {}
        if sort in ("newest", "oldest"):
            kwargs["sortedby"] = "day"
            kwargs["reverse"] = sort == "newest"
        with self._ix.searcher() as s:
            r = s.search(wquery, limit=offset + limit, filter=_filter(filters), **kwargs)
            hits = [(h["id"], float(h.score or 0.0)) for h in r[offset:offset + limit]]
            return EngineHits(len(r), hits)

    def count(self) -> int:
        with self._ix.searcher() as s:
            return s.doc_count()
