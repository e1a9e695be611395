"""CSV and TSV with a header row: one article per row.

The header names the fields (see :mod:`archive.readers.fields` for the
names recognised and ``--map`` for others).  A row with the wrong number of
fields, or one the csv module cannot parse, is reported with its line and
skipped.
"""
from __future__ import annotations

import csv
from typing import Iterator

from ..records import Failure, Record
from .fields import record_from_mapping
from .jsonl import text_lines
from .source import ReadOptions, Source


def read_csv(source: Source, stream, opts: ReadOptions, delimiter: str | None = None
             ) -> Iterator[Record | Failure]:
    lines = text_lines(source, stream, opts)
    pending: list[tuple[int, str]] = []

    def feed():
        """Lines for the csv module; remembers each one's number and text."""
        for n, line in lines:
            if isinstance(line, Failure):
                failures.append(line)
                continue
            pending.append((n, line))
            yield line

    failures: list[Failure] = []
    csv.field_size_limit(max(opts.max_article_bytes, 131072))
    feeder = feed()
    header = None
    if delimiter is None:
        first = next(feeder, None)
        if first is None:
            yield from failures or [Failure(source.name, "empty file")]
            return
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), None)
        pending.clear()
    reader = csv.reader(feeder, delimiter=delimiter)
    try:
        if header is None:
            header = next(reader, None)
            pending.clear()
        yield from failures
        failures.clear()
        if not header or not any(h.strip() for h in header):
            yield Failure(source.name, "empty file" if header is None else "no header row", 1)
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                yield from failures
                failures.clear()
                where = pending[0][0] if pending else reader.line_num
                yield Failure(source.name, f"malformed CSV: {e}", where)
                pending.clear()
                continue
            yield from failures
            failures.clear()
            start = pending[0][0] if pending else reader.line_num
            raw = "".join(t for _, t in pending).rstrip("\r\n")
            pending.clear()
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                yield Failure(source.name, f"malformed CSV row: expected {len(header)} fields, "
                                           f"got {len(row)}", start)
                continue
            yield record_from_mapping(dict(zip(header, row)), source.name, start, raw=raw,
                                      field_map=opts.field_map)
        yield from failures
    finally:
        feeder.close()


def read_tsv(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    yield from read_csv(source, stream, opts, delimiter="\t")


def read_comma(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    yield from read_csv(source, stream, opts, delimiter=",")
