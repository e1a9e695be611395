"""The forward index: each article's distinct words, so a snippet needs no analysis at search time.

An engine's index goes from a term to the articles that hold it; a snippet
needs the other direction: which words of *this* article match the query.
Finding that by analysing the hit's text costs a lookup for every word of
it, for every hit of every query.  The forward index does that work once,
when the article is indexed, and keeps, beside the engine's index (in
``forward-<analysis version>.sqlite3``):

* the *words*: every distinct word (surface form, as written) of the
  indexed articles, numbered in the order first seen, with a 32-bit hash of
  each of its terms (exact, stem and root; 0 for the stem and root of a stop
  word, which never match).  They are stored :data:`BLOCK` to a row, so a
  process reads all of them in a few milliseconds;
* the *articles*: per article, the numbers of its distinct words (title and
  body), and the lengths of the title and body they were read from.

At search time (:meth:`ForwardIndex.matched`) the word numbers of all the
hits are read in one query and their term hashes compared with the query's
in NumPy; only the few words whose hash matches are then judged for real
with the analyzer (a hash can collide; the judgement cannot).  The
highlighter then only has to locate those words in the text
(:func:`index.highlight.locate`).

A word's number and hashes never change (the file is per analysis
version), so the words only grow; a rebuilt index rewrites every article's
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
from operator import itemgetter
from pathlib import Path
from typing import Iterable

import numpy as np

from archive.records import Article

from .analysis import ANALYSIS_VERSION, analyzer
from .highlight import word_kind
from .query import MatchSet
from .views import GAP

SCHEMA = """
CREATE TABLE IF NOT EXISTS word_blocks (block INTEGER PRIMARY KEY, hashes BLOB NOT NULL,
                                        surfaces TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, lengths INTEGER NOT NULL,
                                     words BLOB NOT NULL);
"""
BLOCK = 4096  # words per row of word_blocks
_VIEWS = ("exact", "stem", "root")
_COLUMN_BITS = np.array([0, 1 << 32, 2 << 32], dtype=np.uint64)  # view number above the hash
_NARROW, _WIDE, _EMPTY = 0, 1, 2  # article rows: word-number gaps as uint16 or uint32; no words
_HEADER = struct.Struct("<II")  # width, first word number
_SURFACE = itemgetter(3)

#: A distinct word of an article: (exact, stem, root, surface), as
#: :class:`~index.views.IndexDoc` ``.words`` has them; a stop word's stem and
#: root are :data:`~index.views.GAP`.
Word = tuple[str, str, str, str]


def file_name() -> str:
    return f"forward-{ANALYSIS_VERSION}.sqlite3"


def term_hash(term: str) -> int:
    """The 32-bit hash the forward index keeps of a term (CRC-32 of its UTF-8; 0 for a gap)."""
    return 0 if term == GAP else zlib.crc32(term.encode("utf-8"))


def lengths(article: Article) -> int:
    """The lengths of title and body in one number: which text a row was read from."""
    return (len(article.title or "") << 32) | len(article.body or "")


def encode(ids: list[int]) -> bytes:
    """Distinct word numbers as a row: a header (width, first number), then the gaps in order."""
    if not ids:
        return _HEADER.pack(_EMPTY, 0)
    a = np.array(sorted(ids), dtype=np.int64)
    gaps = a[1:] - a[:-1]
    narrow = not len(gaps) or int(gaps.max()) < 1 << 16
    return (_HEADER.pack(_NARROW if narrow else _WIDE, int(a[0]))
            + gaps.astype(np.uint16 if narrow else np.uint32).tobytes())


def decode(row: bytes) -> np.ndarray:
    kind, first = np.frombuffer(row, dtype=np.uint32, count=2)
    if kind == _EMPTY:
        return np.zeros(0, dtype=np.int64)
    gaps = np.frombuffer(row, dtype=np.uint16 if kind == _NARROW else np.uint32, offset=8)
    out = np.empty(len(gaps) + 1, dtype=np.int64)
    out[0] = first
    np.cumsum(gaps, out=out[1:])
    out[1:] += first
    return out


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
        # The words read so far: their hashes by number, and surfaces by block.
        self._hashes = np.zeros((0, 3), dtype=np.uint32)
        self._surfaces: list[list[str]] = []

    def _db(self) -> sqlite3.Connection | None:
        db = getattr(self._local, "db", None)
        if db is None:
            if not self.path.exists():
                return None
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("PRAGMA query_only = ON")
            self._local.db = db
        return db

    def writer(self) -> "ForwardWriter":
        return ForwardWriter(self.path)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- reading ---------------------------------------------------------------
    def matched(self, articles: list[Article], matches: MatchSet) -> dict[str, dict[str, str]]:
        """For each of ``articles`` that the forward index holds as it is now:
        its words that match ``matches``, ``{surface: kind}`` (kind ``exact``,
        ``stem`` or ``root``, as :func:`index.highlight.match_kind`).  An article
        left out must be judged from its text."""
        wanted = {a.id: a for a in articles}
        db = self._db() if wanted else None
        if db is None:
            return {}
        try:
            rows = db.execute(f"SELECT id, lengths, words FROM articles WHERE id IN "
                              f"({','.join('?' * len(wanted))})", list(wanted)).fetchall()
        except sqlite3.Error:
            return {}
        held = [(i, decode(w)) for i, n, w in rows if n == lengths(wanted[i])]
        out: dict[str, dict[str, str]] = {i: {} for i, _ in held}
        if not held or not matches:
            return out
        ids = np.concatenate([w for _, w in held])
        if not len(ids):
            return out
        hashes = self._hashes_upto(db, int(ids.max()))
        if hashes is None:
            return {}
        keys = np.array(sorted({(col << 32) | term_hash(t) for col, view in enumerate(_VIEWS)
                                for t in getattr(matches, view)}), dtype=np.uint64)
        mine = (hashes[ids].astype(np.uint64) | _COLUMN_BITS).ravel()
        at = np.minimum(np.searchsorted(keys, mine), len(keys) - 1)
        hit = (keys[at] == mine).reshape(-1, 3).any(axis=1)
        if not hit.any():
            return out
        owner = np.repeat(np.arange(len(held)), [len(w) for _, w in held])[hit].tolist()
        kinds: dict[int, str | None] = {}
        surfaces = self._surfaces
        for word, row in zip(ids[hit].tolist(), owner):
            kind = kinds.get(word, "")
            if kind == "":
                surface = surfaces[word // BLOCK][word % BLOCK]
                kind = kinds[word] = word_kind((surface, *analyzer.word(surface)), matches)
            if kind is not None:
                out[held[row][0]][surfaces[word // BLOCK][word % BLOCK]] = kind
        return out

    def _hashes_upto(self, db: sqlite3.Connection, upto: int) -> np.ndarray | None:
        """The term hashes of words 0 … ``upto``, reading the blocks written since last time."""
        hashes = self._hashes
        if upto < len(hashes):
            return hashes
        with self._lock:
            hashes = self._hashes
            if upto >= len(hashes):
                start = len(hashes) // BLOCK  # the last block read may have grown
                parts, surfaces = [hashes[:start * BLOCK]], self._surfaces[:start]
                for block, h, s in _read_blocks(db, start):
                    if block != len(surfaces):
                        return None  # a gap: written while we read; judge the texts this time
                    parts.append(h)
                    surfaces.append(s)
                grown = np.concatenate(parts)
                if upto >= len(grown):
                    return None
                self._hashes, self._surfaces, hashes = grown, surfaces, grown
        return hashes


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
        self._ids: dict[str, int] = {}  # surface → number
        hashes: list[np.ndarray] = []
        for block, h, surfaces in _read_blocks(self.db, 0):
            base = block * BLOCK
            self._ids.update(zip(surfaces, range(base, base + len(surfaces))))
            hashes.append(h)
        self._count = len(self._ids)
        # The last, partly filled block is rewritten with the words that follow.
        tail = self._count % BLOCK
        self._new_surfaces: list[str] = list(surfaces[:tail]) if tail else []
        self._new_hashes: list[tuple[int, int, int]] = [tuple(x) for x in hashes[-1].tolist()] if tail else []

    def put_many(self, docs: list[tuple[Article, Iterable[Word]]]) -> None:
        """Record each article's distinct words (replacing what it had)."""
        known = self._ids
        get = known.get
        rows = []
        for article, words in docs:
            words = list(words)
            ids = list(map(get, map(_SURFACE, words)))
            if None in ids:  # words never seen: number them
                for k, n in enumerate(ids):
                    if n is None:
                        w = words[k]
                        n = known.get(w[3])  # a word may come twice in one article's list
                        if n is None:
                            n = known[w[3]] = self._count
                            self._count += 1
                            self._new_surfaces.append(w[3])
                            self._new_hashes.append((term_hash(w[0]), term_hash(w[1]), term_hash(w[2])))
                        ids[k] = n
            rows.append((article.id, lengths(article), encode(ids)))
        self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?)", rows)

    def delete(self, article_id: str) -> None:
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def _write_words(self) -> None:
        """Write the words numbered since the last write (and the block they extend)."""
        first = (self._count - len(self._new_surfaces)) // BLOCK
        rows = []
        for i in range(0, len(self._new_surfaces), BLOCK):
            rows.append((first + i // BLOCK, np.array(self._new_hashes[i:i + BLOCK], dtype=np.uint32).tobytes(),
                         "\n".join(self._new_surfaces[i:i + BLOCK])))
        self.db.executemany("INSERT OR REPLACE INTO word_blocks VALUES (?, ?, ?)", rows)
        tail = self._count % BLOCK  # the last block stays pending: the next words extend it
        self._new_surfaces = self._new_surfaces[len(self._new_surfaces) - tail:] if tail else []
        self._new_hashes = self._new_hashes[len(self._new_hashes) - tail:] if tail else []

    def close(self, commit: bool = True) -> None:
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
