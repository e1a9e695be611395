"""Helpers the templates share: links that keep the search state, safe outbound links, dates.

Highlighted text is rendered by the ``marked`` macro in ``_macros.html`` from
the library's :class:`~index.highlight.Snippet` segments: Jinja escapes every
piece of article text, and only the ``<mark>`` tags around them are markup.
"""
from __future__ import annotations

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


def day(value: str | None) -> str:
    return (value or "")[:10]


def register(app: Flask) -> None:
    app.jinja_env.globals.update(search_url=search_url, outbound=outbound)
    app.jinja_env.filters["day"] = day
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
