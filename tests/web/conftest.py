"""Fixtures of the web tests: an archive of the seeds plus a few hand-written articles
with sources, dates, categories, Latin text and hostile markup, and Flask test clients."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.api import Arshif

TESTS = Path(__file__).resolve().parent.parent
SEEDS = TESTS.parent.parent / "shared" / "seeds"
WEB_ARTICLES = TESTS / "fixtures" / "web_articles.jsonl"
ARTIFACTS = TESTS / "artifacts"


@pytest.fixture(scope="session")
def web_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("web")
    with Arshif(home) as a:
        report = a.ingest([SEEDS, WEB_ARTICLES])
    assert report.added == 10 and not report.failures, report.to_dict()
    return home


@pytest.fixture(scope="session")
def web_app(web_home):
    from web import create_app
    return create_app({"ARSHIF_HOME": str(web_home), "TESTING": True})


@pytest.fixture
def wc(web_app):
    return web_app.test_client()


@pytest.fixture
def empty_client(tmp_path):
    from web import create_app
    return create_app({"ARSHIF_HOME": str(tmp_path / "empty"), "TESTING": True}).test_client()


class LiveServer:
    """A waitress server for ``app`` in a thread on a free port of 127.0.0.1."""

    def __init__(self, app, threads: int = 4):
        import threading

        import waitress
        self.server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
        self.port = self.server.effective_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            self.server.run()
        except (OSError, ValueError):
            if not self._stopping.is_set():
                raise  # closing the socket under select() is expected only when stopping

    def close(self):
        self._stopping.set()
        self.server.close()
        self.server.task_dispatcher.shutdown()
        self._thread.join(timeout=5)
