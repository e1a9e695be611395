"""Query evaluation over a Whoosh index, vectorized with NumPy.

Whoosh's own matchers walk every posting of every query term in Python, one
document at a time; a ten-word question searched in three views of two
fields means sixty matchers and seconds per query at archive scale.  This
module reads the same on-disk postings, but as whole arrays, and scores
term at a time over a dense score vector (one float per document), which
NumPy does at memory speed:

* a term's postings are decoded once per searcher into arrays (ids and term
  frequencies) and kept in a bounded cache, so the frequent terms of the
  next query cost nothing to read;
* BM25 is computed for all postings of a term in one vector operation, with
  the same formula, constants and idf as tantivy's (Lucene's);
* Boolean nodes combine masks and score vectors (must = and, should = or
  and sum, must_not = and not), like tantivy's Boolean query;
* phrases are verified from positions only where they can change the
  result: a phrase that only adds to the score of documents that already
  match (the proximity bonus of a long question) is bounded from above by
  its terms' frequencies, and positions are read only for the documents
  whose bound could lift them into the top k.  The result is the exact top
  k, as if every phrase had been verified.

Filters, date sorting and facet counts use Whoosh's columns as arrays too.
"""
from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.reading import SegmentReader, TermNotFound

from ..query import ir
from .base import B, FACETS, FIELD_NORMS, K1

LENGTH_OF_ID = np.array(FIELD_NORMS, dtype=np.float32)
CACHE_POSTINGS = 12_000_000  # postings kept decoded per searcher (about 100 MB)


@dataclass(eq=False)
class Postings:
    ids: np.ndarray  # global document numbers, ascending
    tf: np.ndarray  # float32 term frequencies
    values: list | None = None  # encoded positions, read on demand


class Index:
    """Array views of one Whoosh searcher's reader (one per searcher generation)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = [(r, off) for r, off in self.reader.leaf_readers() if isinstance(r, SegmentReader)]
        self.n = self.reader.doc_count_all()
        self.live = np.ones(self.n, dtype=bool)
        for r, off in self.leaves:
            for d in r.deleted_docs_set if r.has_deletions() else ():
                self.live[off + d] = False
        self.doc_count = int(self.live.sum())
        self._lengths: dict[str, np.ndarray] = {}
        self._avgfl: dict[str, float] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._postings: OrderedDict = OrderedDict()
        self._cached = 0
        self._columns: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._days: np.ndarray | None = None
        self._lock = threading.Lock()

    # -- statistics ------------------------------------------------------------
    def lengths(self, field: str) -> np.ndarray:
        out = self._lengths.get(field)
        if out is None:
            out = np.zeros(self.n, dtype=np.float32)
            for r, off in self.leaves:
                name = f"{field}_norm"
                if name not in r.schema or not r.has_column(name):  # not a text field: no lengths
                    continue
                col = r.column_reader(name, translate=False)
                raw = np.frombuffer(col._dbfile.get(col._basepos, col._count), dtype=np.uint8)
                out[off:off + len(raw)] = LENGTH_OF_ID[raw]
            self._lengths[field] = out
        return out

    def avgfl(self, field: str) -> float:
        v = self._avgfl.get(field)
        if v is None:  # tantivy's: all the field's terms over all documents
            v = self._avgfl[field] = (self.reader.field_length(field) / max(self.doc_count, 1)) or 1.0
        return v

    def idf(self, field: str, term: str) -> float:
        key = (field, term)
        v = self._idf.get(key)
        if v is None:
            df = self.reader.doc_frequency(field, term)
            v = self._idf[key] = float(np.log(1 + (self.doc_count - df + 0.5) / (df + 0.5)))
        return v

    # -- postings --------------------------------------------------------------
    def postings(self, field: str, term: str, positions: bool = False) -> Postings:
        key = (field, term)
        p = self._postings.get(key)
        if p is None:
            p = self._read(field, term)
            with self._lock:
                self._postings[key] = p
                self._cached += len(p.ids)
                while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
                    _, old = self._postings.popitem(last=False)
                    self._cached -= len(old.ids)
        else:
            self._postings.move_to_end(key)
        if positions and p.values is None:
            p.values = self._read(field, term, values=True).values
        return p

    def _read(self, field: str, term: str, values: bool = False) -> Postings:
        ids, tfs, vals = [], [], []
        for r, off in self.leaves:
            try:
                m = r._terms.matcher(field, r._text_to_bytes(field, term), r.schema[field].format)
            except TermNotFound:
                continue
            while m.is_active():
                m._read_ids()
                ids.append(np.asarray(m._ids, dtype=np.int64) + off)
                m._read_weights()
                tfs.append(np.asarray(m._weights, dtype=np.float32))
                if values:
                    m._read_values()
                    vals.extend(m._values)
                if m._lastblock:
                    break
                m._next_block()
        if not ids:
            return Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), [] if values else None)
        return Postings(np.concatenate(ids), np.concatenate(tfs), vals if values else None)

    def positions(self, field: str, p: Postings, i: int) -> tuple:
        return self.reader.schema[field].format.decode_positions(p.values[i])

    # -- columns ---------------------------------------------------------------
    def days(self) -> np.ndarray:
        if self._days is None:
            out = np.zeros(self.n, dtype=np.int64)
            for r, off in self.leaves:
                if r.has_column("day"):
                    col = r.column_reader("day")
                    out[off:off + r.doc_count_all()] = np.fromiter((int(x) for x in col), dtype=np.int64,
                                                                  count=r.doc_count_all())
            self._days = out
        return self._days

    def column(self, field: str) -> tuple[np.ndarray, list[str]]:
        """A facet column as integer codes (0 = no value) and the values they stand for."""
        c = self._columns.get(field)
        if c is None:
            values: dict[str, int] = {"": 0}
            codes = np.zeros(self.n, dtype=np.int64)
            for r, off in self.leaves:
                if not r.has_column(field):
                    continue
                col = r.column_reader(field)
                codes[off:off + r.doc_count_all()] = [
                    values.setdefault(v.decode("utf-8") if isinstance(v, bytes) else (v or ""), len(values))
                    for v in col]
            c = self._columns[field] = (codes, list(values))
        return c

    def stored_id(self, docnum: int) -> str:
        return self.reader.stored_fields(docnum)["id"]


# -- evaluation ----------------------------------------------------------------
class Result:
    """A dense match mask and score vector."""

    __slots__ = ("mask", "score")

    def __init__(self, mask: np.ndarray, score: np.ndarray):
        self.mask = mask
        self.score = score


def _bm25(ix: Index, field: str, ids: np.ndarray, tf: np.ndarray, idf: float, boost: float) -> np.ndarray:
    norm = K1 * (1 - B + B * ix.lengths(field)[ids] / ix.avgfl(field))
    return (boost * idf * (K1 + 1)) * tf / (tf + norm)


def term(ix: Index, q: ir.TermQ) -> Result:
    p = ix.postings(q.field, q.term)
    mask = np.zeros(ix.n, dtype=bool)
    score = np.zeros(ix.n, dtype=np.float32)
    if len(p.ids):
        mask[p.ids] = True
        score[p.ids] = _bm25(ix, q.field, p.ids, p.tf, ix.idf(q.field, q.term), q.boost)
    return Result(mask, score)


def prefix(ix: Index, q: ir.PrefixQ) -> Result:
    mask = np.zeros(ix.n, dtype=bool)
    for t in ix.reader.expand_prefix(q.field, q.prefix):
        t = t.decode("utf-8") if isinstance(t, bytes) else t
        mask[ix.postings(q.field, t).ids] = True
    return Result(mask, mask * np.float32(q.boost))


def _phrase_candidates(ix: Index, q: ir.PhraseQ):
    """The documents that have every term of the phrase, with each term's postings index."""
    plist = [ix.postings(q.field, t) for t in q.terms]
    if any(len(p.ids) == 0 for p in plist):
        return None, plist, []
    common = plist[0].ids
    for p in plist[1:]:
        common = np.intersect1d(common, p.ids, assume_unique=True)
    where = [np.searchsorted(p.ids, common) for p in plist]
    return common, plist, where


def _phrase_freq(positions: list[tuple], slop: int) -> int:
    """How many times the terms occur in order with at most ``slop - 1`` extra positions
    in all (the compiler's slop: 1 = adjacent; tantivy's rule, so both engines match the
    same documents).  From each position of the first term, each next term is taken at
    its nearest later position, which spends the fewest extra positions."""
    first, rest = positions[0], positions[1:]
    spare = slop - 1
    n = 0
    for p in first:
        prev, ok = p, True
        for k, plist in enumerate(rest, 1):
            nxt = next((x for x in plist if x > prev), None)
            if nxt is None or nxt - p - k > spare:
                ok = False
                break
            prev = nxt
        n += ok
    return n


def _phrase_score(ix: Index, q: ir.PhraseQ, docs: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    idf = sum(ix.idf(q.field, t) for t in q.terms)
    return _bm25(ix, q.field, docs, freqs.astype(np.float32), idf, q.boost)


def _verify(ix: Index, q: ir.PhraseQ, plist, where, rows) -> np.ndarray:
    for t, p in zip(q.terms, plist):
        if p.values is None:
            ix.postings(q.field, t, positions=True)
    freqs = np.zeros(len(rows), dtype=np.int64)
    for k, j in enumerate(rows):
        freqs[k] = _phrase_freq([ix.positions(q.field, p, int(w[j])) for p, w in zip(plist, where)], q.slop)
    return freqs


def phrase(ix: Index, q: ir.PhraseQ) -> Result:
    mask = np.zeros(ix.n, dtype=bool)
    score = np.zeros(ix.n, dtype=np.float32)
    common, plist, where = _phrase_candidates(ix, q)
    if common is None or not len(common):
        return Result(mask, score)
    freqs = _verify(ix, q, plist, where, range(len(common)))
    hit = freqs > 0
    docs = common[hit]
    mask[docs] = True
    score[docs] = _phrase_score(ix, q, docs, freqs[hit])
    return Result(mask, score)


class LazyPhrase:
    """A should-phrase whose documents all match anyway: only its score is pending.

    ``bound`` is an upper bound of its score per document (phrase frequency
    cannot exceed the rarest term's frequency)."""

    def __init__(self, ix: Index, q: ir.PhraseQ, common, plist, where):
        self.ix, self.q, self.common, self.plist, self.where = ix, q, common, plist, where
        tf_min = np.min(np.stack([p.tf[w] for p, w in zip(plist, where)]), axis=0)
        self.bound = np.zeros(ix.n, dtype=np.float32)
        self.bound[common] = _phrase_score(ix, q, common, tf_min)
        self.row = {int(d): k for k, d in enumerate(common)}

    def exact(self, docs: np.ndarray) -> np.ndarray:
        rows = [self.row[int(d)] for d in docs if int(d) in self.row]
        out = np.zeros(len(docs), dtype=np.float32)
        if not rows:
            return out
        freqs = _verify(self.ix, self.q, self.plist, self.where, rows)
        sc = _phrase_score(self.ix, self.q, self.common[rows], freqs)
        pos = {int(self.common[r]): s for r, s in zip(rows, sc)}
        for k, d in enumerate(docs):
            out[k] = pos.get(int(d), 0.0)
        return out


def evaluate_mask(ix: Index, q: ir.Query | None) -> np.ndarray:
    """Which documents match (None: all); pending phrase scores do not change that."""
    if q is None:
        return ix.live.copy()
    return _evaluate(ix, q, top=True)[0].mask & ix.live


def _evaluate(ix: Index, q: ir.Query, top: bool = False) -> tuple[Result, list[LazyPhrase]]:
    if isinstance(q, ir.TermQ):
        return term(ix, q), []
    if isinstance(q, ir.PhraseQ):
        return phrase(ix, q), []
    if isinstance(q, ir.PrefixQ):
        return prefix(ix, q), []
    if isinstance(q, ir.MatchAllQ):
        return Result(ix.live.copy(), ix.live.astype(np.float32)), []
    if not isinstance(q, ir.BoolQ):
        raise TypeError(f"unknown query node {q!r}")
    must = [_evaluate(ix, x)[0] for x in q.must]
    should_nodes = list(q.should)
    phrases = [x for x in should_nodes if isinstance(x, ir.PhraseQ)] if top else []
    others = [x for x in should_nodes if not (top and isinstance(x, ir.PhraseQ))]
    should = [_evaluate(ix, x)[0] for x in others]
    if must:
        mask = must[0].mask.copy()
        score = must[0].score.copy()
        for r in must[1:]:
            mask &= r.mask
            score += r.score
    elif should or phrases:
        mask = np.zeros(ix.n, dtype=bool)
        score = np.zeros(ix.n, dtype=np.float32)
    else:
        mask = ix.live.copy()
        score = ix.live.astype(np.float32)
    if should:
        smask = np.zeros(ix.n, dtype=bool)
        sscore = np.zeros(ix.n, dtype=np.float32)
        for r in should:
            smask |= r.mask
            sscore += r.score
        if must:
            score += sscore * mask
        else:
            mask, score = smask, sscore
    lazy = []
    for pq in phrases:
        common, plist, where = _phrase_candidates(ix, pq)
        if common is None or not len(common):
            continue
        if must or mask[common].all():  # no new matches from it: only the score is pending
            lazy.append(LazyPhrase(ix, pq, common, plist, where))
        else:
            r = phrase(ix, pq)
            if must:
                score += r.score * mask
            else:
                mask |= r.mask
                score += r.score
    for x in q.must_not:
        mask &= ~_evaluate(ix, x)[0].mask
    mask &= ix.live
    score *= mask  # a parent sums the scores of matching children only
    return Result(mask, score), lazy


def run(ix: Index, q: ir.Query, filter_mask: np.ndarray | None, sort: str, k: int) -> tuple[int, list[tuple[int, float]]]:
    """``(total, [(docnum, score), …])``: the ``k`` best documents (by score, or by date)."""
    res, lazy = _evaluate(ix, q, top=True)
    mask = res.mask & ix.live
    if filter_mask is not None:
        mask &= filter_mask
    docs = np.flatnonzero(mask)
    total = len(docs)
    if not total or k <= 0:
        return total, []
    if sort in ("newest", "oldest"):
        days = ix.days()[docs]
        # Undated articles (day 0) come last in both orders.
        key = -days if sort == "newest" else np.where(days == 0, np.iinfo(np.int64).max, days)
        order = np.lexsort((docs, key))[:k]
        return total, [(int(docs[i]), 0.0) for i in order]
    scores = res.score[docs]
    if not lazy:
        return total, _top(docs, scores, k)
    # Exact top k with pending phrase bonuses: visit documents by their upper
    # bound, verify their phrases, stop when no bound can beat the k-th score.
    bound = scores + sum(lp.bound[docs] for lp in lazy)
    order = np.lexsort((docs, -bound))
    best: list[tuple[float, int]] = []  # min-heap of (score, -docnum)
    step = max(4 * k, 64)
    for start in range(0, len(order), step):
        chunk = order[start:start + step]
        if len(best) >= k and bound[chunk[0]] < best[0][0]:
            break
        cdocs = docs[chunk]
        exact = scores[chunk] + sum(lp.exact(cdocs) for lp in lazy)
        for d, s in zip(cdocs, exact):
            item = (float(s), -int(d))
            if len(best) < k:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    best.sort(reverse=True)
    return total, [(-d, s) for s, d in best]


def _top(docs: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    if len(docs) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        # keep every document tied with the k-th score so ties break by docnum
        kth = scores[part].min()
        part = np.flatnonzero(scores >= kth)
    else:
        part = np.arange(len(docs))
    order = part[np.lexsort((docs[part], -scores[part]))][:k]
    return [(int(docs[i]), float(scores[i])) for i in order]


def filter_mask(ix: Index, filters: ir.Filters | None) -> np.ndarray | None:
    if not filters:
        return None
    mask = ix.live.copy()
    for f in ("source", "category"):
        v = getattr(filters, f)
        if v:
            codes, values = ix.column(f)
            try:
                mask &= codes == values.index(v)
            except ValueError:
                mask[:] = False
    if filters.since is not None or filters.until is not None:
        days = ix.days()
        if filters.since is not None:
            mask &= days >= filters.since
        if filters.until is not None:
            mask &= days <= filters.until
    return mask


def facets(ix: Index, mask: np.ndarray) -> dict[str, dict[str, int]]:
    out = {}
    for f in FACETS:
        codes, values = ix.column(f)
        counts = np.bincount(codes[mask], minlength=len(values))
        out[f] = {values[i]: int(c) for i, c in enumerate(counts) if i and c}
    return out
