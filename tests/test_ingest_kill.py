"""A killed ingest (SIGKILL, no chance to clean up) loses nothing on restart."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

from conftest import ROOT
from index.api import Arshif
from ingest_fixtures import paragraph, src, write_jsonl  # noqa: F401

N = 1500


def ingest_cmd(home, path):
    return [sys.executable, "-c", "from cli import main; main()", "--home", str(home),
            "ingest", str(path)]


def archived(db_path) -> int:
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_ingest_then_restart_loses_nothing(src, home):
    rows = [{"id": f"k{i}", "title": f"مقال رقم {i}", "body": paragraph(i, 20)} for i in range(N)]
    f = write_jsonl(src / "big.jsonl", rows)
    db_path = home / "archive.sqlite3"
    proc = subprocess.Popen(ingest_cmd(home, f), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while archived(db_path) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    partial = archived(db_path)
    assert partial % 500 == 0 and 0 < partial <= N  # whole batches only

    done = subprocess.run(ingest_cmd(home, f), cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"added {N - partial}, updated 0, unchanged {partial}" in done.stdout

    with Arshif(home) as a:
        assert a.store.count() == N
        for i in (0, N // 2, N - 1):
            art = a.article(f"k{i}")
            assert (art.title, art.body) == (rows[i]["title"], rows[i]["body"])
        assert a.engine.count() == N  # the index caught up with the archive
        assert [h.article.id for h in a.search(f'"مقال رقم {N - 1}"').hits] == [f"k{N - 1}"]
    # and a third run changes nothing
    again = subprocess.run(ingest_cmd(home, f), cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert f"added 0, updated 0, unchanged {N}" in again.stdout


def test_an_ingest_checkpoints_less_often_and_syncs_at_the_end(src, tmp_path):
    # During an ingest the write-ahead log is copied into the database every
    # 64 MB instead of every 4 MB; afterwards SQLite's default is back and the
    # log has been checkpointed, interrupted or not.
    from archive import Store, ingest
    import archive.store
    path = write_jsonl(src / "a.jsonl", [{"id": f"k{i}", "title": f"عنوان {i}", "body": paragraph(i)}
                                         for i in range(300)])
    store = Store(tmp_path / "archive.sqlite3")
    pages = lambda: store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    during = []
    ingest(store, [path], on_record=lambda status: during.append(pages()))
    assert set(during) == {archive.store.BULK_CHECKPOINT_PAGES} and pages() == 1000
    busy, log, copied = store.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == copied  # nothing left to copy

    def stop(status):
        raise KeyboardInterrupt
    more = write_jsonl(src / "b.jsonl", [{"id": "z1", "title": "ع", "body": paragraph(999)}])
    assert ingest(store, [more], on_record=stop).interrupted
    assert pages() == 1000


def test_a_long_ingest_commits_in_growing_batches(src, tmp_path, monkeypatch):
    """The first transactions hold BATCH records; later ones a quarter of what is
    stored, up to MAX_BATCH: a crash loses at most that many."""
    from archive import Store, ingest
    batches = sys.modules["archive.ingest"]  # (the package's `ingest` is the function)
    monkeypatch.setattr(batches, "BATCH", 3)
    monkeypatch.setattr(batches, "MAX_BATCH", 10)
    path = write_jsonl(src / "a.jsonl", [{"id": f"k{i}", "title": f"عنوان {i}", "body": paragraph(i)}
                                         for i in range(60)])
    store = Store(tmp_path / "archive.sqlite3")
    reader = Store(tmp_path / "archive.sqlite3")  # another connection: sees only what is committed
    seen = []
    ingest(store, [path], on_record=lambda status: seen.append(reader.count()))
    assert sorted(set(seen)) == [3, 6, 9, 12, 15, 18, 22, 27, 33, 41, 51, 60]
