"""Shared fixtures: the seeds, an archive built from them, the CLI runner and the web client."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from index.api import Arshif

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def seed_title(prefix: str) -> str:
    """The title (first non-empty line) of the seed file whose name starts with ``prefix``."""
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return next(l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip())


def seed_archive(home: Path, engine: str | None = None) -> Path:
    """Ingest the five seeds into a new archive at ``home``."""
    kwargs = {"engine": engine} if engine else {}
    with Arshif(home, **kwargs) as a:
        report = a.ingest([SEEDS])
    assert report.added == 5 and not report.failures
    return home


def ids_by_seed(lib) -> dict[str, str]:
    """Seed prefix ('000' … '004') → article id in a seeded archive."""
    by_title = {a.title: a.id for a in lib.store.iter_articles()}
    return {p: by_title[seed_title(p)] for p in ("000", "001", "002", "003", "004")}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"the seeds are expected at {SEEDS}"
    return SEEDS


@pytest.fixture(scope="session", params=["whoosh", "tantivy"])
def engine(request) -> str:
    """The search engine of the seeded archive: every test that uses it runs once per engine."""
    return request.param


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory, seeds_dir, engine) -> Path:
    return seed_archive(tmp_path_factory.mktemp(f"seeded-{engine}"), engine)


@pytest.fixture(scope="session")
def lib(seeded_home):
    a = Arshif(seeded_home)
    yield a
    a.close()


@pytest.fixture(scope="session")
def seed_ids(lib) -> dict[str, str]:
    """Seed prefix ('000' … '004') → article id in the seeded archive."""
    return ids_by_seed(lib)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def client(seeded_home):
    from web import create_app
    app = create_app({"ARSHIF_HOME": str(seeded_home), "TESTING": True})
    return app.test_client()


# -- for the CLI's tests: the default engine only (the skin does not depend on the engine) --
@pytest.fixture(scope="session")
def cli_home(tmp_path_factory, seeds_dir) -> Path:
    return seed_archive(tmp_path_factory.mktemp("cli-seeded"))


@pytest.fixture(scope="session")
def cli_lib(cli_home):
    a = Arshif(cli_home)
    yield a
    a.close()


@pytest.fixture(scope="session")
def cli_ids(cli_lib) -> dict[str, str]:
    return ids_by_seed(cli_lib)


@pytest.fixture
def cli_client(cli_home):
    from web import create_app
    return create_app({"ARSHIF_HOME": str(cli_home), "TESTING": True}).test_client()
