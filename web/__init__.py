"""The web skin: a Flask app factory with two blueprints.

* :mod:`web.ui` – HTML pages (search, article), right-to-left Arabic;
* :mod:`web.api` – the JSON API (``/api/search`` returns exactly what
  ``arshif search --json`` prints).

Both call the same :class:`index.api.Arshif` object, opened once per app and
shared by the request threads.  No search logic lives here.
"""
from __future__ import annotations

from flask import Flask

from index.api import Arshif, default_home


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(ARSHIF_HOME=None, MAX_CONTENT_LENGTH=1 << 20, JSON_AS_ASCII=False)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.extensions["arshif"] = Arshif(app.config["ARSHIF_HOME"] or default_home())

    from . import api, ui
    app.register_blueprint(ui.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'")
        return resp

    return app


def library() -> Arshif:
    from flask import current_app
    return current_app.extensions["arshif"]
