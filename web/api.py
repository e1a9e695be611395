"""The JSON API, read-only: the same library calls as the pages.

``GET /api/search`` returns exactly what ``arshif search --json`` prints;
``/api/articles/<id>``, ``/api/similar/<id>``, ``/api/facets`` and
``/api/stats`` the article, more like it, counts per source, category, year
and month, and the archive's size.
Errors are JSON ``{"error": message, "status": code}`` with a 4xx status
(see :mod:`web.errors`).  The routes are described by :mod:`web.openapi`,
served at ``/api/openapi.json``.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from . import library
from .openapi import document
from .params import (DEFAULT_SIZE, MAX_PAGE, MAX_SIZE, MODES, article_id as valid_id, choice, integer,
                     query_text, search_args)

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    return jsonify(library().search(**search_args(request)).to_dict())


@bp.get("/articles/<article_id>")
def article(article_id: str):
    lib = library()
    a = lib.article(valid_id(article_id))
    if a is None:
        abort(404, f"no article with id {article_id!r}")
    data = a.to_dict()
    data["versions"] = [{k: v[k] for k in ("version", "saved_at", "title")}
                        for v in lib.history(a.id)]
    q, mode = query_text(request), choice(request, "mode", MODES, "all")
    if q.strip():
        marked = lib.highlighted(a, q, mode)
        data["title_html"] = marked["title"].html()
        data["body_html"] = marked["body"].html()
    return jsonify(data)


@bp.get("/similar/<article_id>")
def similar(article_id: str):
    """Articles like this one ("more like this"), best first, paged like a search."""
    lib = library()
    size = integer(request, "size", DEFAULT_SIZE, 1, MAX_SIZE)
    page = integer(request, "page", 1, 1, MAX_PAGE)
    if lib.article(valid_id(article_id)) is None:
        abort(404, f"no article with id {article_id!r}")
    return jsonify(lib.similar(article_id, limit=size, offset=(page - 1) * size).to_dict())


@bp.get("/facets")
def facets():
    args = search_args(request)
    return jsonify(library().facets(args["query"], mode=args["mode"], source=args["source"],
                                    category=args["category"], since=args["since"],
                                    until=args["until"]))


@bp.get("/stats")
def stats():
    s = library().stats()
    s.pop("home", None)  # a server path is none of the client's business
    return jsonify(s)


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(request.script_root or ""))
