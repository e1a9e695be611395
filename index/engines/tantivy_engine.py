"""The tantivy engine (PyPI ``tantivy``, Rust): for large archives.

tantivy receives the same pre-analyzed views as Whoosh.  Each view of a
field becomes one string of its terms joined by spaces, split again by a
whitespace tokenizer.  The stem and root views have no stop words, but the
positions must keep their gaps (so ``"مخيم في اليرموك"`` stays a phrase
with one word missing): a stop word's position holds the placeholder
:data:`~index.views.GAP`, which a stop-word filter removes, and tantivy's
stop-word filter leaves the position unused.

The compiled query tree maps one to one onto tantivy queries: a term's
boost multiplies its BM25 score, phrases keep their slop (tantivy counts
the extra positions over the whole phrase, the compiler's slop counts 1 for
adjacent words, so tantivy's is one less),
prefixes score a constant like Whoosh's, and filters are constant-score
clauses worth nothing.  Scores are tantivy's BM25 (k1 = 1.2, b = 0.75,
Lucene's idf), as in the Whoosh engine.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import tantivy

from ..query import ir
from ..ranking import TEXT_FIELDS, VIEW_WEIGHTS, field_name
from ..views import GAP, IndexDoc
from .base import FACETS, Engine, EngineHits, EngineWriter, dir_size, facet_values, sorted_counts

TOKENIZER = "arshif_terms"
MAX_FACET_VALUES = 100_000
BULK_HEAP = 512_000_000
HEAP = 64_000_000
# One indexing thread, in bulk too: it keeps up with the Python that feeds it
# (about 0.14 ms an article), and a second one only competed with the ingest
# for the two cores and split the heap into more segments to merge (alternating
# ingests of 72,716 articles: 82.1 and 71.9 s with one, 89.0 and 78.0 s with two).
THREADS = 1


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for f in FACETS:
        sb.add_text_field(f, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_unsigned_field("day", indexed=True, fast=True)
    for f in TEXT_FIELDS:
        for view in VIEW_WEIGHTS:
            sb.add_text_field(field_name(f, view), tokenizer_name=TOKENIZER,
                              index_option="position" if view == "stem" else "freq")
    return sb.build()


def _analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.custom_stopword([GAP])).build())


def _document(doc: IndexDoc) -> tantivy.Document:
    d = tantivy.Document()
    d.add_text("id", doc.id)
    for k, v in facet_values(doc).items():
        d.add_text(k, v)
    d.add_unsigned("day", doc.day)
    for name, terms in doc.views.items():
        if terms:
            d.add_text(name, " ".join(terms))
    return d


class _Writer(EngineWriter):
    def __init__(self, engine: "TantivyEngine", bulk: bool):
        self._engine = engine
        self._w = engine._ix.writer(BULK_HEAP if bulk else HEAP, THREADS)

    def upsert(self, doc: IndexDoc) -> None:
        self._w.delete_documents_by_term("id", doc.id)
        self._w.add_document(_document(doc))

    def delete(self, doc_id: str) -> None:
        self._w.delete_documents_by_term("id", doc_id)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._w.commit()
        else:
            self._w.rollback()
        self._w.wait_merging_threads()
        self._engine._ix.reload()
        return False


class _Hits(Sequence):
    """``(article id, score)`` of each hit, the id read from the document store
    when first asked for (2.5 µs a hit): a page folding duplicates reads only
    as far as the page fills, not every hit fetched in case it would not."""

    def __init__(self, searcher: tantivy.Searcher, hits: list[tuple[tantivy.DocAddress, float]]):
        self._searcher = searcher
        self._hits = hits
        self._read: list[tuple[str, float]] = []

    def __len__(self) -> int:
        return len(self._hits)

    def __getitem__(self, i):
        wanted = range(len(self._hits))[i]  # the positions asked for (or an IndexError)
        if isinstance(wanted, range):  # a slice
            end = max(wanted[0], wanted[-1]) + 1 if wanted else 0
        else:
            end = wanted + 1
        read = self._read
        if end > len(read):
            doc = self._searcher.doc
            read.extend((doc(addr).get_first("id"), float(score)) for addr, score in self._hits[len(read):end])
        return read[i]

    def __eq__(self, other) -> bool:
        return list(self) == other if isinstance(other, list) else NotImplemented

    __hash__ = None


class TantivyEngine(Engine):
    name = "tantivy"

    def __init__(self, path: Path):
        super().__init__(path)
        self._ix = tantivy.Index.open(str(self.path))
        self._ix.register_tokenizer(TOKENIZER, _analyzer())
        self._schema = self._ix.schema

    @classmethod
    def create(cls, path: Path) -> "TantivyEngine":
        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        tantivy.Index(_schema(), str(path), reuse=False)
        return cls(path)

    @classmethod
    def exists(cls, path: Path) -> bool:
        return Path(path).is_dir() and tantivy.Index.exists(str(path))

    def writer(self, *, bulk: bool = False) -> EngineWriter:
        return _Writer(self, bulk)

    # -- queries -------------------------------------------------------------
    def translate(self, q: ir.Query) -> tantivy.Query:
        """The tantivy query for a compiled query tree."""
        Q, schema = tantivy.Query, self._schema
        if isinstance(q, ir.TermQ):
            term = Q.term_query(schema, q.field, q.term)
            return term if q.boost == 1.0 else Q.boost_query(term, q.boost)
        if isinstance(q, ir.PhraseQ):
            return Q.boost_query(Q.phrase_query(schema, q.field, list(q.terms), max(q.slop - 1, 0)), q.boost)
        if isinstance(q, ir.PrefixQ):
            return Q.const_score_query(Q.regex_query(schema, q.field, re.escape(q.prefix) + ".*"), q.boost)
        if isinstance(q, ir.MatchAllQ):
            return Q.all_query()
        if isinstance(q, ir.BoolQ):
            clauses = [(tantivy.Occur.Must, self.translate(x)) for x in q.must]
            clauses += [(tantivy.Occur.Should, self.translate(x)) for x in q.should]
            if not q.must and not q.should:
                clauses.append((tantivy.Occur.Must, Q.all_query()))
            clauses += [(tantivy.Occur.MustNot, self.translate(x)) for x in q.must_not]
            if len(clauses) == 1:
                return clauses[0][1]
            return Q.boolean_query(clauses)
        raise TypeError(f"unknown query node {q!r}")

    def _filtered(self, query: ir.Query | None, filters: ir.Filters | None) -> tantivy.Query:
        Q = tantivy.Query
        base = self.translate(ir.flatten(query)) if query is not None else Q.all_query()
        if not filters:
            return base
        parts = []
        if filters.source:
            parts.append(Q.term_query(self._schema, "source", filters.source))
        if filters.category:
            parts.append(Q.term_query(self._schema, "category", filters.category))
        if filters.since is not None or filters.until is not None:
            parts.append(Q.range_query(self._schema, "day", tantivy.FieldType.Unsigned,
                                       filters.since or 0, filters.until))
        clauses = [(tantivy.Occur.Must, base)]
        clauses += [(tantivy.Occur.Must, Q.const_score_query(p, 0.0)) for p in parts]
        return Q.boolean_query(clauses)

    def search(self, query, filters, *, sort="relevance", limit=10, offset=0) -> EngineHits:
        s = self._ix.searcher()
        q = self._filtered(query, filters)
        if sort == "newest":  # undated articles (day 0) come last by themselves
            r = s.search(q, limit, count=True, order_by_field="day", order=tantivy.Order.Desc, offset=offset)
            return EngineHits(r.count, _Hits(s, [(addr, 0.0) for _, addr in r.hits]))
        if sort == "oldest":
            return self._oldest(s, q, limit, offset)
        r = s.search(q, limit, count=True, offset=offset)
        return EngineHits(r.count, _Hits(s, [(addr, score) for score, addr in r.hits]))

    def _oldest(self, s, q, limit: int, offset: int) -> EngineHits:
        """Oldest first, undated articles (day 0) last: the dated ones in order,
        then the undated ones to fill the page."""
        Q, Must = tantivy.Query, tantivy.Occur.Must
        day = lambda lo, hi: Q.const_score_query(
            Q.range_query(self._schema, "day", tantivy.FieldType.Unsigned, lo, hi), 0.0)
        dated = s.search(Q.boolean_query([(Must, q), (Must, day(1, None))]), limit, count=True,
                         order_by_field="day", order=tantivy.Order.Asc, offset=offset)
        hits = [(s.doc(addr).get_first("id"), 0.0) for _, addr in dated.hits]
        rest = max(limit - len(hits), 1)  # at least 1: the search also counts them
        undated = s.search(Q.boolean_query([(Must, q), (Must, day(0, 0))]), rest, count=True,
                           order_by_field="day", order=tantivy.Order.Asc, offset=max(offset - dated.count, 0))
        if len(hits) < limit:
            hits += [(s.doc(addr).get_first("id"), 0.0) for _, addr in undated.hits][:limit - len(hits)]
        return EngineHits(dated.count + undated.count, hits)

    def count(self, query=None, filters=None) -> int:
        s = self._ix.searcher()
        if query is None and not filters:
            return s.num_docs
        return s.search(self._filtered(query, filters), 1, count=True).count

    def facets(self, query, filters=None) -> dict[str, dict[str, int]]:
        s = self._ix.searcher()
        aggs = {f: {"terms": {"field": f, "size": MAX_FACET_VALUES}} for f in FACETS}
        res = s.aggregate(self._filtered(query, filters), aggs)
        return {f: sorted_counts({b["key"]: b["doc_count"] for b in res.get(f, {}).get("buckets", [])})
                for f in FACETS}

    def terms(self, field: str, prefix: str = "") -> list[tuple[str, int]]:
        try:
            out = self._ix.searcher().terms_with_prefix(field, prefix)
        except ValueError:
            return []
        return sorted(((t, int(n)) for t, n in out), key=lambda x: (-x[1], x[0]))

    def doc_frequencies(self, field: str, terms: list[str]) -> list[int]:
        s = self._ix.searcher()
        try:
            return [int(s.doc_freq(field, t)) for t in terms]
        except ValueError:  # not a field of the schema
            return [0] * len(terms)

    def refresh(self) -> None:
        self._ix.reload()

    def size_bytes(self) -> int:
        return dir_size(self.path)
