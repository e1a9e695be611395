"""Plain text: one article per file, the first non-empty line is its title."""
from __future__ import annotations

from typing import Iterator

from ..decode import DecodeError, decode
from ..records import Failure, Record
from .source import ReadOptions, Source, TooLarge, read_limited


def read_text(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    try:
        text = decode(read_limited(stream, opts.max_article_bytes, "text file")).text
    except (DecodeError, TooLarge) as e:
        yield Failure(source.name, str(e))
        return
    yield parse_text(text, source.name)


def parse_text(text: str, origin: str) -> Record | Failure:
    """Title = first non-empty line; body = the rest.  ``raw`` keeps the text as read."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            body = "\n".join(lines[i + 1:]).strip()
            return Record(title=line.strip(), body=body, origin=origin, raw=text)
    return Failure(origin, "empty file")
