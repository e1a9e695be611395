"""Ingest: sources → records → the archive, in transactional batches."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .readers import read_path, walk
from .records import Failure, Record
from .store import Store

BATCH = 500


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "failed": self.failed, "failures": [f.to_dict() for f in self.failures]}


def ingest(store: Store, paths: Iterable, fmt: str | None = None,
           on_record: Callable[[str], None] | None = None) -> IngestReport:
    """Read every path (directories walked) into ``store``; bad input is reported, not raised."""
    report = IngestReport()
    pending: list[Record] = []

    def flush():
        with store.batch():
            for rec in pending:
                status, _ = store.put(rec)
                setattr(report, status, getattr(report, status) + 1)
                if on_record:
                    on_record(status)
        pending.clear()

    for path in walk(paths):
        if isinstance(path, Failure):
            report.failures.append(path)
            continue
        for item in read_path(path, fmt):
            if isinstance(item, Failure):
                report.failures.append(item)
                continue
            pending.append(item)
            if len(pending) >= BATCH:
                flush()
    if pending:
        flush()
    return report
