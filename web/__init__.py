"""The web skin: a Flask app factory and a few blueprints over one library.

* :mod:`web.ui` – HTML pages (search, article, export), right-to-left Arabic;
* :mod:`web.api` – the JSON API (``/api/search`` returns exactly what
  ``arshif search --json`` prints) and its OpenAPI document;
* :mod:`web.embed` – what other sites use: ``widget.js``, the ``/embed``
  iframe page, ``/opensearch.xml`` and the Atom ``/feed``;
* :mod:`web.upload` – ingest by file upload, only when enabled and with a token.

Around them: :mod:`web.config` (settings and their defaults),
:mod:`web.mount` (path prefix and reverse proxies), :mod:`web.security`
(headers, CORS, request logging) and :mod:`web.errors` (every error is a
clear 4xx page or JSON; an unexpected one never shows a traceback).

All of them call the same :class:`index.api.Arshif` object, opened once per
app and shared by the request threads.  No search logic lives here.
"""
from __future__ import annotations

import threading

from flask import Flask, current_app

from index.api import Arshif, default_home

from .config import Settings, settings_from


def create_app(config: dict | None = None) -> Flask:
    """A WSGI app serving the archive at ``config["ARSHIF_HOME"]``.

    See :mod:`web.config` for every setting.  ``PREFIX="/archive"`` mounts the
    app at ``/archive/``; ``TRUSTED_PROXIES=1`` honours ``X-Forwarded-Prefix``
    and friends from one reverse proxy.
    """
    app = Flask(__name__)
    settings = settings_from(config or {})
    app.config.update(settings.flask_config())
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["arshif_settings"] = settings
    app.extensions["arshif"] = Arshif(settings.home or default_home())
    app.extensions["arshif_write_lock"] = threading.Lock()

    from . import api, embed, errors, mount, security, ui, upload, views
    views.register(app)
    app.register_blueprint(ui.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    if settings.ingest_enabled:
        app.register_blueprint(upload.bp)
    security.register(app, settings)
    errors.register(app)
    mount.register(app, settings)
    return app


def library() -> Arshif:
    """The app's one shared :class:`Arshif`."""
    return current_app.extensions["arshif"]


def settings() -> Settings:
    return current_app.extensions["arshif_settings"]
