"""What other pages and programs use: the widget, the iframe page, OpenSearch and Atom.

* ``widget.js`` + ``widget.css``: a host page adds
  ``<div data-arshif-search></div><script src="…/widget.js" defer></script>``
  and gets a search box with results (it calls ``/api/search``, so the host's
  origin must be in ``CORS_ORIGINS``);
* ``/embed``: the same in an ``<iframe>`` (the host's origin must be in
  ``CORS_ORIGINS`` to frame it);
* ``/opensearch.xml``: lets a browser add Arshif as a search engine;
* ``/feed?q=…``: the newest matches of a search as an Atom feed.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, make_response, render_template, request, send_from_directory

from . import library
from .params import SORTS, BadParameter, choice, search_args, state
from .ui import FILTERS, run_search

bp = Blueprint("embed", __name__)
FEED_SIZE = 20


def _static(name: str, mimetype: str):
    resp = send_from_directory(current_app.static_folder, name, mimetype=mimetype, max_age=300)
    return resp


@bp.get("/widget.js")
def widget_js():
    return _static("widget.js", "text/javascript")


@bp.get("/widget.css")
def widget_css():
    return _static("widget.css", "text/css")


@bp.get("/embed")
def embed_page():
    args = search_args(request)
    found = run_search(args, with_facets=False)
    return render_template("embed.html", args=args, state=state(args), embed=True, **found)


@bp.get("/opensearch.xml")
def opensearch():
    resp = make_response(render_template("opensearch.xml"))
    resp.mimetype = "application/opensearchdescription+xml"
    return resp


@bp.get("/feed")
def feed():
    args = search_args(request, size=FEED_SIZE)
    args["sort"] = choice(request, "sort", SORTS, "newest")
    args["offset"] = 0
    if not args["query"].strip() and not any(args[k] for k in FILTERS):
        raise BadParameter("q", "a feed needs a query or a filter, e.g. /feed?q=تهجير")
    results = library().search(**args, suggest=False)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    resp = make_response(render_template("feed.xml", args=args, state=state(args),
                                         results=results, now=now))
    resp.mimetype = "application/atom+xml"
    return resp
