"""Keeping an index in line with the archive.

The archive logs every change with a sequence number.  The index directory
holds ``state.json`` with the engine's name and the last sequence number
applied; :func:`sync` applies what came after it.  The state is written only
after the engine has committed, so a crash in between means some articles
are indexed twice (an update, harmless), never that one is missed.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

from archive.store import Store

from .engines import DEFAULT_ENGINE, ENGINES, Engine
from .views import index_doc

BATCH = 1000
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
        state.write(engine=name, seq=0)
        return engine
    return cls(path)


def sync(store: Store, engine: Engine, state: IndexState,
         progress: Callable[[int], None] | None = None) -> int:
    """Apply the archive's changes since the state's seq; return how many articles were indexed."""
    target = store.last_seq()
    if state.seq >= target:
        return 0
    ids = store.changed_since(state.seq)
    done = 0
    with engine.writer(bulk=len(ids) >= BULK) as w:
        for i in range(0, len(ids), BATCH):
            chunk = ids[i:i + BATCH]
            articles = store.get_many(chunk)
            for doc_id in chunk:
                a = articles.get(doc_id)
                if a is None:
                    w.delete(doc_id)
                else:
                    w.upsert(index_doc(a))
            done += len(chunk)
            if progress:
                progress(len(chunk))
    state.write(seq=target)
    return done
