"""The Arshif library: one object that the CLI and the web app both use.

    >>> from index.api import Arshif
    >>> with Arshif("~/arshif") as a:
    ...     a.ingest(["articles/"])
    ...     results = a.search("تهجير")

An Arshif *home* directory holds the archive (``archive.sqlite3``, the
canonical copy) and the index (``index/``, derived, rebuildable).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterable

from archive import IngestReport, Store, ingest as ingest_paths
from archive.records import Article

from .analysis import Token, analyzer
from .engines import ENGINES, SORTS
from .highlight import Snippet, segments, marks, snippet
from .indexer import IndexState, open_engine, sync
from .query import Filters, compile_query
from .ranking import MODES
from .results import Hit, SearchResults
from .views import day_number

ARCHIVE_FILE = "archive.sqlite3"
INDEX_DIR = "index"
MAX_LIMIT = 1000


def default_home() -> Path:
    """``$ARSHIF_HOME``, else ``$XDG_DATA_HOME/arshif`` (``~/.local/share/arshif``)."""
    env = os.environ.get("ARSHIF_HOME")
    if env:
        return Path(env).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "arshif"


class ArshifError(Exception):
    """An error to show the user as one line (bad parameter, missing archive, …)."""


def archive_exists(home: Path) -> bool:
    return (Path(home).expanduser() / ARCHIVE_FILE).exists()


class Arshif:
    def __init__(self, home: str | Path | None = None, *, create: bool = True, engine: str | None = None):
        """Open the archive at ``home``; ``engine`` chooses the search engine of a new
        archive (``whoosh``, the default, or ``tantivy``) and is checked against an existing one."""
        self.home = Path(home).expanduser() if home else default_home()
        if not create and not archive_exists(self.home):
            raise ArshifError(f"no archive at {self.home}: run `arshif ingest PATH` first")
        if engine is not None and engine not in ENGINES:
            raise ArshifError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
        self.home.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.home / ARCHIVE_FILE)
        self.index_dir = self.home / INDEX_DIR
        self.state = IndexState(self.index_dir)
        current = self.state.read().get("engine")
        if engine is not None and current is not None and engine != current:
            self.store.close()
            raise ArshifError(f"the archive at {self.home} uses the {current} engine: "
                              f"run `arshif migrate --engine {engine}` to change it")
        self.engine = open_engine(self.index_dir, engine or current)
        if self.state.stale:  # built by an older analysis: rebuild it now
            self.sync()

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.engine.close()
        self.store.close()

    def __enter__(self) -> "Arshif":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -----------------------------------------------------------
    def ingest(self, paths: Iterable, *, fmt: str | None = None,
               on_record: Callable[[str], None] | None = None) -> IngestReport:
        """Store every article found in ``paths``, then bring the index in line."""
        self.sync()
        report = ingest_paths(self.store, paths, fmt=fmt, on_record=on_record)
        self.sync()
        return report

    def sync(self, progress: Callable[[int], None] | None = None) -> int:
        """Index whatever the archive has that the index has not seen yet."""
        return sync(self.store, self.engine, self.state, progress)

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index from the archive, from scratch."""
        name = self.state.engine_name
        self.engine.close()
        shutil.rmtree(self.index_dir, ignore_errors=True)
        self.engine = open_engine(self.index_dir, name, create=True)
        return self.sync(progress)

    def migrate(self, engine: str, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index with another engine (or the same one), from the archive.

        The new index is built next to the old one and replaces it only when
        complete, so searching works until the end and an interruption leaves
        the old index as it was.  Returns how many articles were indexed."""
        if engine not in ENGINES:
            raise ArshifError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
        building = self.home / (INDEX_DIR + ".new")
        shutil.rmtree(building, ignore_errors=True)
        new_state = IndexState(building)
        new_engine = open_engine(building, engine, create=True)
        try:
            n = sync(self.store, new_engine, new_state, progress)
        finally:
            new_engine.close()
        self.engine.close()
        old = self.home / (INDEX_DIR + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.index_dir.exists():
            os.replace(self.index_dir, old)
        os.replace(building, self.index_dir)
        shutil.rmtree(old, ignore_errors=True)
        self.engine = open_engine(self.index_dir, engine)
        return n

    def pending(self) -> int:
        """How many archive changes the index has not applied yet (for a progress bar's total)."""
        return len(self.store.changed_since(self.state.seq))

    # -- reading -----------------------------------------------------------
    def search(self, query: str, *, mode: str = "all", limit: int = 10, offset: int = 0,
               sort: str = "relevance", source: str | None = None, category: str | None = None,
               since: str | None = None, until: str | None = None) -> SearchResults:
        started = time.perf_counter()
        if mode not in MODES:
            raise ArshifError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        if sort not in SORTS:
            raise ArshifError(f"unknown sort {sort!r}: choose one of {', '.join(SORTS)}")
        if not 1 <= limit <= MAX_LIMIT:
            raise ArshifError(f"limit must be between 1 and {MAX_LIMIT}")
        if offset < 0:
            raise ArshifError("offset must not be negative")
        filters = Filters(source=source or None, category=category or None,
                          since=_day(since, "since"), until=_day(until, "until", end=True))
        compiled = compile_query(query, mode)
        results = SearchResults(query=query, mode=mode, total=0, hits=[], offset=offset,
                                limit=limit, sort=sort)
        if compiled.query is None:
            results.messages.append("the query has no searchable words")
        else:
            found = self.engine.search(compiled.query, filters, sort=sort, limit=limit, offset=offset)
            articles = self.store.get_many([i for i, _ in found.hits])
            results.total = found.total
            for doc_id, score in found.hits:
                a = articles.get(doc_id)
                if a is not None:
                    results.hits.append(self._hit(a, score, compiled.matches))
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    @staticmethod
    def _hit(a: Article, score: float, matches) -> Hit:
        body = snippet(a.body, matches)
        title = Snippet([segments(a.title, marks(a.title, matches))])
        matched = list(dict.fromkeys(title.matched + body.matched))
        return Hit(a, score, body, title, matched)

    def article(self, article_id: str) -> Article | None:
        return self.store.get(article_id)

    def highlighted(self, article: Article, query: str, mode: str = "all") -> dict:
        """The whole article with the query's matches marked (for an article page)."""
        m = compile_query(query, mode).matches
        return {
            "title": Snippet([segments(article.title, marks(article.title, m))]),
            "body": Snippet([segments(article.body, marks(article.body, m))]),
        }

    def history(self, article_id: str) -> list[dict]:
        return self.store.history(article_id)

    @staticmethod
    def analyze(text: str) -> list[Token]:
        return analyzer.analyze(text)

    def stats(self) -> dict:
        return {**self.store.stats(), "engine": self.state.engine_name,
                "indexed": self.engine.count(), "index_bytes": self.engine.size_bytes(),
                "home": str(self.home)}


def _day(value: str | None, name: str, end: bool = False) -> int | None:
    """``2018``, ``2018-05`` or ``2018-05-21`` → YYYYMMDD (start or end of the period)."""
    if not value:
        return None
    v = value.strip()
    parts = v.split("-")
    try:
        if len(parts) == 1 and len(v) == 4:
            return int(v) * 10000 + (1231 if end else 101)
        if len(parts) == 2:
            y, m = int(parts[0]), int(parts[1])
            if not 1 <= m <= 12:
                raise ValueError
            return y * 10000 + m * 100 + (31 if end else 1)
        d = day_number(v)
        if d:
            return d
    except ValueError:
        pass
    raise ArshifError(f"{name}: expected a date such as 2018, 2018-05 or 2018-05-21, got {value!r}")
