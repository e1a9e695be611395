"""Ingest: sources → records → prepared articles → the archive, in transactional batches.

Records are read (:mod:`archive.readers`), prepared (:mod:`archive.metadata`)
and written a batch at a time, each batch in one transaction
(:meth:`Store.batch`): a crash or Ctrl-C loses at most the batch in flight,
never half an article, and re-running the same ingest finishes the job
(unchanged articles stay unchanged).  Batches start at :data:`BATCH` records
and grow with the ingest, to a quarter of what it has stored and at most
:data:`MAX_BATCH` (:func:`batch_size`).  Bad input never raises: it becomes a
:class:`~archive.records.Failure` in the report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .metadata import Defaults, prepare
from .readers import ReadOptions, read_source, walk
from .records import Failure, Record
from .store import STATUSES, Store

BATCH = 500  # records in each of the first transactions of an ingest
# A long ingest commits less often: each commit writes every page its batch
# changed, and a batch's near-duplicate band keys (sixteen an article, at
# random places in their table) change most pages of that table whatever the
# batch's size (storing 72,716 news articles alone, alternating runs:
# 46.6 / 39.0 s in batches of 500, 37.8 / 33.2 s in batches of 2,000).
MAX_BATCH = 2000


def batch_size(stored: int) -> int:
    """How many records the next transaction holds, once ``stored`` are committed."""
    return min(MAX_BATCH, max(BATCH, stored // 4))


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0  # added, but an exact duplicate of an archived article (not indexed)
    near_duplicate: int = 0  # added or updated, and grouped with a similar article
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "duplicate": self.duplicate, "near_duplicate": self.near_duplicate,
                "failed": self.failed, "interrupted": self.interrupted,
                "failures": [f.to_dict() for f in self.failures]}

    def summary(self) -> str:
        s = (f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
             f"duplicate {self.duplicate}, failed {self.failed}")
        if self.near_duplicate:
            s += f" ({self.near_duplicate} grouped with near-duplicates)"
        return s


@dataclass
class IngestOptions:
    fmt: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    defaults: Defaults = field(default_factory=Defaults)


def ingest(store: Store, paths: Iterable, fmt: str | None = None,
           on_record: Callable[[str], None] | None = None,
           options: IngestOptions | None = None,
           on_failure: Callable[[Failure], None] | None = None,
           before_batch: Callable[[list[Record]], None] | None = None) -> IngestReport:
    """Read every path (directories walked, ``-`` = stdin) into ``store``.

    ``on_record(status)`` is called for each stored record, ``on_failure`` for
    each failure, as they happen; ``before_batch(records)`` with each batch
    of records before it is stored (so that what an index will need of them
    can be prepared before an indexer reads them).  On KeyboardInterrupt the batch in flight is
    rolled back and the report (``interrupted=True``) covers what was committed.
    """
    opts = options or IngestOptions(fmt=fmt)
    if fmt and not opts.fmt:
        opts.fmt = fmt
    report = IngestReport()
    pending: list[Record] = []
    stored = 0

    def fail(f: Failure) -> None:
        report.failures.append(f)
        if on_failure:
            on_failure(f)

    def flush():
        nonlocal stored
        counts = dict.fromkeys(STATUSES, 0)
        near = 0
        done = []
        if before_batch:
            before_batch(pending)
        with store.batch():
            for result in store.put_many(pending):
                counts[result.status] += 1
                near += result.near
                done.append(result.status)
        for k, v in counts.items():
            setattr(report, k, getattr(report, k) + v)
        report.near_duplicate += near
        stored += len(done)
        if on_record:
            for status in done:
                on_record(status)
        pending.clear()

    try:
        with store.bulk():
            for source in walk(paths, skip=store.path.parent):
                if isinstance(source, Failure):
                    fail(source)
                    continue
                for item in read_source(source, opts.fmt, opts.read):
                    if isinstance(item, Failure):
                        fail(item)
                        continue
                    rec = prepare(item, opts.defaults)
                    if not rec.title and not rec.body:
                        fail(Failure(source.name, "record has neither title nor body", item.line))
                        continue
                    pending.append(rec)
                    if len(pending) >= batch_size(stored):
                        flush()
            if pending:
                flush()
    except KeyboardInterrupt:
        report.interrupted = True
    return report
