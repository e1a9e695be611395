"""Readers: turn one source (file or stdin) into article records.

One module per format: :mod:`.text` (``.txt``, one article per file),
:mod:`.jsonl` (JSON Lines and JSON arrays), :mod:`.table` (CSV/TSV with a
header), :mod:`.html` (pages, via trafilatura) and :mod:`.warc` (web
archives, via warcio).  Any of them may be gzipped.

Each reader is a generator of :class:`~archive.records.Record` (an article)
or :class:`~archive.records.Failure` (input that cannot become one, with its
path and line).  A reader never raises for bad input: the ingest goes on
with the next record.  :func:`read_source` picks the reader from the name
(extension) and, when the name does not say, from the content.
"""
from __future__ import annotations

import gzip
import zlib
from typing import Callable, Iterator, Union

from ..records import Failure, Record
from .html import read_html
from .jsonl import read_json, read_jsonl
from .source import (MAX_ARTICLE_BYTES, MAX_JSON_BYTES, ReadOptions, Source, file_source, input_bytes,
                     stdin_source, walk)
from .table import read_comma, read_csv, read_tsv
from .text import parse_text, read_text
from .warc import read_warc

Item = Union[Record, Failure]
Reader = Callable[[Source, object, ReadOptions], Iterator[Item]]

READERS: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_comma,
    "tsv": read_tsv,
    "html": read_html,
    "warc": read_warc,
}
FORMATS = tuple(READERS)

EXTENSIONS = {
    ".txt": "text", ".text": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".warc": "warc", ".arc": "warc",
}


def format_from_name(name: str) -> str | None:
    """The format an extension names (``.gz`` ignored), '' for no extension, None if unknown."""
    n = name.lower()
    if n.endswith(".gz"):
        n = n[:-3]
    base = n.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.lstrip("."):
        return ""
    return EXTENSIONS.get("." + base.rsplit(".", 1)[1])


def sniff_format(head: bytes) -> str:
    """The format the first bytes suggest (text when nothing more specific fits)."""
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = h[:1024].lower()
    if h.startswith(b"WARC/"):
        return "warc"
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low or b"<body" in low:
        return "html"
    if h.startswith(b"["):
        return "json"
    if h.startswith(b"{"):
        return "jsonl"
    first = h.split(b"\n", 1)[0]
    if first.count(b"\t") >= 2 and b"\n" in h:
        return "tsv"
    return "text"


def read_source(source: Source, fmt: str | None = None,
                opts: ReadOptions | None = None) -> Iterator[Item]:
    """Every record in ``source``; ``fmt`` overrides detection."""
    opts = opts or ReadOptions()
    if fmt is None:
        fmt = format_from_name(source.name) if source.name != "<stdin>" else ""
        if fmt is None:
            yield Failure(source.name, "unknown file type (use --format "
                                       f"{'|'.join(FORMATS)})")
            return
    elif fmt not in READERS:
        yield Failure(source.name, f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
        return
    try:
        stream = source.open()
    except OSError as e:
        yield Failure(source.name, f"cannot read: {e.strerror or e}")
        return
    try:
        if fmt == "":
            fmt = sniff_format(stream.peek(4096)[:4096])
        if (fmt != "json" and fmt not in ("jsonl", "csv", "tsv", "warc")
                and source.size and source.size > opts.max_article_bytes
                and not source.name.lower().endswith(".gz")):
            yield Failure(source.name, f"file too large: {source.size >> 20} MB, over the "
                                       f"{opts.max_article_bytes >> 20} MB limit for one article")
            return
        yield from READERS[fmt](source, stream, opts)
    except OSError as e:
        yield Failure(source.name, f"cannot read: {e.strerror or e}")
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        yield Failure(source.name, f"corrupt gzip data: {e}")
    finally:
        try:
            stream.close()
        except Exception:
            pass


__all__ = ["FORMATS", "MAX_ARTICLE_BYTES", "MAX_JSON_BYTES", "READERS", "ReadOptions", "Source",
           "file_source", "format_from_name", "parse_text", "read_source", "sniff_format",
           "stdin_source", "walk", "read_csv"]
