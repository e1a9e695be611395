"""The forward index: each article's distinct words, so a snippet needs no analysis at search time.

An engine's index goes from a term to the articles that hold it; a snippet
needs the other direction: which words of *this* article match the query.
Finding that by analysing the hit's text costs a lookup for every word of
it, for every hit of every query.  The forward index does that work once,
when the article is indexed, and keeps, beside the engine's index (in
``forward-<analysis version>-<format>.sqlite3``):

* the *words*: every distinct word (surface form, as written) of the
  indexed articles, numbered in the order first seen, with a 32-bit hash of
  each of its terms (exact, stem and root; 0 for the stem and root of a stop
  word, which never match).  They are stored :data:`BLOCK` to a row, so a
  process reads all of them in a few milliseconds;
* the *articles*: per article, the numbers of its distinct words (title and
  body), where its body's fragments start and end (the sentences, long ones
  cut at their clauses, that a snippet scores: so a snippet need not cut
  them), and the lengths of the title and body they were read from.

At search time (:meth:`ForwardIndex.matched`) the word numbers of all the
hits are read in one query and their term hashes compared with the query's
in NumPy (their low 16 bits, through a table of 65,536 flags: a couple of
gathers; about one word in a query's ten hits passes by chance); only the
few words that pass are then judged for real with the analyzer (a hash can
collide; the judgement cannot).  The
highlighter then only has to locate those words in the text
(:func:`index.highlight.locate`).

A word's number and hashes never change (the file is per analysis
version and :data:`FORMAT`), so the words only grow; a rebuilt index rewrites every article's
row.  The forward index is derived, like the engine's: an article missing
from it, or whose text no longer has the lengths it was read with, is
highlighted by analysing its text instead, so the forward index never has
to be right, only fast.  It is written with the engine, by whatever writes
the engine (:mod:`index.indexer`), and serves every engine.
"""
from __future__ import annotations

import sqlite3
import struct
import threading
import zlib
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import numpy as np

from archive.records import Article
from archive.store import MMAP_BYTES

from . import accel
from .analysis import ANALYSIS_VERSION, analyzer
from .highlight import word_kind
from .query import MatchSet
from .views import GAP, IndexDoc

SCHEMA = """
CREATE TABLE IF NOT EXISTS word_blocks (block INTEGER PRIMARY KEY, hashes BLOB NOT NULL,
                                        surfaces TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, lengths INTEGER NOT NULL,
                                     words BLOB NOT NULL, fragments BLOB NOT NULL);
"""
BLOCK = 4096  # words per row of word_blocks
_VIEWS = ("exact", "stem", "root")
_NARROW, _WIDE, _EMPTY = 0, 1, 2  # article rows: word-number gaps as uint16 or uint32; no words
_HEADER = struct.Struct("<II")  # width, first word number
_GAP_TYPE = {_NARROW: np.dtype(np.uint16), _WIDE: np.dtype(np.uint32)}  # a gap's type in a row of each width
_WORD_BYTES = len(_VIEWS) * np.dtype(np.uint32).itemsize  # a word's hashes in word_blocks
_FILTERED_VIEWS = ("exact", "stem")  # the views term_filter answers for
_BITS_PER_HASH = 64  # of term_filter's tables: one absent term in about 64 passes
_PROCESS_NUMBER = itemgetter(4)
_NONE = np.zeros(0, dtype=np.int64)
_NO_HASHES = np.zeros((0, len(_VIEWS)), dtype=np.uint32)

#: A distinct word of an article: (exact, stem, root, surface, number in
#: the process), as :class:`~index.views.IndexDoc` ``.words`` has them; a
#: stop word's stem and root are :data:`~index.views.GAP`.
Word = tuple[str, str, str, str, int]


#: The layout of the forward index's file: an index built with another is
#: rebuilt (see :class:`index.indexer.IndexState`).
FORMAT = 3


def file_name() -> str:
    return f"forward-{ANALYSIS_VERSION}-{FORMAT}.sqlite3"


def term_hashes(terms: Iterable[str]) -> np.ndarray:
    """The 32-bit hash the forward index keeps of each term (CRC-32 of its UTF-8;
    0 for a gap), as uint32: for the words a writer numbers, a query's terms and
    the hundreds of terms of a did-you-mean, always a batch at a time."""
    terms = terms if isinstance(terms, list) else list(terms)
    out = np.fromiter(map(zlib.crc32, map(str.encode, terms)), dtype=np.uint32, count=len(terms))
    if GAP in terms:  # (only the stem and root views of stop words have it)
        out[[i for i, t in enumerate(terms) if t == GAP]] = 0
    return out


class _BitTable:
    """A set of 32-bit hashes that may answer "in it" for one that is not (about one
    in :data:`_BITS_PER_HASH`), never "not in it" for one that is: a bit per slot,
    a hash's low bits its slot.  A look-up is one gather, where a binary search
    in the sorted hashes missed the CPU caches at every step (a did-you-mean's
    588 edits of a word, 350,000 terms: 77 → 9 µs)."""

    def __init__(self, hashes: np.ndarray):
        size = 1 << max(16, int(max(len(hashes), 1) * _BITS_PER_HASH - 1).bit_length())
        self._mask = np.uint32(size - 1)
        slots = hashes & self._mask
        self._bits = np.zeros(size >> 3, dtype=np.uint8)
        np.bitwise_or.at(self._bits, slots >> 3, np.left_shift(1, slots & 7).astype(np.uint8))

    def has(self, hashes: np.ndarray) -> np.ndarray:
        slots = hashes & self._mask
        return (self._bits[slots >> 3] >> (slots & 7).astype(np.uint8)) & 1 == 1


def lengths(article: Article) -> int:
    """The lengths of title and body in one number: which text a row was read from."""
    return (len(article.title or "") << 32) | len(article.body or "")


def encode(ids: list[int] | np.ndarray) -> bytes:
    """Distinct word numbers as a row: a header (width, first number), then the gaps in order."""
    if not len(ids):
        return _HEADER.pack(_EMPTY, 0)
    # (np.fromiter: no type discovery, as np.array does)
    a = ids.copy() if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64, count=len(ids))
    a.sort()
    gaps = a[1:] - a[:-1]
    narrow = not len(gaps) or int(gaps.max()) < 1 << 16
    return (_HEADER.pack(_NARROW if narrow else _WIDE, int(a[0]))
            + gaps.astype(_GAP_TYPE[_NARROW if narrow else _WIDE]).tobytes())


def decode_many(rows: list[bytes]) -> tuple[np.ndarray, list[int]]:
    """The word numbers of several rows, end to end, and how many each row has.

    The gaps of consecutive rows of one width are read in one piece (NumPy
    calls per row cost more than a page of hits' gaps; the caller puts the
    rows of one width together, :meth:`ForwardIndex._found`): each row's
    first number takes the place of its header, and one running sum over
    all, less what it had reached before each row, gives every row's numbers."""
    heads = [_HEADER.unpack_from(row) for row in rows]
    counts = [0 if kind == _EMPTY else (len(row) - _HEADER.size) // _GAP_TYPE[kind].itemsize + 1
              for (kind, _), row in zip(heads, rows)]
    runs: list[tuple[int, list[bytes]]] = []  # (width, rows) of consecutive rows of one width
    for (kind, _), row in zip(heads, rows):
        if kind == _EMPTY:
            continue
        if not runs or runs[-1][0] != kind:
            runs.append((kind, []))
        runs[-1][1].append(row[_HEADER.size - _GAP_TYPE[kind].itemsize:])  # the header's end stands for the first number
    if not runs:
        return np.zeros(0, dtype=np.int64), counts
    gaps = np.concatenate([np.frombuffer(b"".join(part), dtype=_GAP_TYPE[kind])
                           for kind, part in runs]).astype(np.int64)
    sizes = [c for c in counts if c]
    starts = np.cumsum(sizes) - sizes
    gaps[starts] = [first for kind, first in heads if kind != _EMPTY]
    total = np.cumsum(gaps)
    before = np.where(starts > 0, total[np.maximum(starts - 1, 0)], 0)
    return total - np.repeat(before, sizes), counts


def _offsets(body_length: int) -> type:
    """The narrowest type for character offsets into a body this long."""
    return np.uint16 if body_length < 1 << 16 else np.uint32


def encode_spans(spans: list[tuple[int, int]], body_length: int) -> bytes:
    return np.fromiter(chain.from_iterable(spans), dtype=_offsets(body_length), count=2 * len(spans)).tobytes()


def decode_spans(row: bytes, body_length: int) -> list[tuple[int, int]]:
    return decode_spans_many([(row, body_length)])[0]


def decode_spans_many(rows: list[tuple[bytes, int]]) -> list[list[tuple[int, int]]]:
    """:func:`decode_spans` of several ``(row, body length)``: the rows of one
    offset type are read in one piece (almost every body is below 65,536
    characters), as NumPy calls per row cost more than their few offsets."""
    out: list[list[tuple[int, int]]] = [[] for _ in rows]
    by_type: dict[type, list[int]] = {}
    for k, (_, length) in enumerate(rows):
        by_type.setdefault(_offsets(length), []).append(k)
    for kind, members in by_type.items():
        flat = np.frombuffer(b"".join(rows[k][0] for k in members), dtype=kind).tolist()
        width, pos = np.dtype(kind).itemsize, 0
        for k in members:
            end = pos + len(rows[k][0]) // width
            out[k] = list(zip(flat[pos:end:2], flat[pos + 1:end:2]))  # (start, end) pairs
            pos = end
    return out


class Held(NamedTuple):
    """What the forward index holds of a hit: its words that match the query
    (``{surface: kind}``) and its body's fragments."""

    found: dict[str, str]
    fragments: list[tuple[int, int]]


def _read_blocks(db: sqlite3.Connection, start: int):
    """``(block, hashes (n × 3 uint32), surfaces)`` of every block from ``start`` on."""
    for block, hashes, surfaces in db.execute(
            "SELECT block, hashes, surfaces FROM word_blocks WHERE block >= ? ORDER BY block", (start,)):
        yield block, np.frombuffer(hashes, dtype=np.uint32).reshape(-1, 3), surfaces.split("\n")


class ForwardIndex:
    """The forward index of one index directory, for reading (thread-safe)."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / file_name()
        self._local = threading.local()
        self._lock = threading.Lock()
        # The words read so far: the low 16 bits of their hashes by number, and
        # surfaces by block.
        self._hashes = np.zeros((0, 3), dtype=np.uint16)
        self._surfaces: list[list[str]] = []
        self._full: list[np.ndarray] = []  # the whole hashes, by block
        # For may_have: each view's term hashes as a bit table, and how many words they cover.
        self._known: tuple[int, dict[str, _BitTable]] = (-1, {})

    def _db(self) -> sqlite3.Connection | None:
        db = getattr(self._local, "db", None)
        if db is None:
            if not self.path.exists():
                return None
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("PRAGMA query_only = ON")
            db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")  # as the archive's (archive.store)
            self._local.db = db
        return db

    def writer(self) -> "ForwardWriter":
        return ForwardWriter(self.path)

    def size_bytes(self) -> int:
        """The forward index's size on disk (with its write-ahead log)."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- reading ---------------------------------------------------------------
    def matched(self, articles: list[Article], matches: MatchSet) -> dict[str, Held]:
        """For each of ``articles`` that the forward index holds as it is now:
        its words that match ``matches``, ``{surface: kind}`` (kind ``exact``,
        ``stem`` or ``root``, as :func:`index.highlight.match_kind`), and its
        fragments.  An article left out must be judged from its text."""
        wanted = {a.id: a for a in articles}
        db = self._db() if wanted else None
        if db is None:
            return {}
        try:
            rows = db.execute(f"SELECT id, lengths, words, fragments FROM articles WHERE id IN "
                              f"({','.join('?' * len(wanted))})", list(wanted)).fetchall()
        except sqlite3.Error:
            return {}
        rows = [r for r in rows if r[1] == lengths(wanted[r[0]])]
        loops = accel.active
        if loops is not None:
            spans = [loops.fragments(f, len(wanted[i].body or "")) for i, _, _, f in rows]
        else:
            spans = decode_spans_many([(f, len(wanted[i].body or "")) for i, _, _, f in rows])
        found = self._found(db, [w for _, _, w, _ in rows], matches) if rows and matches else [{} for _ in rows]
        if found is None:
            return {}
        return {r[0]: Held(f, fragments) for r, f, fragments in zip(rows, found, spans)}

    def _found(self, db: sqlite3.Connection, rows: list[bytes], matches: MatchSet) -> list[dict[str, str]] | None:
        """For each of ``rows`` (as :func:`encode` wrote them), its words that match
        ``matches``; None if a word's hashes are not written yet.

        Any view's hash is compared with any of the query's terms, on their
        low 16 bits: a word whose stem hashes like a query's exact term, or
        that shares those bits by chance, is a candidate too; the judgement
        (with the analyzer, :func:`index.highlight.word_kind`) sorts them out."""
        terms = term_hashes(chain.from_iterable(getattr(matches, view) for view in _VIEWS))
        loops = accel.active
        if loops is not None:
            found = loops.matched_words(rows, self._hashes, terms, self._surfaces, BLOCK, analyzer.word,
                                        matches.exact, matches.stem, matches.root)
            if found is None:  # words written since they were read
                hashes = self._read_new(db)
                found = None if hashes is None else loops.matched_words(
                    rows, hashes, terms, self._surfaces, BLOCK, analyzer.word, matches.exact, matches.stem, matches.root)
            return found
        order = sorted(range(len(rows)), key=lambda r: rows[r][:4])  # (decode_many reads a width at a time)
        ids, counts = decode_many([rows[r] for r in order])
        found: list[dict[str, str]] = [{} for _ in rows]
        if not len(ids):
            return found
        hashes = self._hashes_upto(db, int(ids.max()))
        if hashes is None:
            return None
        flagged = np.zeros(1 << 16, dtype=bool)
        flagged[terms & 0xFFFF] = True
        mine = hashes.take(ids, axis=0)  # (take gathers rows twice as fast as indexing)
        hit = flagged[mine[:, 0]] | flagged[mine[:, 1]] | flagged[mine[:, 2]]
        kinds: dict[int, tuple[str, str | None]] = {}
        surfaces = self._surfaces
        for word, row in zip(ids[hit].tolist(), np.array(order).repeat(counts)[hit].tolist()):
            judged = kinds.get(word)
            if judged is None:
                surface = surfaces[word // BLOCK][word % BLOCK]
                judged = kinds[word] = (surface, word_kind((surface, *analyzer.word(surface)), matches))
            if judged[1] is not None:
                found[row][judged[0]] = judged[1]
        return found

    def _hashes_upto(self, db: sqlite3.Connection, upto: int) -> np.ndarray | None:
        """The low 16 bits of the term hashes of words 0 … ``upto`` (n × 3 uint16),
        reading the blocks written since last time."""
        hashes = self._hashes
        if upto >= len(hashes):
            hashes = self._read_new(db)
            if hashes is None or upto >= len(hashes):
                return None
        return hashes

    def _read_new(self, db: sqlite3.Connection) -> np.ndarray | None:
        """Read the blocks written since last time; the low 16 bits of every word's
        hashes, or None if a block was missing (written while we read)."""
        with self._lock:
            hashes = self._hashes
            start = len(hashes) // BLOCK  # the last block read may have grown
            parts, surfaces, full = [hashes[:start * BLOCK]], self._surfaces[:start], self._full[:start]
            for block, h, s in _read_blocks(db, start):
                if block != len(surfaces):
                    return None  # judge the texts this time
                parts.append((h & 0xFFFF).astype(np.uint16))
                surfaces.append(s)
                full.append(h)
            grown = np.concatenate(parts)
            self._hashes, self._surfaces, self._full = grown, surfaces, full
        return grown

    def term_filter(self) -> Callable[[str, list[str]], list[bool]] | None:
        """``may_have(view, terms)``: for each term, False if no indexed word has it in
        ``view`` (``exact`` or ``stem``), else True (perhaps: its hash's slot in a
        :class:`_BitTable` is taken), or None for another view; None instead of the
        function when the forward index cannot tell.  It lets did-you-mean
        ask the engine about a few of its hundreds of candidate spellings
        (:class:`index.suggest.Prefiltered`); it sees the words as they are now."""
        db = self._db()
        if db is None:
            return None
        try:
            last = db.execute("SELECT block, length(hashes) FROM word_blocks ORDER BY block DESC LIMIT 1").fetchone()
        except sqlite3.Error:
            return None
        words = last[0] * BLOCK + last[1] // _WORD_BYTES if last else 0
        if words != len(self._hashes) and (self._read_new(db) is None or words > len(self._hashes)):
            return None
        with self._lock:
            count, known = self._known
            if count != len(self._hashes):  # words were added: build the tables again
                known = {view: _BitTable(np.concatenate([b[:, _VIEWS.index(view)] for b in self._full])
                                         if self._full else np.zeros(0, dtype=np.uint32))
                         for view in _FILTERED_VIEWS}
                self._known = (len(self._hashes), known)

        def may_have(view: str, terms: list[str]) -> list[bool] | None:
            table = known.get(view)
            if table is None:  # a view it does not keep: cannot tell
                return None
            return table.has(term_hashes(terms)).tolist()
        return may_have


class ForwardWriter:
    """Writes articles' words in one transaction: everything becomes visible when
    the ``with`` block is left without an error (:meth:`close`)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(SCHEMA)
        self.db.execute("BEGIN IMMEDIATE")
        self._closed = False
        self._ids: dict[str, int] = {}  # surface → number
        hashes: list[np.ndarray] = []
        for block, h, surfaces in _read_blocks(self.db, 0):
            base = block * BLOCK
            self._ids.update(zip(surfaces, range(base, base + len(surfaces))))
            hashes.append(h)
        self._count = len(self._ids)
        # The last, partly filled block is rewritten with the words that follow.
        tail = self._count % BLOCK
        self._tail_surfaces: list[str] = list(surfaces[:tail]) if tail else []
        self._tail_hashes = hashes[-1] if tail else _NO_HASHES  # (the last block holds the tail)
        self._new_words: list[Word] = []  # numbered since, in order
        # By numbering (see index.views._WordNumbers): a word's number there → here, or -1.
        self._by_process: dict[int, np.ndarray] = {}

    def put_many(self, docs: list[tuple[Article, IndexDoc]]) -> None:
        """Record each article's distinct words and fragments, from its
        :class:`~index.views.IndexDoc` (replacing what it had)."""
        rows = []
        for article, doc in docs:
            rows.append((article.id, lengths(article), encode(self._numbers(list(doc.words), doc.numbering)),
                         encode_spans(doc.fragments, len(article.body or ""))))
        self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)", rows)
        if len(self._tail_surfaces) + len(self._new_words) >= BLOCK:
            # Full blocks are written as they fill, not all at the close: the
            # close ends an ingest, which waits for it (0.8 s at 428,000 words).
            self._write_words(complete_only=True)

    def _numbers(self, words: list[Word], numbering: int) -> np.ndarray:
        """The numbers of an article's distinct words in this file, a word never
        seen getting the next one.

        Found through each word's number in this process (its last item), in
        an array kept from one article to the next: a gather in NumPy.  Only a
        process number met for the first time is looked up by its surface
        (a lookup in a dict of every word of the file, which missed the CPU
        caches: 139 µs an article for its 190 words, against 23 µs).  One
        array per ``numbering`` (the process that analysed the words)."""
        mine = np.fromiter(map(_PROCESS_NUMBER, words), dtype=np.int64, count=len(words))
        if not len(mine):
            return mine
        by_process = self._by_process.get(numbering, _NONE)
        top = int(mine.max())
        if top >= len(by_process):  # grown, by doubling
            grown = np.full(max(2 * len(by_process), top + 1, 1 << 16), -1, dtype=np.int64)
            grown[:len(by_process)] = by_process
            by_process = self._by_process[numbering] = grown
        ids = by_process[mine]
        known = self._ids
        for k in np.flatnonzero(ids < 0).tolist():
            w = words[k]
            n = known.get(w[3])
            if n is None:
                n = known[w[3]] = self._count
                self._count += 1
                self._new_words.append(w)
            ids[k] = by_process[mine[k]] = n
        return ids

    def delete(self, article_id: str) -> None:
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def _write_words(self, complete_only: bool = False) -> None:
        """Write the words numbered since the last write (and the block they
        extend); with ``complete_only``, only the blocks they fill, the others
        left for later."""
        surfaces = self._tail_surfaces + [w[3] for w in self._new_words]
        n = len(surfaces) // BLOCK * BLOCK if complete_only else len(surfaces)
        if not n:
            return
        cut = n - len(self._tail_surfaces)  # the new words that go into these blocks
        new, rest = self._new_words[:cut], self._new_words[cut:]
        hashes = np.concatenate([self._tail_hashes, np.stack(
            [term_hashes(map(itemgetter(view), new)) for view in range(len(_VIEWS))], axis=1)])
        first = (self._count - len(rest) - n) // BLOCK
        self.db.executemany("INSERT OR REPLACE INTO word_blocks VALUES (?, ?, ?)", [
            (first + i // BLOCK, hashes[i:i + BLOCK].tobytes(),
             "\n".join(surfaces[i:i + BLOCK])) for i in range(0, n, BLOCK)])
        tail = n % BLOCK  # a last block not full stays pending: the next words extend it
        self._tail_surfaces = surfaces[n - tail:n] if tail else []
        self._tail_hashes = hashes[n - tail:] if tail else _NO_HASHES
        self._new_words = rest

    def close(self, commit: bool = True) -> None:
        """Commit (or roll back) and close; closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        try:
            if commit:
                self._write_words()
                self.db.execute("COMMIT")
            elif self.db.in_transaction:
                self.db.execute("ROLLBACK")
        finally:
            self.db.close()

    def __enter__(self) -> "ForwardWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.close(commit=exc_type is None)
        return False

