"""Security headers, CORS and request logging, for every response.

* A strict Content-Security-Policy: scripts, styles and images only from the
  app itself, no inline script or style, no plugins; pages may be framed only
  by the app itself, except ``/embed`` which the configured origins may frame.
* ``nosniff``, a same-origin referrer policy, no framing, COOP.
* CORS: the JSON API answers cross-origin requests only from the configured
  origins (none by default); ``widget.js`` and its stylesheet may be loaded
  by any page (they are public and contain no data).
* One log line per request on the ``arshif.web`` logger.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, g, request

from .config import Settings

log = logging.getLogger("arshif.web")

EMBEDDABLE_ENDPOINTS = {"embed.embed_page"}
PUBLIC_ASSET_ENDPOINTS = {"embed.widget_js", "embed.widget_css"}


def csp(frame_ancestors: str) -> str:
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
            f"frame-ancestors {frame_ancestors}")


def register(app: Flask, settings: Settings) -> None:
    origins = settings.cors_origins
    framers = " ".join(("'self'",) + origins)

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def headers(resp):
        h = resp.headers
        endpoint = request.endpoint or ""
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        if endpoint in EMBEDDABLE_ENDPOINTS:
            h["Content-Security-Policy"] = csp(framers)
        else:
            h.setdefault("Content-Security-Policy", csp("'self'"))
            h.setdefault("X-Frame-Options", "SAMEORIGIN")
            h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if endpoint in PUBLIC_ASSET_ENDPOINTS:
            h["Cross-Origin-Resource-Policy"] = "cross-origin"
            h["Access-Control-Allow-Origin"] = "*"
        elif request.path.startswith("/api/"):
            origin = request.headers.get("Origin")
            h.add("Vary", "Origin")
            if origin and origin in origins:
                h["Access-Control-Allow-Origin"] = origin
                h["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS" if settings.ingest_enabled else "GET, OPTIONS"
                h["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
                h["Access-Control-Max-Age"] = "600"
        return resp

    @app.after_request
    def log_request(resp):
        took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        path = request.full_path if request.query_string else request.path
        log.info('%s "%s %s%s" %s %.1fms', request.remote_addr or "-", request.method,
                 request.script_root, path, resp.status_code, took)
        return resp
