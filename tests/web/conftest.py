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
