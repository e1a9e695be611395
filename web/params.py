"""Reading search parameters from a request, the same way for pages and API."""
from __future__ import annotations

from flask import Request


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name


def _int(req: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = req.args.get(name)
    if raw in (None, ""):
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BadParameter(name, f"expected a whole number, got {raw!r}")
    if not lo <= v <= hi:
        raise BadParameter(name, f"must be between {lo} and {hi}")
    return v


def search_args(req: Request) -> dict:
    """Keyword arguments for :meth:`Arshif.search` from ``q, mode, sort, page, size, source, …``."""
    size = _int(req, "size", 10, 1, 100)
    page = _int(req, "page", 1, 1, 1000)
    return {
        "query": req.args.get("q", ""),
        "mode": req.args.get("mode") or "all",
        "sort": req.args.get("sort") or "relevance",
        "limit": size,
        "offset": (page - 1) * size,
        "source": req.args.get("source") or None,
        "category": req.args.get("category") or None,
        "since": req.args.get("since") or None,
        "until": req.args.get("until") or None,
    }
