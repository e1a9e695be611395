"""HTML pages: the search page and the article page."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from index.api import ArshifError

from . import library
from .params import BadParameter, search_args

bp = Blueprint("ui", __name__)


@bp.get("/")
def search():
    args = search_args_or_error()
    if isinstance(args, str):
        return render_template("search.html", error=args, args={}, results=None), 400
    results = None
    if args["query"].strip():
        try:
            results = library().search(**args)
        except ArshifError as e:
            return render_template("search.html", error=str(e), args=args, results=None), 400
    empty = library().stats()["articles"] == 0
    return render_template("search.html", args=args, results=results, empty=empty, error=None,
                           Markup=Markup)


def search_args_or_error():
    try:
        return search_args(request)
    except BadParameter as e:
        return str(e)


@bp.get("/articles/<article_id>")
def article(article_id: str):
    lib = library()
    a = lib.article(article_id)
    if a is None:
        abort(404)
    q = request.args.get("q", "")
    mode = request.args.get("mode") or "all"
    try:
        marked = lib.highlighted(a, q, mode)
    except ArshifError:
        marked = lib.highlighted(a, "", "all")
    return render_template("article.html", article=a, q=q,
                           title=Markup(marked["title"].html()), body=Markup(marked["body"].html()))


@bp.app_errorhandler(404)
def not_found(e):
    if request.path.startswith("/api/"):
        from .api import error
        return error(404, "not found")
    return render_template("error.html", message="الصفحة غير موجودة (not found)"), 404
