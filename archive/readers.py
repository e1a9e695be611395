"""Readers: turn one source file into article records.

Each reader is a generator of :class:`Record` (an article) or
:class:`Failure` (input that cannot become one, with its path and line).  A
reader never raises for bad input: the ingest goes on with the next record.
:func:`read_path` picks the reader from the file name.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Callable, Iterator, Union

from .records import FIELDS, Failure, Record

Item = Union[Record, Failure]


def _open_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data


def _decode(data: bytes, path: str) -> str | Failure:
    if not data.strip():
        return Failure(path, "empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Failure(path, "binary file (not text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return Failure(path, f"not valid UTF-8 text (byte {e.start})")


def read_text(path: Path) -> Iterator[Item]:
    """One article per file: the first non-empty line is the title, the rest the body."""
    text = _decode(_open_bytes(path), str(path))
    if isinstance(text, Failure):
        yield text
        return
    yield from parse_text(text, str(path))


def parse_text(text: str, origin: str) -> Iterator[Item]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            body = "\n".join(lines[i + 1:]).strip()
            yield Record(title=title, body=body, origin=origin, raw=text)
            return
    yield Failure(origin, "empty file")


def read_jsonl(path: Path) -> Iterator[Item]:
    """One JSON object per line with the fields id, title, body, date, source, url, category."""
    text = _decode(_open_bytes(path), str(path))
    if isinstance(text, Failure):
        yield text
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Failure(str(path), f"malformed JSON: {e.msg} (column {e.colno})", lineno)
            continue
        yield record_from_mapping(obj, str(path), lineno, raw=line)


def record_from_mapping(obj, path: str, lineno: int | None, raw: str | None = None) -> Item:
    if not isinstance(obj, dict):
        return Failure(path, f"expected a JSON object, got {type(obj).__name__}", lineno)
    values = {}
    for f in FIELDS:
        v = obj.get(f)
        values[f] = None if v is None else str(v).strip()
    title, body = values["title"] or "", values["body"] or ""
    if not title and not body:
        return Failure(path, "record has neither title nor body", lineno)
    if not title:
        first, _, rest = body.partition("\n")
        title, body = first.strip(), rest.strip()
    return Record(
        title=title, body=body, id=values["id"] or None, date=values["date"] or None,
        source=values["source"] or None, url=values["url"] or None,
        category=values["category"] or None,
        origin=f"{path}:{lineno}" if lineno else path, raw=raw,
    )


READERS: dict[str, Callable[[Path], Iterator[Item]]] = {
    "text": read_text,
    "jsonl": read_jsonl,
}


def detect_format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith((".txt", ".text")) or "." not in name:
        return "text"
    return None


def walk(paths) -> Iterator[Path | Failure]:
    """Expand directories (recursively, in sorted order) into files."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    yield f
        elif p.is_file():
            yield p
        else:
            yield Failure(str(p), "no such file or directory")


def read_path(path: Path, fmt: str | None = None) -> Iterator[Item]:
    fmt = fmt or detect_format(path)
    if fmt is None:
        yield Failure(str(path), f"unknown file type {path.suffix!r} (use --format)")
        return
    try:
        yield from READERS[fmt](path)
    except OSError as e:
        yield Failure(str(path), f"cannot read: {e.strerror or e}")
    except (EOFError, gzip.BadGzipFile) as e:
        yield Failure(str(path), f"corrupt gzip data: {e}")
