"""Sources: the files (or standard input) an ingest reads, and their size limits.

A :class:`Source` is something that can be opened once as a buffered binary
stream, already decompressed when it was gzipped (recognised by its magic
bytes, whatever its name).  :func:`walk` expands the paths a user gave –
files, directories (recursively, sorted, hidden files skipped) and ``-`` for
standard input – into sources, reporting paths that do not exist.

Limits (documented in the README): one article's input – a text or HTML file,
a JSON Lines line, a CSV row, a WARC record – may be at most
:data:`MAX_ARTICLE_BYTES`; a JSON array file, parsed whole, at most
:data:`MAX_JSON_BYTES`.  JSON Lines, CSV and WARC files are streamed, so
their total size is not limited.
"""
from __future__ import annotations

import gzip
import io
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..records import Failure

MB = 1024 * 1024
MAX_ARTICLE_BYTES = 20 * MB
MAX_JSON_BYTES = 200 * MB
GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"


class TooLarge(ValueError):
    pass


@dataclass
class Source:
    name: str  # shown in messages: the path, or "<stdin>"
    opener: Callable[[], BinaryIO]
    size: int | None = None  # on disk, when known

    @property
    def format_name(self) -> str:
        """The name that decides the format: without a trailing ``.gz``."""
        n = self.name.lower()
        return n[:-3] if n.endswith(".gz") else n

    def open(self) -> io.BufferedReader:
        """The content as a peekable binary stream, gunzipped when it is gzip data."""
        stream = io.BufferedReader(_Raw(self.opener()), buffer_size=65536)
        if stream.peek(2)[:2] == GZIP_MAGIC:
            stream = io.BufferedReader(_Raw(gzip.GzipFile(fileobj=stream, mode="rb")),
                                       buffer_size=65536)
        return stream


class _Raw(io.RawIOBase):
    """Adapts any binary file object to RawIOBase so BufferedReader can wrap it."""

    def __init__(self, f):
        self.f = f

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.f.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        if self.f is not sys.stdin.buffer:
            self.f.close()
        super().close()


def read_limited(stream: BinaryIO, limit: int, what: str = "file") -> bytes:
    """Read everything, refusing more than ``limit`` bytes (raises :class:`TooLarge`)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{what} too large: over the {limit // MB} MB limit")
    return data


def file_source(path: Path) -> Source:
    return Source(str(path), lambda: open(path, "rb"), path.stat().st_size)


def stdin_source() -> Source:
    return Source("<stdin>", lambda: sys.stdin.buffer)


def walk(paths, skip: Path | None = None) -> Iterator[Source | Failure]:
    """Expand files, directories (recursively, sorted) and ``-`` into sources.

    Inside a directory, hidden files and anything under ``skip`` (the archive's
    own home, should a user ingest a folder that contains it) are left out."""
    skip = Path(skip).resolve() if skip else None
    for p in paths:
        if str(p) == STDIN:
            yield stdin_source()
            continue
        p = Path(p)
        if p.is_dir():
            root = p.resolve()
            # a folder given inside the home is read; a folder containing it skips it
            skip_here = skip if skip and skip != root and skip not in root.parents else None
            for f in sorted(p.rglob("*")):
                if not f.is_file() or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if skip_here and skip_here in f.resolve().parents:
                    continue
                yield file_source(f)
        elif p.is_file():
            yield file_source(p)
        else:
            yield Failure(str(p), "no such file or directory")


def input_bytes(paths: list, enough: int) -> int:
    """The size of the files ``paths`` name (directories walked, stdin and what
    cannot be read counting nothing), counted until it reaches ``enough``."""
    total, pending = 0, [str(p) for p in paths if str(p) != STDIN]
    while pending and total < enough:
        path = pending.pop()
        try:
            mode = os.stat(path)
            if stat.S_ISDIR(mode.st_mode):
                with os.scandir(path) as entries:
                    pending.extend(e.path for e in entries)
            elif stat.S_ISREG(mode.st_mode):
                total += mode.st_size
        except OSError:  # the ingest reports it
            pass
    return total


@dataclass
class ReadOptions:
    """What readers need besides the bytes."""

    field_map: dict | None = None  # our field → their field name (JSON, CSV)
    max_article_bytes: int = MAX_ARTICLE_BYTES
    max_json_bytes: int = MAX_JSON_BYTES
