"""WARC web archives (warcio): each HTML response becomes an article.

Every ``response`` record with status 200 and an HTML content type is
extracted like an HTML page (:mod:`archive.readers.html`) and keeps its
target URL.  Its date is the page's own date when it has one, else the
capture date (``WARC-Date``).  Other records (requests, metadata, images,
redirects) are skipped silently; a response whose page has no article, or a
corrupt archive, is reported.
"""
from __future__ import annotations

from typing import Iterator

from ..decode import DecodeError
from ..records import Failure, Record
from .html import decode_html, record_from_html
from .source import ReadOptions, Source

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        if k.strip().lower() == "charset":
            return v.strip().strip('"\'') or None
    return None


def read_warc(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for rec in ArchiveIterator(stream):
            n += 1
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            ctype = rec.http_headers.get_header("Content-Type") or ""
            if not ctype.lower().startswith(HTML_TYPES):
                continue
            if rec.http_headers.get_statuscode() != "200":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            where = f"{source.name}#{n} {url}"
            payload = rec.content_stream().read(opts.max_article_bytes + 1)
            if len(payload) > opts.max_article_bytes:
                yield Failure(source.name, f"record {n} ({url}): page over the "
                                           f"{opts.max_article_bytes >> 20} MB limit")
                continue
            try:
                html = decode_html(payload, _charset(ctype))
            except DecodeError as e:
                yield Failure(source.name, f"record {n} ({url}): {e}")
                continue
            item = record_from_html(html, where, url=url,
                                    fallback_date=rec.rec_headers.get_header("WARC-Date"))
            if isinstance(item, Failure):
                item = Failure(source.name, f"record {n} ({url}): {item.message}")
            yield item
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as e:
        yield Failure(source.name, f"corrupt WARC archive after record {n}: {e}".splitlines()[0])
    if n == 0:
        yield Failure(source.name, "empty WARC archive")
