"""The JSON API.  Errors are JSON with a message and a 4xx status."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from index.api import ArshifError

from . import library
from .params import BadParameter, search_args

bp = Blueprint("api", __name__, url_prefix="/api")


def error(status: int, message: str):
    return jsonify({"error": message, "status": status}), status


@bp.errorhandler(404)
def not_found(e):
    return error(404, "not found")


@bp.get("/search")
def search():
    try:
        args = search_args(request)
        return jsonify(library().search(**args).to_dict())
    except (BadParameter, ArshifError) as e:
        return error(400, str(e))


@bp.get("/articles/<article_id>")
def article(article_id: str):
    a = library().article(article_id)
    if a is None:
        return error(404, f"no article with id {article_id!r}")
    return jsonify(a.to_dict())


@bp.get("/stats")
def stats():
    s = library().stats()
    s.pop("home", None)
    return jsonify(s)
