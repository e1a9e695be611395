"""Settings of the web app, with safe defaults for an intranet.

``create_app(config)`` takes a plain dict; every key is optional:

``ARSHIF_HOME``       the archive directory (default: ``$ARSHIF_HOME``, else ~/.local/share/arshif)
``PREFIX``            mount the app under a path, e.g. ``"/archive"`` (default: the root)
``TRUSTED_PROXIES``   how many reverse proxies set ``X-Forwarded-For/-Proto/-Host/-Prefix``
                      (default 0: those headers are ignored)
``CORS_ORIGINS``      origins (``"https://intranet.example"``) allowed to call the JSON API
                      from their pages and to frame ``/embed``; a list or a comma-separated
                      string (default: none)
``INGEST_TOKEN``      a secret; when set (16+ characters), ``POST /api/ingest`` accepts file
                      uploads carrying it (default: none, the app is read-only)
``MAX_REQUEST_BYTES`` largest request body (default 1 MiB)
``MAX_UPLOAD_BYTES``  largest upload when ingest is enabled (default 64 MiB)
``EXPORT_LIMIT``      most results in one CSV / JSON Lines export (default 1000)

Other keys (``TESTING``, …) are handed to Flask as they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from index.api import ArshifError

MIN_TOKEN_LENGTH = 16
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
_PREFIX = re.compile(r"^(/[A-Za-z0-9._~\-]+)+$")
OWN_KEYS = {"ARSHIF_HOME", "PREFIX", "TRUSTED_PROXIES", "CORS_ORIGINS", "INGEST_TOKEN",
            "MAX_REQUEST_BYTES", "MAX_UPLOAD_BYTES", "EXPORT_LIMIT"}


@dataclass(frozen=True)
class Settings:
    home: Path | None = None
    prefix: str = ""
    trusted_proxies: int = 0
    cors_origins: tuple[str, ...] = ()
    ingest_token: str | None = None
    max_request_bytes: int = 1 << 20
    max_upload_bytes: int = 64 << 20
    export_limit: int = 1000
    flask: dict = field(default_factory=dict)

    @property
    def ingest_enabled(self) -> bool:
        return bool(self.ingest_token)

    def flask_config(self) -> dict:
        biggest = self.max_upload_bytes if self.ingest_enabled else self.max_request_bytes
        return {"MAX_CONTENT_LENGTH": biggest, "MAX_FORM_MEMORY_SIZE": self.max_request_bytes,
                "JSON_AS_ASCII": False, **self.flask}


def normalize_prefix(prefix: str | None) -> str:
    """``"archive/"`` → ``"/archive"``; ``""`` or ``"/"`` → ``""``."""
    p = (prefix or "").strip()
    if p in ("", "/"):
        return ""
    p = "/" + p.strip("/")
    if not _PREFIX.match(p):
        raise ArshifError(f"prefix: expected a path such as /archive, got {prefix!r}")
    return p


def parse_origins(value) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for item in items:
        o = str(item).strip().rstrip("/")
        if not o:
            continue
        if not _ORIGIN.match(o):
            raise ArshifError(f"CORS origin: expected scheme://host[:port], got {item!r}")
        out.append(o)
    return tuple(dict.fromkeys(out))


def _positive(config: dict, key: str, default: int, minimum: int = 1) -> int:
    v = config.get(key, default)
    try:
        v = int(v)
    except (TypeError, ValueError):
        raise ArshifError(f"{key}: expected a whole number, got {v!r}")
    if v < minimum:
        raise ArshifError(f"{key}: must be at least {minimum}")
    return v


def settings_from(config: dict) -> Settings:
    token = config.get("INGEST_TOKEN") or None
    if token is not None and len(str(token)) < MIN_TOKEN_LENGTH:
        raise ArshifError(f"INGEST_TOKEN: use at least {MIN_TOKEN_LENGTH} characters")
    home = config.get("ARSHIF_HOME")
    return Settings(
        home=Path(home).expanduser() if home else None,
        prefix=normalize_prefix(config.get("PREFIX")),
        trusted_proxies=_positive(config, "TRUSTED_PROXIES", 0, 0),
        cors_origins=parse_origins(config.get("CORS_ORIGINS")),
        ingest_token=str(token) if token else None,
        max_request_bytes=_positive(config, "MAX_REQUEST_BYTES", 1 << 20),
        max_upload_bytes=_positive(config, "MAX_UPLOAD_BYTES", 64 << 20),
        export_limit=_positive(config, "EXPORT_LIMIT", 1000),
        flask={k: v for k, v in config.items() if k not in OWN_KEYS},
    )
