"""The one small interface every search engine implements.

An engine stores pre-analyzed documents (:class:`~index.views.IndexDoc`) and
runs compiled queries (:mod:`index.query.ir`).  It knows nothing of Arabic,
of the query language or of highlighting: those are shared by all engines,
so every engine returns the same hits for the same query.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..query import ir
from ..views import IndexDoc

SORTS = ("relevance", "newest", "oldest")


@dataclass
class EngineHits:
    total: int
    hits: list[tuple[str, float]]  # (article id, score), best first


class EngineWriter(AbstractContextManager):
    """Collects changes; they become visible together when the context exits."""

    @abstractmethod
    def upsert(self, doc: IndexDoc) -> None: ...

    @abstractmethod
    def delete(self, doc_id: str) -> None: ...


class Engine(ABC):
    name: str

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    @abstractmethod
    def create(cls, path: Path) -> "Engine":
        """Create an empty index at ``path`` (replacing any there)."""

    @classmethod
    @abstractmethod
    def exists(cls, path: Path) -> bool: ...

    @abstractmethod
    def writer(self) -> EngineWriter: ...

    @abstractmethod
    def search(self, query: ir.Query, filters: ir.Filters, *, sort: str = "relevance",
               limit: int = 10, offset: int = 0) -> EngineHits: ...

    @abstractmethod
    def count(self) -> int: ...

    def add_all(self, docs: Iterable[IndexDoc]) -> None:
        with self.writer() as w:
            for d in docs:
                w.upsert(d)

    def close(self) -> None:
        pass
