"""The forward index: snippets from the words stored at indexing equal snippets from the text."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import index.forward
from archive.records import Article
from index.api import Arshif
from index.forward import (BLOCK, ForwardIndex, Held, decode_many, decode_spans, decode_spans_many, encode,
                           encode_spans)
from index.highlight import fragment_spans, snippet
from index.query import compile_query
from index.views import index_doc
from ingest_fixtures import paragraph, src, write_jsonl  # noqa: F401

QUERIES = ["تهجير", "مخيم اليرموك", "المفاوضات في درعا", "هجر", "قوات النظام السوري", "الامم المتحدة",
           "بيروت لبنان", "داعش -حمص", "\"مخيم اليرموك\"", "ر:هجر", "تهج*"]


def _both_ways(lib: Arshif, query: str) -> list[tuple]:
    """Every hit's title, snippet and matched words, from the forward index and from the text."""
    c = compile_query(query, "all", lexicon=lib.engine)
    articles = [h.article for h in lib.search(query, snippets=False, limit=20).hits]
    held = lib.forward.matched(articles, c.matches)
    out = []
    for a in articles:
        assert a.id in held, "every indexed article is in the forward index"
        fast = Arshif._hit(a, 1.0, c.matches, True, held[a.id])
        slow = Arshif._hit(a, 1.0, c.matches, True, None)
        out.append(((fast.title.html(), fast.snippet.html(), fast.matched),
                    (slow.title.html(), slow.snippet.html(), slow.matched)))
    return out


def test_forward_snippets_equal_snippets_from_the_text(lib):
    compared = 0
    for q in QUERIES:
        for fast, slow in _both_ways(lib, q):
            assert fast == slow, q
            compared += 1
    assert compared >= 10


def test_search_uses_the_forward_index(lib, monkeypatch):
    """A search judges no text when the forward index holds its hits."""
    def no_judging(*args, **kwargs):
        raise AssertionError("judged from the text")
    monkeypatch.setattr(index.highlight, "marks", no_judging)
    monkeypatch.setattr(index.api, "marks", no_judging)
    r = lib.search("تهجير")
    assert r.hits and any("<mark" in h.snippet.html() for h in r.hits)


def test_words_that_pass_the_hash_filter_by_chance_are_not_marked(lib, tmp_path, monkeypatch):
    # The filter compares 16 bits of each term's hash; whatever passes is
    # judged by the analyzer.  With every term hashed alike, every word of
    # every hit passes, and the snippets must still be those of the text.
    monkeypatch.setattr(index.forward, "term_hashes", lambda terms: np.full(len(list(terms)), 7, dtype=np.uint32))
    found = {h.article.id: h.article for q in QUERIES for h in lib.search(q, snippets=False, limit=20).hits}
    with ForwardIndex(tmp_path).writer() as w:
        w.put_many([(a, index_doc(a)) for a in found.values()])
    forward = ForwardIndex(tmp_path)
    for q in QUERIES:
        c = compile_query(q, "all", lexicon=lib.engine)
        articles = [h.article for h in lib.search(q, snippets=False, limit=20).hits]
        held = forward.matched(articles, c.matches)
        for a in articles:
            fast = Arshif._hit(a, 1.0, c.matches, True, held[a.id])
            slow = Arshif._hit(a, 1.0, c.matches, True, None)
            assert (fast.snippet.html(), fast.title.html(), fast.matched) == \
                   (slow.snippet.html(), slow.title.html(), slow.matched), q


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3_000_000), max_size=300))
def test_word_numbers_round_trip(ids):
    assert decode_many([encode(ids)])[0].tolist() == sorted(ids)


def test_words_grow_across_writers_and_readers_see_them(tmp_path, src):
    """Numbers keep growing over several ingests (the last block is extended), and a
    reader that loaded the words before learns the new ones."""
    home = tmp_path / "home"
    rows = [{"id": f"a{i}", "title": f"خبر {i}", "body": paragraph(i, 30) + f" كلمة{i}"} for i in range(40)]
    with Arshif(home) as lib:
        lib.ingest([write_jsonl(src / "one.jsonl", rows[:20])])
        assert lib.search("كلمة3").hits[0].matched == ["كلمة3"]
        before = len(lib.forward._hashes)
        lib.ingest([write_jsonl(src / "two.jsonl", rows[20:])])
        hit = lib.search("كلمة33").hits[0]
        assert hit.article.id == "a33" and hit.matched == ["كلمة33"]
        assert len(lib.forward._hashes) > before
        c = compile_query("كلمة33 كلمة3", "all")
        held = lib.forward.matched([lib.store.get("a3"), lib.store.get("a33")], c.matches)
        assert {k: v.found for k, v in held.items()} == {"a3": {"كلمة3": "exact"}, "a33": {"كلمة33": "exact"}}


def test_many_blocks(tmp_path, monkeypatch):
    """Words spread over several blocks, written by several writers, are read back right."""
    monkeypatch.setattr(index.forward, "BLOCK", 7)
    fwd = ForwardIndex(tmp_path)
    articles = [Article(id=f"a{i}", title="", body=" ".join(f"كلمة{i}{j}" for j in range(5 + i)))
                for i in range(6)]
    for batch in (articles[:2], articles[2:3], articles[3:]):
        with fwd.writer() as w:
            w.put_many([(a, index_doc(a)) for a in batch])
    for a in articles:
        m = compile_query(a.body, "exact").matches
        assert fwd.matched([a], m)[a.id].found == {w: "exact" for w in a.body.split()}
    assert len(fwd._surfaces) > 3 and BLOCK == 4096



def test_full_blocks_are_written_as_they_fill(tmp_path, monkeypatch):
    """A writer writes each block of words once it is full (the close only writes
    the last one), and one writer's many batches read back right, after a writer
    that left a block half full."""
    monkeypatch.setattr(index.forward, "BLOCK", 7)
    fwd = ForwardIndex(tmp_path)
    articles = [Article(id=f"a{i}", title="", body=" ".join(f"كلمة{i}ب{j}" for j in range(3 + i % 4)))
                for i in range(12)]
    with fwd.writer() as w:
        w.put_many([(articles[0], index_doc(articles[0]))])  # 3 words: a block not full
    with fwd.writer() as w:
        for a in articles[1:]:
            w.put_many([(a, index_doc(a))])
            blocks = w.db.execute("SELECT block, length(hashes) / 12 FROM word_blocks ORDER BY block").fetchall()
            assert all(n == 7 for _, n in blocks[1:]) and [b for b, _ in blocks] == list(range(len(blocks)))
            assert len(w._tail_surfaces) + len(w._new_words) < 7  # less than a block pending
        written_before_close = len(blocks)
    total = sum(3 + i % 4 for i in range(12))
    assert written_before_close == total // 7  # every full block, before the close
    for a in articles:
        m = compile_query(a.body, "exact").matches
        assert fwd.matched([a], m)[a.id].found == {w: "exact" for w in a.body.split()}
    assert sum(len(s) for s in fwd._surfaces) == total

def test_a_changed_text_is_judged_from_the_text(tmp_path):
    """A row read from another text (other lengths) is not used: the hit is judged from its text."""
    fwd = ForwardIndex(tmp_path)
    old = Article(id="x", title="", body="تهجير قديم")
    with fwd.writer() as w:
        w.put_many([(old, index_doc(old))])
    m = compile_query("تهجير", "all").matches
    assert fwd.matched([old], m) == {"x": Held({"تهجير": "exact"}, [(0, 10)])}
    assert fwd.matched([Article(id="x", title="", body="تهجير جديد جدا")], m) == {}
    assert fwd.matched([Article(id="y", title="", body="تهجير")], m) == {}


def test_an_index_without_forward_index_still_highlights(tmp_path, src):
    """An index built before the forward index (or with it deleted) judges the texts."""
    home = tmp_path / "home"
    rows = [{"id": f"a{i}", "title": f"خبر {i}", "body": paragraph(i, 30) + " تهجير"} for i in range(5)]
    with Arshif(home) as lib:
        lib.ingest([write_jsonl(src / "n.jsonl", rows)])
        lib.forward.close()
        lib.forward.path.unlink()
        r = lib.search("تهجير")
        assert r.hits and all("تهجير" in h.matched for h in r.hits)


def test_reindex_and_migrate_keep_the_forward_index(tmp_path, src):
    home = tmp_path / "home"
    rows = [{"id": f"a{i}", "title": f"خبر {i}", "body": paragraph(i, 30) + " تهجير"} for i in range(5)]
    with Arshif(home) as lib:
        lib.ingest([write_jsonl(src / "n.jsonl", rows)])
        lib.reindex()
        m = compile_query("تهجير", "all").matches
        assert len(lib.forward.matched([lib.store.get(r["id"]) for r in rows], m)) == 5
        lib.migrate("tantivy")
        assert len(lib.forward.matched([lib.store.get(r["id"]) for r in rows], m)) == 5
        assert all("تهجير" in h.matched for h in lib.search("تهجير").hits)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 200_000), max_size=40), max_size=8))
def test_rows_decode_together_as_apart(rows):
    ids, counts = decode_many([encode(r) for r in rows])
    assert counts == [len(r) for r in rows]
    assert ids.tolist() == [x for r in rows for x in sorted(r)]


@pytest.mark.parametrize("ids", [[], [5], [0, 70_000, 70_001], list(range(0, 300_000, 1000))])
def test_encode_picks_the_narrowest_gaps(ids):
    row = encode(ids)
    assert decode_many([row])[0].tolist() == sorted(ids)
    assert len(row) == 8 + 2 * max(len(ids) - 1, 0) if all(b - a < 65536 for a, b in zip(ids, ids[1:])) \
        else len(row) == 8 + 4 * (len(ids) - 1)
    assert np.frombuffer(row, dtype=np.uint32, count=2)[1] == (min(ids) if ids else 0)
    assert len(row) >= 8


def test_stats_count_the_forward_index(lib):
    s = lib.stats()
    assert lib.forward.size_bytes() > 0
    assert s["index_bytes"] == lib.engine.size_bytes() + lib.forward.size_bytes()


# Characters in any order, and words with few sentence ends, whose
# sentences outgrow a fragment (220 characters) and are cut at their clauses.
TEXTS = st.text(alphabet=st.sampled_from(list("تهجير مخيم.!؟؛…،,:\n 14 ")), max_size=300) | st.lists(
    st.sampled_from(["تهجير", "مخيم", "14", "كلمة", "اخرى", "طويلة", "، ", ", ", ": ", "; ", ". ", "\n", "؟ "]
                    + ["كلمة"] * 10), max_size=200).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_snippets_from_stored_fragments_equal_snippets_that_cut_them(text):
    m = compile_query("تهجير مخيم 14", "all").matches
    spans = decode_spans(encode_spans(fragment_spans(text), len(text)), len(text))
    assert snippet(text, m, fragments=spans) == snippet(text, m)


def test_stored_fragments_are_the_sentences_cut_at_their_clauses():
    text = "قصيرة. " + "، ".join(["كلمة تهجير ثم كلمات اخرى كثيرة"] * 12) + ". اخيرة؟ "
    frags = fragment_spans(text)
    assert [text[s:e] for s, e in frags][0] == "قصيرة."
    assert [text[s:e] for s, e in frags][-1] == "اخيرة؟"
    assert len(frags) > 3 and all(e - s <= 220 for s, e in frags)
    assert all(text[s:e] == text[s:e].strip() for s, e in frags)


def test_long_bodies_keep_wide_fragment_offsets():
    body = ("جملة طويلة جدا. " * 6000) + "تهجير في النهاية."
    spans = fragment_spans(body)
    assert len(body) > 1 << 16 and spans[-1][1] == len(body)
    assert decode_spans(encode_spans(spans, len(body)), len(body)) == spans


def test_fragments_of_several_bodies_are_read_together_as_each_alone():
    long = ("جملة طويلة جدا. " * 6000) + "تهجير في النهاية."
    bodies = ["قصيرة. ثانية؟ ثالثة", long, "", "واحدة فقط", long[:70000], "جملة. " * 30]
    rows = [(encode_spans(fragment_spans(b), len(b)), len(b)) for b in bodies]
    assert decode_spans_many(rows) == [fragment_spans(b) for b in bodies]
    assert decode_spans_many([]) == []


def test_term_hashes_are_the_crc32_of_each_terms_utf8_and_0_for_a_gap():
    terms = ["تهجير", "_", "هجر", "beirut", ""]
    assert index.forward.term_hashes(terms).tolist() == [0 if t == "_" else zlib.crc32(t.encode("utf-8"))
                                                         for t in terms]


def test_the_archive_and_the_forward_index_are_read_through_a_memory_map(lib):
    # a search reads ten articles and their rows, rarely in SQLite's own cache
    lib.search("تهجير")
    assert lib.store.db.execute("PRAGMA mmap_size").fetchone()[0] > 0
    assert lib.forward._db().execute("PRAGMA mmap_size").fetchone()[0] > 0


def _stored_words(index_dir) -> dict[str, list[str]]:
    """Each article's words as the forward index at ``index_dir`` stores them (surfaces, sorted)."""
    import sqlite3
    db = sqlite3.connect(ForwardIndex(index_dir).path)
    surfaces = [s for _, _, block in index.forward._read_blocks(db, 0) for s in block]
    out = {}
    for article_id, row in db.execute("SELECT id, words FROM articles"):
        ids, _ = decode_many([row])
        out[article_id] = sorted(surfaces[i] for i in ids.tolist())
    db.close()
    return out


def test_words_numbered_by_several_processes_meet_in_one_writer(tmp_path, monkeypatch):
    """The writer finds a word through its number in the process that analysed
    it; documents from several processes (the indexing workers), each of
    which numbers words from 0, still get each word's own number."""
    from index import views
    arts = [Article(f"a{i}", f"عنوان الخبر {i}", paragraph(i, 30), None, None, None, None) for i in range(6)]
    with ForwardIndex(tmp_path / "one").writer() as w:
        w.put_many([(a, index_doc(a)) for a in arts])
    docs = []
    for a in arts:  # each article analysed by a process of its own
        monkeypatch.setattr(views, "_piece_terms", views._PieceTerms())
        monkeypatch.setattr(views, "_word_numbers", views._WordNumbers())
        docs.append((a, index_doc(a)))
    assert len({d.numbering for _, d in docs}) == len(arts)
    with ForwardIndex(tmp_path / "many").writer() as w:
        w.put_many(docs[:3])
        w.put_many(docs[3:] + docs[:1])  # an article again, under the same numbering
    one, many = _stored_words(tmp_path / "one"), _stored_words(tmp_path / "many")
    assert one == many and all(one.values())
    assert set(one["a0"]) >= {"عنوان", "الخبر", "0"}


def test_a_forked_process_numbers_words_under_a_token_of_its_own():
    import os
    from index import views
    before, numbered = views._word_numbers.token, views._word_numbers["تهجير"]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: reports its token and the number of a word its parent numbered
        os.write(w, f"{views._word_numbers.token} {views._word_numbers['تهجير']}".encode())
        os._exit(0)
    os.waitpid(pid, 0)
    token, number = map(int, os.read(r, 100).decode().split())
    assert token != before and number == numbered


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), max_size=3000, unique=True), st.integers(0, 2**32 - 1))
def test_a_bit_table_never_misses_a_hash_it_holds(held, seed):
    from index.forward import _BitTable
    table = _BitTable(np.array(held, dtype=np.uint32))
    assert table.has(np.array(held, dtype=np.uint32)).all()
    others = np.random.default_rng(seed).integers(0, 2**32, 20_000, dtype=np.uint32)
    others = others[~np.isin(others, held)]
    assert table.has(others).mean() < 0.05  # about one in 64 passes by chance


def test_term_hashes_are_crc32_of_the_utf8_and_0_for_a_gap():
    from index.forward import term_hashes
    from index.views import GAP
    terms = ["تهجير", GAP, "هجر", "", GAP]
    assert term_hashes(terms).tolist() == [zlib.crc32("تهجير".encode()), 0, zlib.crc32("هجر".encode()), 0, 0]
    assert term_hashes(iter(terms)).tolist() == term_hashes(terms).tolist()
    assert term_hashes([]).dtype == np.uint32 and len(term_hashes([])) == 0
