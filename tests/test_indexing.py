"""Indexing: views by position, indexing beside a big ingest, the saved word cache."""
from __future__ import annotations

import gc
import marshal

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import index.api
import index.indexer
from archive import dedup
from archive.records import Article
from index.analysis import Analyzer, analyzer
from index.api import Arshif
from index.indexer import word_cache
from index.views import GAP, index_doc
from index.word_relay import RelayReceiver, RelaySender
from ingest_fixtures import paragraph, src, write_jsonl  # noqa: F401

TEXT = st.text(alphabet=st.sampled_from(list("بتهجير الـمُهَجَّرِينَ،.«»_-\u200c\u200f 12٣\n\t#")), max_size=80)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_views_are_the_analyzer_tokens_by_position(text):
    doc = index_doc(Article(id="x", title="", body=text))
    toks = analyzer.analyze(text)
    assert doc.views["body_exact"] == [t.normalized for t in toks]
    assert doc.views["body_stem"] == [GAP if t.stop else t.stem for t in toks]
    assert doc.views["body_root"] == [GAP if t.stop else t.root for t in toks]


def test_permutations_are_datasketchs():
    from datasketch import MinHash
    m = MinHash(num_perm=dedup.NUM_PERM, seed=1)
    assert m.scheme == "affine32"
    a, b = dedup._permutations()
    assert a.dtype == b.dtype == np.uint32
    assert a.tolist() == m.permutations[0].tolist() and b.tolist() == m.permutations[1].tolist()


def test_word_crcs_are_zlibs():
    """The batched CRC-32 of each word equals zlib.crc32, for words of one byte
    to far past the longest the batch reads a byte at a time, in any script."""
    import random
    import zlib
    rng = random.Random(3)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" + "abcxyz0123" + "😀€ß"
    lengths = [1, 2, 3, 5, 8, 20, 31, 32, 33, 63, 64, 65, 200]
    for _ in range(100):
        ws = ["".join(rng.choice(letters) for _ in range(rng.choice(lengths))) for _ in range(rng.randint(1, 50))]
        assert dedup.word_crcs(" ".join(ws).encode("utf-8")).tolist() == [zlib.crc32(w.encode("utf-8")) for w in ws]


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """The distinct 32-bit hashes of one body's word 3-grams, each word hashed
    by zlib.crc32, one at a time: what dedup.signatures computes for many bodies at once."""
    import zlib
    w = np.array([zlib.crc32(x.encode("utf-8")) for x in words], dtype=np.uint64)
    return np.unique(dedup._combine(w))


@pytest.mark.parametrize("rows_per_step", [1, 60, 1000, dedup._ROWS_PER_STEP])
def test_batched_minhash_equals_datasketch(monkeypatch, rows_per_step):
    """Signatures computed many bodies at a time (groups of every size: one body
    each, bodies cut at any place) equal datasketch's, body by body."""
    from datasketch import MinHash
    monkeypatch.setattr(dedup, "_ROWS_PER_STEP", rows_per_step)
    repeated = " ".join([paragraph(7, 9)] * 4)  # the same 3-grams many times over
    bodies = [paragraph(i, 30 + i) for i in range(40)] + [repeated, "قصير جدا", ""]
    bodies.insert(5, " ".join(f"كلمة{i}" for i in range(dedup.MIN_SHINGLE_WORDS)))  # just long enough
    sigs = dedup.signatures(bodies)
    assert sigs[-1] is None and sigs[-2] is None
    for body, sig in zip(bodies[:-2], sigs):
        m = MinHash(num_perm=dedup.NUM_PERM, seed=1, hashfunc=lambda x: x)
        m.update_batch(_shingle_hashes(dedup.words(body)).tolist())
        assert np.asarray(m.hashvalues, dtype="<u4").tobytes() == sig
    assert dedup.fingerprints_many(bodies[:3]) == [dedup.fingerprints(b) for b in bodies[:3]]


def _corpus(path, n):
    rows = [{"id": f"a{i}", "title": f"خبر رقم {i}", "body": paragraph(i, 30),
             "date": f"2018-05-{1 + i % 28:02d}", "source": "الجزيرة" if i % 2 else "بي بي سي"}
            for i in range(n)]
    rows.append(dict(rows[3], id="copy-of-a3"))  # an exact duplicate: archived, not indexed
    return write_jsonl(path, rows)


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_a_big_ingest_indexes_beside_the_archive(tmp_path, src, monkeypatch, engine):
    """With the follower process (started after FOLLOW_AFTER articles), with or
    without the word relay, the index ends exactly as with the plain
    ingest-then-sync path."""
    corpus = _corpus(src / "news.jsonl", 60)
    results, followers = {}, []

    class Watched(index.api.Follower):
        def start(self):
            followers.append(self)
            return super().start()
    monkeypatch.setattr(index.api, "Follower", Watched)
    # A sender with a memo of its own: this process's knows the corpus's words from earlier tests.
    monkeypatch.setattr(index.api, "RelaySender", lambda: RelaySender(Analyzer()))
    # (follower started after so many articles, or at once; relay when it lags by more than)
    variants = ((10, 10**9), (0, 10**9), (0, -1), (None, -1))
    for follow_after, relay_lag in variants:
        monkeypatch.setattr(index.api, "FOLLOW_AFTER", follow_after or 10**9)
        monkeypatch.setattr(index.api, "FOLLOW_BYTES", 0 if follow_after == 0 else 10**12)
        monkeypatch.setattr(index.api, "RELAY_LAG", relay_lag)
        home = tmp_path / f"home-{follow_after}-{relay_lag}"
        with Arshif(home, engine=engine) as a:
            report = a.ingest([corpus])
            assert report.added == 60 and report.duplicate == 1
            assert a.state.seq == a.store.last_seq()
            assert a.engine.count() == 60
            results[follow_after, relay_lag] = [(h.article.id, h.matched, h.snippet.text("[", "]"))
                                                for h in a.search("مفاوضات درعا", limit=20).hits]
    assert all(results[v] == results[None, -1] for v in variants) and results[None, -1]
    # Only the follower started before the batch was stored, with the relay on,
    # learnt its words from the relay; the others analysed them themselves.
    assert [f.learnt > 0 for f in followers] == [False, False, True]


def test_a_big_ingest_without_a_temporary_directory_indexes_without_the_relay(tmp_path, src, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "missing"))  # no temporary directory
    with pytest.raises(OSError):
        RelaySender()
    monkeypatch.setattr(index.api, "FOLLOW_BYTES", 0)
    monkeypatch.setattr(index.api, "RELAY_LAG", -1)
    with Arshif(tmp_path / "home", engine="tantivy") as a:
        report = a.ingest([_corpus(src / "news.jsonl", 60)])
        assert report.added == 60 and a.engine.count() == 60
        assert a.state.seq == a.store.last_seq()
        assert a.search("مفاوضات درعا").hits


def test_the_word_relay_brings_analyses_in_complete_frames():
    """What the sender analyses, the receiver learns (exactly that analysis); a frame
    still being written waits for the next look; words met before are not sent again."""
    sender_side, receiver_side = Analyzer(), Analyzer()
    sender = RelaySender(sender_side)
    receiver = RelayReceiver(sender.path, receiver_side)
    try:
        assert receiver.receive() == 0
        assert sender.send(["وبالمفاوضات الأردنية، اليوم", "درعا."]) == 4
        assert sender.send(["درعا: اليوم"]) == 0  # known to the sender already
        frame = marshal.dumps({"تهجير": tuple(analyzer.word("تهجير"))})
        with open(sender.path, "ab", buffering=0) as f:
            f.write(len(frame).to_bytes(4, "little") + frame[:5])  # half written
            assert receiver.receive() == 4 and receiver_side.cached("تهجير") is None
            f.write(frame[5:])
        assert receiver.receive() == 1 and receiver.receive() == 0
        for w in ("وبالمفاوضات", "الأردنية", "اليوم", "درعا", "تهجير"):
            assert receiver_side.cached(w) == analyzer.word(w)
    finally:
        sender.close()
        receiver.close()
    assert not sender.path.exists() and sender.send(["جديدة"]) == 0
    assert RelayReceiver(sender.path, Analyzer()).receive() == 0  # gone: nothing to learn


def test_a_big_input_starts_indexing_beside_the_ingest_at_once(tmp_path, src, monkeypatch):
    """Inputs of FOLLOW_BYTES or more start the process beside the ingest before
    the first article is stored; the index ends the same."""
    corpus = _corpus(src / "news.jsonl", 60)
    monkeypatch.setattr(index.api, "FOLLOW_AFTER", 10**9)
    monkeypatch.setattr(index.api, "FOLLOW_BYTES", corpus.stat().st_size)
    stored, started = [], []

    class Watched(index.api.Follower):
        def start(self):
            started.append(len(stored))
            return super().start()
    monkeypatch.setattr(index.api, "Follower", Watched)
    with Arshif(tmp_path / "home") as a:
        a.ingest([src], on_record=stored.append)
        assert started == [0] and len(stored) == 61 and a.engine.count() == 60
        assert a.state.seq == a.store.last_seq()
        assert [h.article.id for h in a.search("مفاوضات درعا", limit=5).hits]
    monkeypatch.setattr(index.api, "FOLLOW_BYTES", corpus.stat().st_size + 1)
    with Arshif(tmp_path / "home2") as a:
        a.ingest([corpus])
    assert started == [0]  # one byte short: indexed after the ingest, in this process


def test_input_bytes_walks_directories_and_stops_when_it_has_enough(tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    for name, size in (("a", 10), ("d/b", 20), ("d/e/c", 30)):
        (tmp_path / name).write_bytes(b"x" * size)
    assert index.api.input_bytes([tmp_path], 10**6) == 60
    assert index.api.input_bytes([tmp_path / "a", tmp_path / "d" / "e", "-", tmp_path / "missing"], 10**6) == 40
    assert 10 <= index.api.input_bytes([tmp_path], 10) < 60


@pytest.mark.parametrize("follow_after", [10, 10**9])
def test_ingest_reports_the_indexing_left(tmp_path, src, monkeypatch, follow_after):
    """Once every article is stored, ``on_index(done, total)`` follows the indexing
    (in the process beside the ingest, or in this one) up to its end."""
    monkeypatch.setattr(index.api, "FOLLOW_AFTER", follow_after)
    seen = []
    with Arshif(tmp_path / "home") as a:
        a.ingest([_corpus(src / "news.jsonl", 60)], on_index=lambda done, total: seen.append((done, total)))
        assert a.engine.count() == 60
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert all(0 <= d <= t for d, t in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_the_word_cache_survives_a_reindex_and_warms_a_new_analyzer(tmp_path, src, monkeypatch):
    monkeypatch.setattr(index.indexer, "SAVE_WORDS_AFTER", 1)
    # this process's memo may know the corpus's words from an earlier test: as if unsaved
    monkeypatch.setattr(analyzer, "_saved", 0)
    home = tmp_path / "home"
    with Arshif(home) as a:
        a.ingest([_corpus(src / "news.jsonl", 5)])
        cache = word_cache(a.index_dir)
        saved = cache.read_bytes()
        a.reindex()
        assert cache.read_bytes() == saved
    fresh = Analyzer()
    assert fresh.load(cache) > 0
    for w in ("المفاوضات", "درعا", "الأردنية"):
        assert fresh.cached(w) == analyzer.word(w)


def test_a_broken_word_cache_is_ignored(tmp_path):
    bad = tmp_path / "words.marshal"
    bad.write_bytes(b"\x00not marshal")
    fresh = Analyzer()
    assert fresh.load(bad) == 0 and fresh.load(tmp_path / "missing") == 0
    assert fresh.word("بتهجير") == analyzer.word("بتهجير")
    fresh.word("تهجير")
    assert fresh.save(tmp_path / "w.marshal", min_new=1)
    again = Analyzer()
    assert again.load(tmp_path / "w.marshal") == 2 and again.cached("تهجير") == analyzer.word("تهجير")


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("bulk", [False, True])
def test_a_document_written_twice_in_one_writer_is_indexed_once(tmp_path, engine, bulk):
    from index.engines import ENGINES
    from index.query import Filters, ir
    e = ENGINES[engine].create(tmp_path / engine)
    first = index_doc(Article(id="x", title="", body="تهجير قديم"))
    second = index_doc(Article(id="x", title="", body="تهجير جديد"))
    other = index_doc(Article(id="y", title="", body="تهجير آخر"))
    with e.writer(bulk=bulk) as w:
        w.upsert(first)
        w.upsert(other)
        w.upsert(second)
        w.delete("y")
    e.refresh()
    assert e.count() == 1
    assert e.search(ir.TermQ("body_exact", "قديم"), Filters()).total == 0
    assert e.search(ir.TermQ("body_exact", "جديد"), Filters()).hits[0][0] == "x"


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_an_interrupted_big_ingest_leaves_a_consistent_index(tmp_path, src, monkeypatch, engine):
    corpus = _corpus(src / "news.jsonl", 1200)
    monkeypatch.setattr(index.api, "FOLLOW_AFTER", 10)
    seen = 0

    def interrupt(status):
        nonlocal seen
        seen += 1
        if seen == 700:  # in the second batch of 500
            raise KeyboardInterrupt

    home = tmp_path / "home"
    with Arshif(home, engine=engine) as a:
        report = a.ingest([corpus], on_record=interrupt)
        assert report.interrupted and a.store.count() == 1000
        assert a.state.seq <= a.store.last_seq()
        a.sync()  # the next run catches up
        assert a.engine.count() == 1000 and a.state.seq == a.store.last_seq()
        report = a.ingest([corpus])
        assert report.added == 201 - 1 and report.duplicate == 1 and a.engine.count() == 1200


def test_changes_to_documents_of_the_session_wait_for_its_commit_in_whoosh(tmp_path):
    """A bulk session is not cut short by an article it touches again: the change waits."""
    from index.engines import ENGINES
    e = ENGINES["whoosh"].create(tmp_path / "w")
    docs = [index_doc(Article(id=f"a{i}", title="", body=f"خبر رقم {i}")) for i in range(5)]
    with e.writer(bulk=False) as w:
        for d in docs:
            w.upsert(d)
        w.upsert(index_doc(Article(id="a1", title="", body="تهجير جديد")))
        w.delete("a2")
        w.upsert(index_doc(Article(id="a1", title="", body="تهجير أحدث")))
        assert set(w._later) == {"a1", "a2"} and len(w._session) == 5
    e.refresh()
    assert e.count() == 4
    from index.query import Filters, ir
    assert [h for h, _ in e.search(ir.TermQ("body_exact", "احدث"), Filters()).hits] == ["a1"]
    assert e.search(ir.TermQ("body_exact", "جديد"), Filters()).total == 0


@pytest.fixture(params=[True, False], ids=["collector-on", "collector-off"])
def collector(request):
    """The cyclic collector on or off for the test, as it was again after it."""
    was = gc.isenabled()
    (gc.enable if request.param else gc.disable)()
    yield request.param
    (gc.enable if was else gc.disable)()


def test_indexing_runs_without_automatic_collections_and_leaves_the_collector_as_it_was(
        tmp_path, src, monkeypatch, collector):
    """Indexing makes no reference cycles, so the cyclic collector is off while it
    runs (its collections cost 5% of the work); it is on again afterwards if it was."""
    during = []
    real = index.indexer.index_docs
    monkeypatch.setattr(index.indexer, "index_docs", lambda arts: during.append(gc.isenabled()) or real(arts))
    with Arshif(tmp_path / "home") as a:
        a.ingest([_corpus(src / "news.jsonl", 20)])
        assert a.engine.count() == 20
    after = gc.isenabled()
    assert during and not any(during)
    assert after is collector


def test_the_word_cache_loads_with_the_collector_paused(tmp_path, monkeypatch, collector):
    """Loading the memo makes a million objects and no cycles: no collection runs
    while it loads, and the collector is as it was afterwards; the words are all there."""
    saved = Analyzer()
    for w in ("تهجير", "المهجرين", "هجرة"):
        saved.word(w)
    assert saved.save(tmp_path / "words.marshal", min_new=1)
    during = []
    real = marshal.loads
    monkeypatch.setattr(marshal, "loads", lambda b: during.append(gc.isenabled()) or real(b))
    fresh = Analyzer()
    loaded = fresh.load(tmp_path / "words.marshal")
    after = gc.isenabled()
    assert during == [False] and after is collector
    # (four: هجرة is remembered under هجره too, the spelling whose analysis it shares)
    assert loaded == 4 and fresh.cached("هجره") == fresh.word("هجرة") == saved.word("هجرة")


def test_the_state_stamp_changes_whenever_the_state_is_written(tmp_path):
    from index.indexer import IndexState
    state = IndexState(tmp_path / "index")
    assert state.stamp() == ()  # nothing written yet
    state.write(seq=1)
    first = state.stamp()
    assert first and state.stamp() == first  # looking changes nothing
    state.write(seq=1)  # the same values written again still count as a change
    assert state.stamp() != first


def test_a_relay_that_cannot_write_stops_and_removes_its_file(monkeypatch):
    """A full disk: the sender stops (the indexing process analyses the words itself)."""
    sender = RelaySender(Analyzer())
    receiver = RelayReceiver(sender.path, Analyzer())

    def full(data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(sender._file, "write", full)
    assert sender.send(["تهجير المدنيين"]) == 2  # analysed, not passed on
    assert not sender.path.exists() and sender.send(["كلمات أخرى"]) == 0
    assert receiver.receive() == 0
    receiver.close()
