"""`arshif serve`: waitress on 127.0.0.1, --prefix, request logging, read-only by default."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import TESTS

ROOT = TESTS.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serve_under_a_prefix_with_request_logging(web_home, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("ARSHIF_INGEST_TOKEN", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--home", str(web_home), "serve",
                                 "--port", str(port), "--prefix", "/archive"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}/archive"
            for _ in range(300):  # up to 60 s for the server to start (a busy machine)
                try:
                    status, body = get(base + "/api/stats")
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.2)
            else:
                raise AssertionError("arshif serve did not start: " + log.read_text())
            assert status == 200 and json.loads(body)["articles"] == 10
            status, body = get(base + "/?q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1")
            assert status == 200 and b'action="/archive/"' in body
            assert get(f"http://127.0.0.1:{port}/api/stats")[0] == 404
            req = urllib.request.Request(base + "/api/ingest", data=b"x", method="POST")
            try:
                urllib.request.urlopen(req, timeout=60)
                raise AssertionError("ingest must be off")
            except urllib.error.HTTPError as e:
                assert e.code in (404, 405)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    text = log.read_text(encoding="utf-8")
    assert f"http://127.0.0.1:{port}/archive/" in text
    assert '"GET /archive/api/stats" 200' in text and '"GET /archive/?q=' in text


def test_request_log_line(wc, caplog):
    caplog.set_level("INFO", logger="arshif.web")
    wc.get("/api/search?q=x&size=0")
    line = next(r.getMessage() for r in caplog.records if r.name == "arshif.web")
    assert '"GET /api/search?q=x&size=0" 400' in line and line.endswith("ms")


def test_one_shared_library_serves_concurrent_requests_during_an_upload(tmp_path):
    """Eight threads search and read while another thread uploads articles: all answer."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import SEEDS, WEB_ARTICLES, LiveServer
    from index.api import Arshif
    from web import create_app

    home = tmp_path / "h"
    with Arshif(home) as a:
        a.ingest([WEB_ARTICLES])
    token = "concurrency-token-0123456789"
    app = create_app({"ARSHIF_HOME": str(home), "INGEST_TOKEN": token})
    server = LiveServer(app, threads=8)
    base = server.url
    try:
        def upload():
            files = list(SEEDS.glob("*.txt"))
            boundary = "arshifboundary"
            parts = []
            for f in files:
                parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                             f"filename=\"{f.name}\"\r\nContent-Type: text/plain\r\n\r\n".encode()
                             + f.read_bytes() + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            req = urllib.request.Request(base + "/api/ingest", data=body, method="POST", headers={
                "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read())

        def read(i):
            url = ["/api/search?q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1", "/api/articles/w-jaz-1",
                   "/?q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1", "/api/stats"][i % 4]
            status, body = get(base + url)
            return url, status, body

        with ThreadPoolExecutor(9) as pool:
            up = pool.submit(upload)
            reads = list(pool.map(read, range(48)))
            report = up.result()
        assert report["added"] == 5 and report["failed"] == 0
        assert all(status == 200 for _, status, _ in reads), [(u, s) for u, s, _ in reads if s != 200]
        totals = {json.loads(b)["total"] for u, s, b in reads if u.startswith("/api/search")}
        assert totals <= {4, 6}  # before or after the upload, never a broken state
        assert json.loads(get(base + "/api/search?q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1")[1])["total"] == 6
    finally:
        server.close()
