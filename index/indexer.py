"""Keeping an index in line with the archive.

The archive logs every change with a sequence number.  The index directory
holds ``state.json`` with the engine's name and the last sequence number
applied; :func:`sync` applies what came after it.  The state is written only
after the engine has committed, so a crash in between means some articles
are indexed twice (an update, harmless), never that one is missed.

The state also records the :data:`~index.analysis.ANALYSIS_VERSION` the
index was built with.  Terms are stems and roots, so when the analysis
changes an old index no longer matches new queries: :func:`sync` sees the
mismatch and re-indexes every article (an in-place rebuild).
"""
from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

from archive.store import Store

from .analysis import ANALYSIS_VERSION
from .engines import DEFAULT_ENGINE, ENGINES, Engine
from .views import IndexDoc, index_docs

BATCH = 500
MAX_WORKERS = 4
BULK = 5000  # from this many changes on, the engine writes in bulk mode (several processes)


class IndexState:
    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self.file = self.dir / "state.json"

    def read(self) -> dict:
        try:
            return json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def write(self, **values) -> None:
        state = {**self.read(), **values}
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.file)

    @property
    def engine_name(self) -> str:
        return self.read().get("engine", DEFAULT_ENGINE)

    @property
    def seq(self) -> int:
        return int(self.read().get("seq", 0))

    @property
    def stale(self) -> bool:
        """True when the index was built by another version of the analysis."""
        state = self.read()
        return bool(state) and state.get("analysis_version") != ANALYSIS_VERSION


def engine_path(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / name


def open_engine(index_dir: Path, name: str | None = None, create: bool = False) -> Engine:
    state = IndexState(index_dir)
    name = name or state.engine_name
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    cls = ENGINES[name]
    path = engine_path(index_dir, name)
    if create or not cls.exists(path):
        engine = cls.create(path)
        state.write(engine=name, seq=0, analysis_version=ANALYSIS_VERSION)
        return engine
    return cls(path)


def _indexable(store: Store, ids: list[str]) -> dict:
    """The articles to index: exact duplicates of an indexed article are archived, not indexed."""
    return {k: a for k, a in store.get_many(ids).items() if not a.canonical_id}


def _analyzed(store: Store, ids: list[str], workers: int) -> Iterator[tuple[list[str], dict, list[IndexDoc]]]:
    """``(chunk of ids, their articles, their IndexDocs)``, in order.

    Analysis is the costliest step of indexing; for a big batch it runs in
    ``workers`` processes (each with its own word cache) while this process
    reads the archive and feeds the engine."""
    chunks = [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]
    if workers <= 1:
        for chunk in chunks:
            articles = _indexable(store, chunk)
            yield chunk, articles, index_docs(list(articles.values()))
        return
    ctx = multiprocessing.get_context("spawn")  # safe in a threaded web server, unlike fork
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        pending: deque = deque()
        for chunk in chunks:
            articles = _indexable(store, chunk)
            pending.append((chunk, articles, pool.submit(index_docs, list(articles.values()))))
            if len(pending) > 2 * workers:
                c, a, fut = pending.popleft()
                yield c, a, fut.result()
        while pending:
            c, a, fut = pending.popleft()
            yield c, a, fut.result()


def sync(store: Store, engine: Engine, state: IndexState,
         progress: Callable[[int], None] | None = None) -> int:
    """Apply the archive's changes since the state's seq; return how many articles were indexed."""
    target = store.last_seq()
    since = 0 if state.stale else state.seq  # a new analysis re-indexes everything
    if since >= target and not state.stale:
        return 0
    ids = store.changed_since(since)
    bulk = len(ids) >= BULK
    workers = min(os.cpu_count() or 1, MAX_WORKERS) if bulk else 1
    done = 0
    with engine.writer(bulk=bulk) as w:
        for chunk, articles, docs in _analyzed(store, ids, workers):
            by_id = {d.id: d for d in docs}
            for doc_id in chunk:
                d = by_id.get(doc_id)
                if d is None:  # gone, or an exact duplicate (see _indexable)
                    w.delete(doc_id)
                else:
                    w.upsert(d)
            done += len(chunk)
            if progress:
                progress(len(chunk))
    state.write(seq=target, analysis_version=ANALYSIS_VERSION)
    return done
