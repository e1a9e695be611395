"""Ingest by file upload: registered only when ``INGEST_TOKEN`` is configured.

``POST /api/ingest`` with ``Authorization: Bearer <token>`` and one or more
multipart ``file`` fields (text, ``.jsonl``, ``.jsonl.gz`` — whatever
``arshif ingest`` reads).  The files are written to a private temporary
directory under safe names, handed to :meth:`Arshif.ingest`, and removed; the
answer is the ingest report as JSON.  One upload is ingested at a time.
"""
from __future__ import annotations

import hmac
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.utils import secure_filename

from . import library, settings

bp = Blueprint("upload", __name__, url_prefix="/api")
MAX_FILES = 50


def _authorized() -> bool:
    expected = settings().ingest_token
    header = request.headers.get("Authorization", "")
    given = header[7:] if header.startswith("Bearer ") else ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@bp.post("/ingest")
def ingest():
    if not _authorized():
        abort(401, "ingest needs the header Authorization: Bearer <token>")
    files = request.files.getlist("file")
    if not files:
        abort(400, "file: upload one or more files in multipart fields named 'file'")
    if len(files) > MAX_FILES:
        abort(400, f"file: at most {MAX_FILES} files at a time")
    with tempfile.TemporaryDirectory(prefix="arshif-upload-") as tmp:
        paths = []
        for i, f in enumerate(files):
            name = secure_filename(f.filename or "") or f"upload-{i}.txt"
            path = Path(tmp) / f"{i:03d}-{name}"
            f.save(path)
            paths.append(path)
        with current_app.extensions["arshif_write_lock"]:
            report = library().ingest(paths)
    data = report.to_dict()
    for f in data.get("failures", []):
        # the uploaded file's name, not the server's temporary path
        f["path"] = Path(f["path"]).name.split("-", 1)[-1] if f.get("path") else None
    return jsonify(data)
