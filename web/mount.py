"""Mounting under a path prefix and behind reverse proxies.

An intranet usually serves Arshif at ``https://intranet/archive/``.  Two ways
work, alone or together:

* ``PREFIX="/archive"``: the app itself answers under ``/archive/`` (it moves
  the prefix from ``PATH_INFO`` to ``SCRIPT_NAME``, as WSGI wants), redirects
  ``/`` there and answers 404 elsewhere;
* ``TRUSTED_PROXIES=N``: werkzeug's ``ProxyFix`` takes ``X-Forwarded-Prefix``
  (and ``-For``, ``-Proto``, ``-Host``) from the N proxies in front, for a
  proxy that strips the prefix itself.

Either way every link the app makes (``url_for``) carries the prefix.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings


class PrefixMiddleware:
    def __init__(self, app, prefix: str):
        self.app = app
        self.prefix = prefix

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or ""
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix):] or "/"
            return self.app(environ, start_response)
        if path in ("", "/"):
            start_response("302 Found", [("Location", self.prefix + "/"),
                                         ("Content-Type", "text/plain; charset=utf-8")])
            return [f"see {self.prefix}/\n".encode()]
        body = f"not found: Arshif is served under {self.prefix}/\n".encode()
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                          ("Content-Length", str(len(body))),
                                          ("X-Content-Type-Options", "nosniff")])
        return [body]


def register(app: Flask, settings: Settings) -> None:
    if settings.prefix:
        app.wsgi_app = PrefixMiddleware(app.wsgi_app, settings.prefix)
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
