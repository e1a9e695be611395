"""Ingest by file upload: registered only when ``INGEST_TOKEN`` is configured.

* ``POST /api/ingest`` with ``Authorization: Bearer <token>`` and one or more
  multipart ``file`` fields (text, ``.jsonl``, ``.jsonl.gz`` — whatever
  ``arshif ingest`` reads) answers with the ingest report as JSON;
* ``/ingest`` is the same as a page with a form (the token is typed in it).

The files are written to a private temporary directory under safe names,
handed to :meth:`Arshif.ingest`, and removed.  One upload is ingested at a
time; searches go on meanwhile.
"""
from __future__ import annotations

import hmac
import re
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from . import library, settings

bp = Blueprint("upload", __name__)
MAX_FILES = 50
_UNSAFE = re.compile(r"[^\w.\-]+")


def _token_ok(given: str | None) -> bool:
    expected = settings().ingest_token
    return bool(expected and given) and hmac.compare_digest(given.encode(), expected.encode())


def safe_name(filename: str | None, i: int) -> str:
    """A file name that cannot leave the upload directory, keeping its extension (Arabic kept)."""
    base = Path((filename or "").replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).lstrip(".")[-100:]
    return f"{i:03d}-{base or 'upload.txt'}"


def _ingest(files) -> dict:
    if not files or all(not f.filename for f in files):
        abort(400, "file: upload one or more files in multipart fields named 'file'")
    if len(files) > MAX_FILES:
        abort(400, f"file: at most {MAX_FILES} files at a time")
    with tempfile.TemporaryDirectory(prefix="arshif-upload-") as tmp:
        paths = []
        for i, f in enumerate(files):
            path = Path(tmp) / safe_name(f.filename, i)
            f.save(path)
            paths.append(path)
        with current_app.extensions["arshif_write_lock"]:
            report = library().ingest(paths)
    data = report.to_dict()
    for f in data.get("failures", []):
        # the uploaded file's name, not the server's temporary path
        f["path"] = Path(f["path"]).name.split("-", 1)[-1] if f.get("path") else None
    return data


@bp.post("/api/ingest")
def api_ingest():
    header = request.headers.get("Authorization", "")
    if not _token_ok(header[7:] if header.startswith("Bearer ") else None):
        abort(401, "ingest needs the header Authorization: Bearer <token>")
    return jsonify(_ingest(request.files.getlist("file")))


@bp.route("/ingest", methods=["GET", "POST"])
def ingest_page():
    report = None
    if request.method == "POST":
        if not _token_ok(request.form.get("token")):
            return render_template("ingest.html", error="رمز الإدخال غير صحيح (wrong token)"), 401
        report = _ingest(request.files.getlist("file"))
    return render_template("ingest.html", report=report, error=None)
