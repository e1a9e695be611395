"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Kept next to the routes it describes; ``tests/test_web_api.py`` checks that
every API route is in it and every path in it answers.
"""
from __future__ import annotations

from index.engines import SORTS
from index.ranking import MODES

from .params import DEFAULT_SIZE, MAX_PAGE, MAX_QUERY, MAX_SIZE


def _param(name, description, schema, where="query", required=False):
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}


SEARCH_PARAMS = [
    _param("q", "The query, in the query language (words, \"phrases\", +must -not, …).",
           {"type": "string", "maxLength": MAX_QUERY}),
    _param("mode", "Which views match: every view ranked exact > stem > root (all), or one.",
           {"type": "string", "enum": list(MODES), "default": "all"}),
    _param("source", "Only articles from this source.", {"type": "string"}),
    _param("category", "Only articles in this category.", {"type": "string"}),
    _param("since", "From this date: 2018, 2018-05 or 2018-05-21.", {"type": "string"}),
    _param("until", "Up to this date (inclusive).", {"type": "string"}),
    _param("sort", "Order of the hits.", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _param("size", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE,
                                      "default": DEFAULT_SIZE}),
]
ID = _param("id", "The article's id.", {"type": "string", "pattern": r"^[\w.:\-]{1,200}$"},
            where="path", required=True)


def _ok(description, schema_ref):
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


ERRORS = {
    "400": {"description": "A bad parameter; the message names it.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}
NOT_FOUND = {"404": {"description": "No such article.",
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "status"],
              "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
    "Hit": {"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string"},
        "date": {"type": ["string", "null"]}, "source": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]},
        "score": {"type": "number"},
        "snippet": {"type": "string", "description": "HTML: escaped text with <mark class=\"exact|stem|root\">."},
        "snippet_text": {"type": "string"},
        "highlights": {"type": "array", "description": "[start, end, kind] of each mark in snippet_text.",
                       "items": {"type": "array"}},
        "title_html": {"type": "string"},
        "matched": {"type": "array", "items": {"type": "string"},
                    "description": "The matched words as the article wrote them."},
        "also_in": {"type": "array", "description": "Duplicates of this article elsewhere.",
                    "items": {"type": "object"}}}},
    "SearchResults": {"type": "object", "properties": {
        "query": {"type": "string"}, "mode": {"type": "string"}, "sort": {"type": "string"},
        "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
        "took_ms": {"type": "number"}, "messages": {"type": "array", "items": {"type": "string"}},
        "did_you_mean": {"type": ["string", "null"], "description": "A corrected query, if one is likely."},
        "collapsed": {"type": "integer", "description": "Duplicates folded into better hits."},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}},
    "Article": {"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "body": {"type": "string"},
        "date": {"type": ["string", "null"]}, "source": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]},
        "versions": {"type": "array", "items": {"type": "object"}},
        "title_html": {"type": "string", "description": "With q: the title with matches marked."},
        "body_html": {"type": "string", "description": "With q: the body with matches marked."}}},
    "Facets": {"type": "object", "description": "{field: {value: count}}",
               "properties": {f: {"type": "object", "additionalProperties": {"type": "integer"}}
                              for f in ("source", "category", "year", "month")}},
    "Stats": {"type": "object", "properties": {
        "articles": {"type": "integer"}, "versions": {"type": "integer"}, "sources": {"type": "integer"},
        "first_date": {"type": ["string", "null"]}, "last_date": {"type": ["string", "null"]},
        "engine": {"type": "string"}, "indexed": {"type": "integer"}}},
}


def paths() -> dict:
    return {
        "/api/search": {"get": {
            "summary": "Search the archive", "operationId": "search",
            "parameters": SEARCH_PARAMS,
            "responses": {"200": _ok("One page of hits, best first.", "SearchResults"), **ERRORS}}},
        "/api/articles/{id}": {"get": {
            "summary": "One article, with its versions", "operationId": "article",
            "parameters": [ID, _param("q", "Mark this query's matches in title_html/body_html.",
                                      {"type": "string"}),
                           SEARCH_PARAMS[1]],
            "responses": {"200": _ok("The article.", "Article"), **ERRORS, **NOT_FOUND}}},
        "/api/similar/{id}": {"get": {
            "summary": "More like this: articles similar to one", "operationId": "similar",
            "parameters": [ID, SEARCH_PARAMS[7], SEARCH_PARAMS[8]],
            "responses": {"200": _ok("Similar articles, best first (the article and its "
                                     "duplicates left out).", "SearchResults"), **ERRORS, **NOT_FOUND}}},
        "/api/facets": {"get": {
            "summary": "Counts per source, category, year and month of the matching articles",
            "operationId": "facets",
            "parameters": SEARCH_PARAMS[:6],
            "responses": {"200": _ok("Counts; an empty q counts the whole archive.", "Facets"), **ERRORS}}},
        "/api/stats": {"get": {
            "summary": "Counts of articles, versions and sources", "operationId": "stats",
            "responses": {"200": _ok("Archive statistics.", "Stats")}}},
    }


def document(script_root: str = "") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Arshif (أرشيف) API", "version": "1",
                 "description": "Search an archive of Arabic news. Read-only; errors are JSON "
                                "with a message and a 4xx status."},
        "servers": [{"url": script_root or "/"}],
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }
