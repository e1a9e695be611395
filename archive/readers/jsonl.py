"""JSON Lines (one object per line, streamed) and JSON arrays of objects.

A malformed line is reported with its line number and skipped; the other
lines are read.  A JSON array is parsed element by element, so each record
knows its line; a syntax error stops that file at the line it names.
"""
from __future__ import annotations

import io
import json
from typing import Iterator

from ..decode import DecodeError, decode, sniff_encoding
from ..records import Failure, Record
from .fields import record_from_mapping
from .source import ReadOptions, Source, TooLarge, read_limited

SNIFF_BYTES = 1 << 20


def text_lines(source: Source, stream, opts: ReadOptions) -> Iterator[tuple[int, str | Failure]]:
    """(line number, decoded line) for a line-oriented file in any accepted encoding.

    The encoding is decided on the first megabyte; a line that does not decode
    with it, or that is longer than the article limit, becomes a Failure.
    """
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if not head.strip():
        yield 0, Failure(source.name, "empty file")
        return
    try:
        enc = sniff_encoding(head)
    except DecodeError as e:
        yield 0, Failure(source.name, str(e))
        return
    if enc.startswith("utf-16"):  # not ASCII-compatible: decode as a stream
        reader = io.TextIOWrapper(stream, encoding=enc, newline="")
        try:
            for n, line in enumerate(reader, 1):
                yield n, line.lstrip("\ufeff") if n == 1 else line
        except UnicodeDecodeError as e:
            yield 0, Failure(source.name, f"cannot decode as {enc}: {e.reason}")
        return
    limit = opts.max_article_bytes
    n = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        n += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            yield n, Failure(source.name, f"line too long: over the {limit >> 20} MB limit", n)
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = stream.readline(limit + 1)
            continue
        try:
            line = raw.decode("utf-8-sig" if n == 1 and enc.startswith("utf-8") else enc)
        except UnicodeDecodeError as e:
            yield n, Failure(source.name, f"cannot decode as {enc} (byte {e.start})", n)
            continue
        yield n, line


def read_jsonl(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    seen = False
    for n, line in text_lines(source, stream, opts):
        if isinstance(line, Failure):
            yield line
            seen = True
            continue
        if not line.strip():
            continue
        seen = True
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Failure(source.name, f"malformed JSON: {e.msg} (column {e.colno})", n)
            continue
        except RecursionError:
            yield Failure(source.name, "malformed JSON: nested too deeply", n)
            continue
        yield record_from_mapping(obj, source.name, n, raw=line.rstrip("\r\n"),
                                  field_map=opts.field_map)
    if not seen:
        yield Failure(source.name, "empty file")


def read_json(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    """A JSON array of objects (or one object); anything else is read as JSON Lines."""
    head = stream.peek(SNIFF_BYTES)[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"[") and not head.startswith(b"\xff\xfe") and not head.startswith(b"\xfe\xff"):
        yield from read_jsonl(source, stream, opts)
        return
    try:
        text = decode(read_limited(stream, opts.max_json_bytes, "JSON file")).text
    except (DecodeError, TooLarge) as e:
        yield Failure(source.name, str(e))
        return
    yield from parse_json_array(text, source.name, opts)


def parse_json_array(text: str, path: str, opts: ReadOptions) -> Iterator[Record | Failure]:
    decoder = json.JSONDecoder()
    i, end = 0, len(text)

    def skip(i: int) -> int:
        while i < end and text[i] in " \t\r\n":
            i += 1
        return i

    counted = [0, 1]  # position counted up to, line number there (positions only grow)

    def line_of(pos: int) -> int:
        counted[1] += text.count("\n", counted[0], pos)
        counted[0] = pos
        return counted[1]

    i = skip(i)
    if i >= end:
        yield Failure(path, "empty file")
        return
    if text[i] != "[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            yield Failure(path, f"malformed JSON: {e.msg} (column {e.colno})", e.lineno)
            return
        yield record_from_mapping(obj, path, 1, raw=text, field_map=opts.field_map)
        return
    i = skip(i + 1)
    if i < end and text[i] == "]":
        yield Failure(path, "empty JSON array")
        return
    while i < end:
        start = i
        try:
            obj, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            yield Failure(path, f"malformed JSON: {e.msg} (column {e.colno}); "
                                "the rest of the file is skipped", e.lineno)
            return
        yield record_from_mapping(obj, path, line_of(start), raw=text[start:i],
                                  field_map=opts.field_map)
        i = skip(i)
        if i < end and text[i] == ",":
            i = skip(i + 1)
        elif i < end and text[i] == "]":
            return
        else:
            yield Failure(path, "malformed JSON: expected ',' or ']' after an element; "
                                "the rest of the file is skipped", line_of(i))
            return
    yield Failure(path, "malformed JSON: the array is not closed", line_of(end))
