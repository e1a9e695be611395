"""HTML pages: the article's main text and metadata, extracted by trafilatura.

trafilatura finds the main text (dropping menus, footers and comment
sections), and the title, date, author and site name from the page's
metadata.  A page with too little main text is reported as "no article".
The page's HTML is kept as the record's raw input.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..decode import DecodeError, decode
from ..records import Failure, Record
from .source import ReadOptions, Source, TooLarge, read_limited

#: A page whose main text has fewer words than this has no article.
MIN_WORDS = 15

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DECLARED = {"utf-8": "utf-8", "utf8": "utf-8", "windows-1256": "cp1256", "cp1256": "cp1256",
             "iso-8859-6": "iso8859_6", "iso8859-6": "iso8859_6", "arabic": "iso8859_6",
             "utf-16": "utf-16"}


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode with the charset the server or the page declares, when accepted and valid."""
    declared = charset
    if not declared:
        m = _META_CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii", "replace") if m else None
    enc = _DECLARED.get((declared or "").lower())
    if enc:
        try:
            return data.decode(enc).lstrip("\ufeff")
        except UnicodeDecodeError:
            pass
    return decode(data).text


def read_html(source: Source, stream, opts: ReadOptions) -> Iterator[Record | Failure]:
    try:
        data = read_limited(stream, opts.max_article_bytes, "HTML file")
        html = decode_html(data)
    except (DecodeError, TooLarge) as e:
        yield Failure(source.name, str(e))
        return
    yield record_from_html(html, source.name)


def record_from_html(html: str, origin: str, url: str | None = None,
                     fallback_date: str | None = None) -> Record | Failure:
    """One page → a record; ``fallback_date`` (e.g. a capture date) when the page has none."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False, include_tables=True)
    except Exception as e:  # trafilatura/lxml on hostile markup: report, never crash
        return Failure(origin, f"cannot parse HTML: {type(e).__name__}")
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text.split()) < MIN_WORDS:
        return Failure(origin, "HTML page has no article text")
    title = (doc.title or "").strip()
    lines = [l for l in text.split("\n")]
    if title and lines and lines[0].strip() == title:
        text = "\n".join(lines[1:]).strip()
    if not title:
        first, _, rest = text.partition("\n")
        title, text = first.strip(), rest.strip()
    return Record(
        title=title, body=text, url=doc.url or url, date=doc.date or fallback_date,
        author=doc.author or None, source=doc.sitename or doc.hostname or None,
        category=doc.categories[0] if getattr(doc, "categories", None) else None,
        origin=origin, raw=html,
    )
