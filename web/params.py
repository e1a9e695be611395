"""Reading request parameters, the same way for pages, exports, feeds and the API.

Every parameter is checked here and a bad one raises :class:`BadParameter`
naming it (shown to the user as a 400); the library checks the values it
owns (mode, sort, dates) and raises :class:`~index.api.ArshifError`.
"""
from __future__ import annotations

import re

from flask import Request

from index.engines import SORTS
from index.ranking import MODES

MAX_QUERY = 1000
MAX_FILTER = 200
MAX_PAGE = 1000
MAX_SIZE = 100
DEFAULT_SIZE = 10
DATE = re.compile(r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$")
# Article ids are the archive's: hex digests or the ids of the source (letters, digits, . _ : -).
ARTICLE_ID = re.compile(r"^[\w.:\-]{1,200}$")
SEARCH_PARAMS = ("q", "mode", "source", "category", "since", "until", "sort", "page", "size")


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name


def _text(req: Request, name: str, limit: int) -> str | None:
    raw = req.args.get(name)
    if raw is None:
        return None
    if len(raw) > limit:
        raise BadParameter(name, f"too long (at most {limit} characters)")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in raw):
        raise BadParameter(name, "contains control characters")
    return raw.strip() or None


def integer(req: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = req.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        v = int(raw.strip())
    except ValueError:
        raise BadParameter(name, f"expected a whole number, got {raw[:40]!r}")
    if not lo <= v <= hi:
        raise BadParameter(name, f"must be between {lo} and {hi}")
    return v


def _date(req: Request, name: str) -> str | None:
    v = _text(req, name, 40)
    if v is not None and not DATE.match(v):
        raise BadParameter(name, f"expected a date such as 2018, 2018-05 or 2018-05-21, got {v!r}")
    return v


def choice(req: Request, name: str, choices: tuple[str, ...], default: str) -> str:
    v = _text(req, name, 40) or default
    if v not in choices:
        raise BadParameter(name, f"expected one of {', '.join(choices)}, got {v!r}")
    return v


def query_text(req: Request) -> str:
    return _text(req, "q", MAX_QUERY) or ""


def search_args(req: Request, *, size: int | None = None, max_size: int = MAX_SIZE) -> dict:
    """Keyword arguments for :meth:`Arshif.search` from ``q, mode, sort, page, size, source, …``."""
    size = size or integer(req, "size", DEFAULT_SIZE, 1, max_size)
    page = integer(req, "page", 1, 1, MAX_PAGE)
    return {
        "query": query_text(req),
        "mode": choice(req, "mode", MODES, "all"),
        "sort": choice(req, "sort", SORTS, "relevance"),
        "limit": size,
        "offset": (page - 1) * size,
        "source": _text(req, "source", MAX_FILTER),
        "category": _text(req, "category", MAX_FILTER),
        "since": _date(req, "since"),
        "until": _date(req, "until"),
    }


def state(args: dict) -> dict:
    """The URL parameters that describe a search (for links that keep it), without defaults."""
    out = {
        "q": args.get("query") or None,
        "mode": args.get("mode") if args.get("mode") not in (None, "all") else None,
        "sort": args.get("sort") if args.get("sort") not in (None, "relevance") else None,
        "source": args.get("source"), "category": args.get("category"),
        "since": args.get("since"), "until": args.get("until"),
    }
    limit = args.get("limit") or DEFAULT_SIZE
    if limit != DEFAULT_SIZE:
        out["size"] = limit
    return {k: v for k, v in out.items() if v}


def article_id(value: str) -> str:
    if not ARTICLE_ID.match(value or ""):
        raise BadParameter("id", "not a valid article id")
    return value
