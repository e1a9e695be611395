"""Errors: a clear message and a 4xx status, as JSON under ``/api/`` and as a page elsewhere.

Bad parameters and library errors (:class:`~index.api.ArshifError`) become
400; HTTP errors keep their status (404, 405, 413, …).  The safety net turns
anything unexpected into a short message without a traceback (logged on the
server), so a user never sees a stack trace.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from index.api import ArshifError

from .params import BadParameter

log = logging.getLogger("arshif.web")

MESSAGES_AR = {
    400: "طلب غير صالح",
    401: "غير مصرّح",
    403: "ممنوع",
    404: "الصفحة غير موجودة",
    405: "طريقة الطلب غير مسموحة",
    413: "الطلب أكبر من المسموح",
    500: "حدث خطأ غير متوقع",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith((".json", ".jsonl"))


def error_response(status: int, message: str):
    if wants_json():
        resp = jsonify({"error": message, "status": status})
        resp.status_code = status
        return resp
    return render_template("error.html", status=status, title=MESSAGES_AR.get(status, "خطأ"),
                           message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    @app.errorhandler(ArshifError)
    def bad_request(e):
        return error_response(400, str(e))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        status = e.code or 500
        if e.description and e.description != type(e).description:
            message = e.description  # a message of ours, e.g. "no article with id …"
        else:
            message = {404: "not found", 405: "method not allowed",
                       413: "request too large"}.get(status, e.name)
        if status < 400:
            return e
        return error_response(status, message)

    @app.errorhandler(Exception)
    def safety_net(e: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "unexpected error; it has been logged")
