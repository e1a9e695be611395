"""The archive: SQLite, the canonical copy of every article.

Tables:

* ``articles`` – the current version of each article;
* ``versions`` – every earlier version, so nothing stored is ever lost;
* ``raw`` – the input each version was read from (deflated, a zlib stream), so
  extraction can be re-run (:meth:`Store.raw`);
* ``changes`` – an append-only log (``seq``, article id) that indexes follow:
  an index remembers the last ``seq`` it applied and catches up from there,
  which is how it is brought back in line after a crash;
* ``minhash`` and ``lsh_bands`` – each article's MinHash signature and its band
  keys, to find near duplicates (:mod:`archive.dedup`).

Duplicates: ``articles.body_key`` is the hash of the normalized body.  An
article whose body is already archived under another id is an *exact
duplicate*: it is stored (nothing is lost) with ``canonical_id`` naming the
archived one, and indexes skip it.  Articles telling the same story, exactly
or nearly, share a ``dup_group`` (the id of the group's first article);
:meth:`Store.duplicates_of` lists an article's group.

The database runs in WAL mode, so readers never block the single writer.
Writes go through :meth:`Store.batch`, one transaction per batch: a crash
leaves whole articles or none.
"""
from __future__ import annotations

import sqlite3
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from isal import isal_zlib

from . import dedup
from .records import Article, Record, content_hash

# The raw inputs are deflated by ISA-L (``isal``), level 1: a zlib stream that
# zlib.decompress reads, made in 21 µs an article against zlib's 71 µs (level 3,
# a 4 KB window; 2.5% larger).
RAW_COMPRESSION = 1


def _compress_raw(text: str) -> bytes:
    return isal_zlib.compress(text.encode("utf-8"), RAW_COMPRESSION)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    date TEXT, source TEXT, url TEXT, category TEXT,
    hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    origin TEXT,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    author TEXT, body_key TEXT, dup_group TEXT, canonical_id TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    id TEXT NOT NULL, version INTEGER NOT NULL,
    title TEXT NOT NULL, body TEXT NOT NULL,
    date TEXT, source TEXT, url TEXT, category TEXT,
    hash TEXT NOT NULL, origin TEXT, saved_at TEXT NOT NULL,
    author TEXT,
    PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS raw (
    id TEXT NOT NULL, version INTEGER NOT NULL, origin TEXT, content TEXT,
    PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS minhash (id TEXT PRIMARY KEY, sig BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS lsh_bands (key INTEGER NOT NULL, id TEXT NOT NULL,
                                      PRIMARY KEY (key, id)) WITHOUT ROWID;
"""

# Columns added after the first release: (table, column, type).
MIGRATIONS = [("articles", "author", "TEXT"), ("articles", "body_key", "TEXT"),
              ("articles", "dup_group", "TEXT"), ("articles", "canonical_id", "TEXT"),
              ("versions", "author", "TEXT")]
INDEXES = """
CREATE INDEX IF NOT EXISTS articles_body_key ON articles(body_key);
CREATE INDEX IF NOT EXISTS articles_dup_group ON articles(dup_group);
CREATE INDEX IF NOT EXISTS articles_canonical ON articles(canonical_id);
"""

ARTICLE_COLUMNS = "id, title, body, date, source, url, category, author, dup_group, canonical_id"
CHECKPOINT_PAGES = 1000  # SQLite's default
MMAP_BYTES = 1 << 40  # as much of the file as SQLite allows (its build's cap, 2 GB by default)
BULK_CHECKPOINT_PAGES = 16384  # 64 MB of 4 KB pages
VERSION_COLUMNS = "id, title, body, date, source, url, category, author"
STATUSES = ("added", "updated", "unchanged", "duplicate")


@dataclass
class PutResult:
    status: str  # one of STATUSES
    article: Article
    near: bool = False  # grouped with a near duplicate


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """The archive database of one Arshif home."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self._connect()
        try:
            db.executescript(SCHEMA)
            for table, column, kind in MIGRATIONS:
                have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            db.executescript(INDEXES)
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'lsh'").fetchone():
                # an earlier layout (a rowid table and two indexes): rebuild from the signatures
                db.execute("BEGIN IMMEDIATE")
                if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'lsh'").fetchone():
                    db.execute("ROLLBACK")  # another process migrated it meanwhile
                    return
                for doc_id, sig in db.execute("SELECT id, sig FROM minhash").fetchall():
                    db.executemany("INSERT OR IGNORE INTO lsh_bands VALUES (?, ?)",
                                   [(k, doc_id) for k in dedup.band_keys(sig)])
                db.execute("DROP TABLE lsh")
                db.execute("COMMIT")
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-65536")  # 64 MB of page cache for big ingests
        # Read pages straight from the OS page cache instead of copying each one
        # in with a system call: a search reads ten articles that are rarely in
        # SQLite's own cache (search p50 at 72,716 articles, alternating runs:
        # 2.96 / 3.18 ms without, 2.74 / 2.63 ms with).
        db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """One connection per thread (sqlite3 connections are not shared)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- writing -----------------------------------------------------------
    @contextmanager
    def bulk(self) -> Iterator["Store"]:
        """Many batches in a row (an ingest): the write-ahead log is copied into the
        database every :data:`BULK_CHECKPOINT_PAGES` pages instead of SQLite's
        1,000 (fewer, larger checkpoints: a page changed by many batches is
        copied and synced less often), and once more at the end, so what the
        ingest wrote is synced to disk when it returns.  (A crash of the process
        loses nothing either way; only a power cut could undo the batches
        since the last checkpoint, as in SQLite's ``synchronous=NORMAL``.)"""
        db = self.db
        db.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
        try:
            yield self
        finally:
            db.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:  # busy: the next checkpoint does it
                pass

    @contextmanager
    def batch(self) -> Iterator["Store"]:
        """One transaction: everything written inside lands together or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def put_many(self, records: list[Record]) -> list[PutResult]:
        """:meth:`put` for each record in turn (inside :meth:`batch`), with the
        duplicate fingerprints of every new or changed body computed as one batch."""
        articles = [r.to_article() for r in records]
        hashes = [content_hash(a) for a in articles]
        known = self._hashes([a.id for a in articles])
        todo = [i for i, (a, h) in enumerate(zip(articles, hashes)) if known.get(a.id) != h]
        prints = dict(zip(todo, dedup.fingerprints_many([articles[i].body for i in todo])))
        return [self.put(r, _prepared=(a, h, prints.get(i)))
                for i, (r, a, h) in enumerate(zip(records, articles, hashes))]

    def _hashes(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.db.execute(f"SELECT id, hash FROM articles WHERE id IN"
                                       f" ({','.join('?' * len(chunk))})", chunk))
        return out

    def put(self, record: Record, _prepared: tuple | None = None) -> PutResult:
        """Store a record (inside :meth:`batch`): added, updated, unchanged or duplicate."""
        article, h, prints = _prepared or (None, None, None)
        if article is None:
            article = record.to_article()
            h = content_hash(article)
        db = self.db
        row = db.execute("SELECT hash, version, body_key, canonical_id FROM articles WHERE id = ?",
                         (article.id,)).fetchone()
        if row is not None and row[0] == h:
            return PutResult("unchanged", article)
        now = _now()
        key, sig = prints or dedup.fingerprints(article.body)
        canonical = None
        if key:
            hit = db.execute("SELECT id FROM articles WHERE body_key = ? AND id != ? AND"
                             " canonical_id IS NULL LIMIT 1", (key, article.id)).fetchone()
            canonical = hit[0] if hit else None
        if row is None:
            db.execute(
                "INSERT INTO articles (id, title, body, date, source, url, category, author, hash,"
                " version, origin, added_at, updated_at, body_key, canonical_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,1,?,?,?,?,?)",
                (article.id, article.title, article.body, article.date, article.source,
                 article.url, article.category, article.author, h, record.origin, now, now,
                 key, canonical))
            version, status = 1, ("duplicate" if canonical else "added")
        else:
            version, status = row[1] + 1, "updated"
            db.execute(
                f"INSERT INTO versions ({VERSION_COLUMNS}, version, hash, origin, saved_at)"
                f" SELECT {VERSION_COLUMNS}, version, hash, origin, ? FROM articles WHERE id = ?",
                (now, article.id))
            if row[2] != key and row[3] is None:
                self._promote_duplicates_of(article.id)
            db.execute(
                "UPDATE articles SET title=?, body=?, date=?, source=?, url=?, category=?, author=?,"
                " hash=?, version=?, origin=?, updated_at=?, body_key=?, canonical_id=?,"
                " dup_group=NULL WHERE id=?",
                (article.title, article.body, article.date, article.source, article.url,
                 article.category, article.author, h, version, record.origin, now, key,
                 canonical, article.id))
        group, near = self._group(article.id, sig, canonical, fresh=row is None)
        if record.raw is not None:
            db.execute("INSERT OR REPLACE INTO raw VALUES (?,?,?,?)",
                       (article.id, version, record.origin,
                        _compress_raw(record.raw)))
        db.execute("INSERT INTO changes (id) VALUES (?)", (article.id,))
        article.canonical_id, article.dup_group = canonical, group
        return PutResult(status, article, near)

    def _promote_duplicates_of(self, article_id: str) -> None:
        """``article_id`` no longer has its old body: its exact duplicates get a new canonical."""
        rows = self.db.execute("SELECT id FROM articles WHERE canonical_id = ? ORDER BY rowid",
                               (article_id,)).fetchall()
        if not rows:
            return
        heir = rows[0][0]
        self.db.execute("UPDATE articles SET canonical_id = NULL WHERE id = ?", (heir,))
        self.db.execute("UPDATE articles SET canonical_id = ? WHERE canonical_id = ?",
                        (heir, article_id))
        self.db.execute("INSERT INTO changes (id) VALUES (?)", (heir,))

    def _join(self, article_id: str, other: str) -> str:
        """Put ``article_id`` in ``other``'s duplicate group (created if needed); the group id."""
        row = self.db.execute("SELECT dup_group FROM articles WHERE id = ?", (other,)).fetchone()
        group = row[0] if row and row[0] else other
        if not (row and row[0]):
            self.db.execute("UPDATE articles SET dup_group = ? WHERE id = ?", (group, other))
            self.db.execute("INSERT INTO changes (id) VALUES (?)", (other,))
        self.db.execute("UPDATE articles SET dup_group = ? WHERE id = ?", (group, article_id))
        return group

    def _group(self, article_id: str, sig: bytes | None, canonical: str | None,
               fresh: bool) -> tuple[str | None, bool]:
        """Record the article's MinHash and join its duplicate group.

        Returns (the group id or None, whether it joined as a near duplicate)."""
        db = self.db
        if not fresh:
            old = db.execute("SELECT sig FROM minhash WHERE id = ?", (article_id,)).fetchone()
            if old:
                db.executemany("DELETE FROM lsh_bands WHERE key = ? AND id = ?",
                               [(k, article_id) for k in dedup.band_keys(old[0])])
                db.execute("DELETE FROM minhash WHERE id = ?", (article_id,))
        if canonical:
            return self._join(article_id, canonical), False
        if sig is None:
            return None, False
        keys = dedup.band_keys(sig)
        q = (f"SELECT DISTINCT m.id, m.sig FROM lsh_bands b JOIN minhash m ON m.id = b.id"
             f" WHERE b.key IN ({','.join('?' * len(keys))}) AND b.id != ?")
        best, best_sim = None, 0.0
        for other, other_sig in db.execute(q, (*keys, article_id)):
            sim = dedup.similarity(sig, other_sig)
            if sim > best_sim or (sim == best_sim and best is not None and other < best):
                best, best_sim = other, sim
        db.execute("INSERT INTO minhash VALUES (?, ?)", (article_id, sig))
        db.executemany("INSERT OR IGNORE INTO lsh_bands VALUES (?, ?)",
                       [(k, article_id) for k in keys])
        if best is not None and best_sim >= dedup.NEAR_THRESHOLD:
            return self._join(article_id, best), True
        return None, False

    # -- reading -----------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?",
                              (article_id,)).fetchone()
        return Article(*row) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        out: dict[str, Article] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            for row in self.db.execute(q, chunk):
                out[row[0]] = Article(*row)
        return out

    def history(self, article_id: str) -> list[dict]:
        """Every version of an article, oldest first, the current one last."""
        rows = self.db.execute(
            f"SELECT version, saved_at, {VERSION_COLUMNS} FROM versions WHERE id = ?"
            " ORDER BY version", (article_id,)).fetchall()
        cur = self.db.execute(
            f"SELECT version, updated_at, {VERSION_COLUMNS} FROM articles WHERE id = ?",
            (article_id,)).fetchone()
        out = [{"version": r[0], "saved_at": r[1], **Article(*r[2:]).to_dict()}
               for r in rows + ([cur] if cur else [])]
        for d in out:
            d.pop("dup_group", None)
            d.pop("canonical_id", None)
        return out

    def raw(self, article_id: str, version: int | None = None) -> str | None:
        """The input a version (default: the current one) was read from, as read."""
        q = "SELECT content FROM raw WHERE id = ?" + (" AND version = ?" if version else "")
        row = self.db.execute(q + " ORDER BY version DESC LIMIT 1",
                              (article_id, version) if version else (article_id,)).fetchone()
        if not row:
            return None
        content = row[0]  # deflated UTF-8, a zlib stream (archives from before: plain text)
        return zlib.decompress(content).decode("utf-8") if isinstance(content, bytes) else content

    def duplicates_of(self, article_id: str) -> list[dict]:
        """The other articles telling the same story, first archived first.

        Each is ``{"id", "title", "source", "date", "url", "exact"}``; ``exact``
        is True when its body is the same as this article's (after
        normalization), False for a near duplicate.  Empty when alone.
        """
        return self.duplicates_of_many([article_id]).get(article_id, [])

    def duplicates_of_many(self, ids: list[str]) -> dict[str, list[dict]]:
        """:meth:`duplicates_of` for each of ``ids`` that has duplicates, in one query
        (a page of search hits)."""
        out: dict[str, list[dict]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = self.db.execute(
                "SELECT a.id, d.id, d.title, d.source, d.date, d.url, a.body_key IS NOT NULL"
                " AND a.body_key != '' AND d.body_key = a.body_key"
                " FROM articles a JOIN articles d ON d.dup_group = a.dup_group AND d.id != a.id"
                f" WHERE a.id IN ({','.join('?' * len(chunk))}) ORDER BY d.rowid", chunk)
            for of, *r in rows:
                out.setdefault(of, []).append({"id": r[0], "title": r[1], "source": r[2], "date": r[3],
                                               "url": r[4], "exact": bool(r[5])})
        return out

    def iter_articles(self, batch_size: int = 1000) -> Iterator[Article]:
        last = ""
        while True:
            rows = self.db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch_size)).fetchall()
            if not rows:
                return
            for r in rows:
                yield Article(*r)
            last = rows[-1][0]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def last_seq(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]

    def changed_since(self, seq: int, upto: int | None = None) -> list[str]:
        """Ids of articles changed after change ``seq`` (and up to change ``upto``), each once."""
        if upto is None:
            rows = self.db.execute("SELECT DISTINCT id FROM changes WHERE seq > ?", (seq,)).fetchall()
        else:
            rows = self.db.execute("SELECT DISTINCT id FROM changes WHERE seq > ? AND seq <= ?",
                                   (seq, upto)).fetchall()
        return [r[0] for r in rows]

    def stats(self) -> dict:
        db = self.db
        return {
            "articles": self.count(),
            "versions": db.execute("SELECT COUNT(*) FROM versions").fetchone()[0],
            "exact_duplicates": db.execute(
                "SELECT COUNT(*) FROM articles WHERE canonical_id IS NOT NULL").fetchone()[0],
            "duplicate_groups": db.execute(
                "SELECT COUNT(DISTINCT dup_group) FROM articles").fetchone()[0],
            "sources": db.execute("SELECT COUNT(DISTINCT source) FROM articles").fetchone()[0],
            "first_date": db.execute("SELECT MIN(date) FROM articles").fetchone()[0],
            "last_date": db.execute("SELECT MAX(date) FROM articles").fetchone()[0],
        }
