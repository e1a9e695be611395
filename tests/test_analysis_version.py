"""An index built by another version of the analysis is rebuilt, not trusted."""
from __future__ import annotations

import json

from index.analysis import ANALYSIS_VERSION
from index.api import Arshif


def test_new_index_records_the_analysis_version(tmp_path, seeds_dir):
    with Arshif(tmp_path, create=True) as a:
        a.ingest([seeds_dir])
        assert a.state.read()["analysis_version"] == ANALYSIS_VERSION


def test_index_from_an_older_analysis_is_rebuilt_on_open(tmp_path, seeds_dir):
    with Arshif(tmp_path, create=True) as a:
        a.ingest([seeds_dir])
        state_file = a.state.file
        before = {h.article.id for h in a.search("التهجير").hits}
    assert before
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["analysis_version"] = ANALYSIS_VERSION - 1
    state_file.write_text(json.dumps(state), encoding="utf-8")

    with Arshif(tmp_path) as a:
        assert not a.state.stale
        assert a.state.read()["analysis_version"] == ANALYSIS_VERSION
        assert {h.article.id for h in a.search("التهجير").hits} == before
        assert a.store.count() == 5


def test_sync_rebuilds_a_stale_index_even_with_nothing_new(tmp_path, seeds_dir):
    with Arshif(tmp_path, create=True) as a:
        a.ingest([seeds_dir])
        a.state.write(analysis_version=None)
        assert a.state.stale
        assert a.sync() == 5
        assert not a.state.stale and a.sync() == 0


def test_index_in_an_older_engine_layout_is_rebuilt_on_open(tmp_path, seeds_dir, engine):
    with Arshif(tmp_path, engine=engine) as a:
        a.ingest([seeds_dir])
        before = [h.article.id for h in a.search("التهجير").hits]
        assert a.state.read()["layout"] == type(a.engine).LAYOUT
        a.state.write(layout=type(a.engine).LAYOUT - 1)
    with Arshif(tmp_path) as a:
        assert a.state.read()["layout"] == type(a.engine).LAYOUT
        assert [h.article.id for h in a.search("التهجير").hits] == before
        assert a.engine.count() == 5 and a.state.seq == a.store.last_seq()


def test_index_without_this_forward_index_is_rebuilt_on_open(tmp_path, seeds_dir):
    """An index built before the forward index (or with another format of it) is
    rebuilt when the archive is opened, and its hits then come from the forward index."""
    from index.query import compile_query
    with Arshif(tmp_path, create=True) as a:
        a.ingest([seeds_dir])
        a.forward.close()
        a.forward.path.unlink()
        a.state.write(forward=None)
        assert a.state.stale
    with Arshif(tmp_path) as a:
        assert not a.state.stale
        hits = [h.article for h in a.search("التهجير", snippets=False).hits]
        assert hits and set(a.forward.matched(hits, compile_query("التهجير").matches)) == {h.id for h in hits}


def test_a_rebuild_removes_the_files_of_another_version(tmp_path, seeds_dir):
    """The forward index and word cache of another analysis version or format go
    once the index is rebuilt; this version's stay."""
    with Arshif(tmp_path, create=True) as a:
        a.ingest([seeds_dir])
        index_dir = a.state.dir
        old = [index_dir / n for n in ("forward-1-2.sqlite3", "forward-1-2.sqlite3-wal", "words-1-arramooz-0.1.marshal")]
        for p in old:
            p.write_bytes(b"old")
        other = index_dir / "notes.txt"  # not the index's: left alone
        other.write_text("mine", encoding="utf-8")
        a.state.write(forward=None)
    with Arshif(tmp_path) as a:
        assert not a.state.stale
        assert not any(p.exists() for p in old)
        assert other.exists() and a.forward.path.exists()
        assert a.search("التهجير").hits
