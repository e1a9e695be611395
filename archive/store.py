"""The archive: SQLite, the canonical copy of every article.

Tables:

* ``articles`` – the current version of each article;
* ``versions`` – every earlier version, so nothing stored is ever lost;
* ``raw`` – the input each version was read from, so extraction can be re-run;
* ``changes`` – an append-only log (``seq``, article id) that indexes follow:
  an index remembers the last ``seq`` it applied and catches up from there,
  which is how it is brought back in line after a crash.

The database runs in WAL mode, so readers never block the single writer.
Writes go through :meth:`Store.batch`, one transaction per batch: a crash
leaves whole articles or none.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .records import Article, Record, content_hash

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
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id TEXT NOT NULL, version INTEGER NOT NULL,
    title TEXT NOT NULL, body TEXT NOT NULL,
    date TEXT, source TEXT, url TEXT, category TEXT,
    hash TEXT NOT NULL, origin TEXT, saved_at TEXT NOT NULL,
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
"""

ARTICLE_COLUMNS = "id, title, body, date, source, url, category"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """The archive database of one Arshif home."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
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

    def put(self, record: Record) -> tuple[str, Article]:
        """Store a record; return ('added' | 'updated' | 'unchanged', article)."""
        article = record.to_article()
        h = content_hash(article)
        row = self.db.execute("SELECT hash, version FROM articles WHERE id = ?", (article.id,)).fetchone()
        now = _now()
        if row is None:
            self.db.execute(
                "INSERT INTO articles (id, title, body, date, source, url, category, hash, version,"
                " origin, added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,1,?,?,?)",
                (article.id, article.title, article.body, article.date, article.source,
                 article.url, article.category, h, record.origin, now, now),
            )
            version, status = 1, "added"
        elif row[0] == h:
            return "unchanged", article
        else:
            version, status = row[1] + 1, "updated"
            self.db.execute(
                "INSERT INTO versions SELECT id, version, title, body, date, source, url, category,"
                " hash, origin, ? FROM articles WHERE id = ?", (now, article.id))
            self.db.execute(
                "UPDATE articles SET title=?, body=?, date=?, source=?, url=?, category=?, hash=?,"
                " version=?, origin=?, updated_at=? WHERE id=?",
                (article.title, article.body, article.date, article.source, article.url,
                 article.category, h, version, record.origin, now, article.id),
            )
        if record.raw is not None:
            self.db.execute("INSERT OR REPLACE INTO raw VALUES (?,?,?,?)",
                            (article.id, version, record.origin, record.raw))
        self.db.execute("INSERT INTO changes (id) VALUES (?)", (article.id,))
        return status, article

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
            f"SELECT version, saved_at, {ARTICLE_COLUMNS} FROM versions WHERE id = ? ORDER BY version",
            (article_id,)).fetchall()
        cur = self.db.execute(
            f"SELECT version, updated_at, {ARTICLE_COLUMNS} FROM articles WHERE id = ?",
            (article_id,)).fetchone()
        out = [{"version": r[0], "saved_at": r[1], **Article(*r[2:]).to_dict()} for r in rows]
        if cur:
            out.append({"version": cur[0], "saved_at": cur[1], **Article(*cur[2:]).to_dict()})
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

    def changed_since(self, seq: int) -> list[str]:
        """Ids of articles changed after change ``seq`` (each once)."""
        rows = self.db.execute("SELECT DISTINCT id FROM changes WHERE seq > ?", (seq,)).fetchall()
        return [r[0] for r in rows]

    def stats(self) -> dict:
        db = self.db
        return {
            "articles": self.count(),
            "versions": db.execute("SELECT COUNT(*) FROM versions").fetchone()[0],
            "sources": db.execute("SELECT COUNT(DISTINCT source) FROM articles").fetchone()[0],
            "first_date": db.execute("SELECT MIN(date) FROM articles").fetchone()[0],
            "last_date": db.execute("SELECT MAX(date) FROM articles").fetchone()[0],
        }
