"""Helpers the templates share: links that keep the search state, safe outbound links, dates.

Highlighted text is rendered by the ``marked`` macro in ``_macros.html`` from
the library's :class:`~index.highlight.Snippet` segments: Jinja escapes every
piece of article text, and only the ``<mark>`` tags around them are markup.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, request, url_for

from .params import SEARCH_PARAMS


def search_url(endpoint: str = "ui.search", **changes) -> str:
    """The current URL's search parameters with ``changes`` applied (``None`` removes one)."""
    params = {k: v for k, v in request.args.items() if k in SEARCH_PARAMS and v}
    for k, v in changes.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = v
    if changes and "page" not in changes:
        params.pop("page", None)  # a new filter or sort starts again at page 1
    return url_for(endpoint, **params)


def outbound(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) link, else None (never ``javascript:`` or ``data:``)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def text_dir(text) -> str:
    """``rtl`` when most strong letters are right-to-left (Arabic), ``ltr`` when most are
    left-to-right, else ``auto``.  Better than ``dir="auto"`` (the first letter decides) for
    an Arabic paragraph that opens with an English name or quote."""
    if not isinstance(text, str):
        text = "".join(s.text for frag in getattr(text, "fragments", []) for s in frag) \
            if hasattr(text, "fragments") else "".join(s.text for s in text or [])
    rtl = ltr = 0
    for ch in text:
        b = unicodedata.bidirectional(ch)
        if b in ("R", "AL"):
            rtl += 1
        elif b == "L":
            ltr += 1
    if not rtl and not ltr:
        return "auto"
    return "rtl" if rtl >= ltr else "ltr"


def paragraphs(snippet) -> list[list]:
    """The segments of a whole-text :class:`~index.highlight.Snippet`, cut into paragraphs at
    line breaks, so each paragraph can take its own direction (an English quote in an
    Arabic article, or the reverse)."""
    out, current = [], []
    for frag in snippet.fragments:
        for seg in frag:
            lines = seg.text.split("\n")
            for i, line in enumerate(lines):
                if i:
                    out.append(current)
                    current = []
                if line:
                    current.append(type(seg)(line, seg.kind))
    out.append(current)
    return [p for p in out if any(s.text.strip() for s in p)]


def day(value: str | None) -> str:
    return (value or "")[:10]


def register(app: Flask) -> None:
    app.jinja_env.globals.update(search_url=search_url, outbound=outbound, paragraphs=paragraphs,
                                  text_dir=text_dir)
    app.jinja_env.filters["day"] = day
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
