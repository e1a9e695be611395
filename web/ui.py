"""HTML pages: the search page, the article page and result-set exports.

Every piece of state (query, mode, filters, sort, page) lives in the URL, so
a search can be bookmarked and shared.  The pages only call the library and
render what it returns.
"""
from __future__ import annotations

import logging
import re

from flask import Blueprint, Response, abort, render_template, request, stream_with_context

from . import library, settings
from .export import rows, to_csv, to_jsonl
from .params import BadParameter, MODES, article_id as valid_id, choice, integer, query_text, search_args, state

bp = Blueprint("ui", __name__)
log = logging.getLogger("arshif.web")
_FILENAME_UNSAFE = re.compile(r"[^\w\-]+")
SIMILAR = 5  # "more like this" on an article page


FILTERS = ("source", "category", "since", "until")


def run_search(args: dict, *, with_facets: bool = True) -> dict:
    """Results (None when there is nothing to search), facets and whether the archive is empty.

    A query, or filters alone (every article from a source, a month, …), runs a
    search; with neither, the facets describe the whole archive, to browse it."""
    lib = library()
    articles = lib.count()
    out = {"results": None, "facets": None, "empty": articles == 0, "articles": articles}
    if out["empty"]:
        return out
    if args["query"].strip() or any(args[k] for k in FILTERS):
        out["results"] = lib.search(**args, facets=with_facets)
        out["facets"] = out["results"].facets
    elif with_facets:
        out["facets"] = lib.facets("")
    return out


@bp.get("/")
def search():
    args = search_args(request)
    found = run_search(args)
    return render_template("search.html", args=args, state=state(args), embed=False, **found)


@bp.get("/articles/<article_id>")
def article(article_id: str):
    lib = library()
    q, mode = query_text(request), choice(request, "mode", MODES, "all")
    a = lib.article(valid_id(article_id))
    if a is None:
        abort(404)
    hl = lib.highlighted(a, q, mode) if q.strip() else None
    versions = lib.history(a.id)
    try:
        similar = lib.similar(a.id, limit=SIMILAR)
    except Exception:  # an auxiliary panel: the article itself must still be readable
        log.exception("more like this failed for %s", a.id)
        similar = None
    return render_template("article.html", article=a, q=q, mode=mode, hl=hl,
                           versions=versions, similar=similar)


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in ("csv", "jsonl"):
        abort(404)
    most = settings().export_limit
    args = search_args(request, size=integer(request, "limit", most, 1, most))
    args["offset"] = 0  # the whole result set (up to ``limit``), whatever page was on screen
    if not args["query"].strip() and not any(args[k] for k in FILTERS):
        raise BadParameter("q", "an export needs a query or a filter")
    results = library().search(**args, suggest=False)
    name = _FILENAME_UNSAFE.sub("_", args["query"]).strip("_")[:40] or "results"
    body = to_csv(rows(results)) if fmt == "csv" else to_jsonl(rows(results))
    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    resp = Response(stream_with_context(body), mimetype=mimetype)
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=arshif-results.{fmt}; filename*=UTF-8''arshif-{_quote(name)}.{fmt}")
    return resp


def _quote(s: str) -> str:
    from urllib.parse import quote
    return quote(s, safe="")
