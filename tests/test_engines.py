"""Both engines behind one interface: same hits, filters, facets, sorting, updates; init and migrate."""
from __future__ import annotations

import json

import pytest

from cli import main
from index.api import Arshif, ArshifError
from index.engines import ENGINES, FACETS
from index.query import Filters, compile_query

ARTICLES = [
    {"id": "n1", "title": "تهجير سكان مخيم اليرموك", "body": "قالت الأمم المتحدة إن تهجير السكان من مخيم اليرموك مستمر.",
     "date": "2018-05-21", "source": "bbc", "category": "politics"},
    {"id": "n2", "title": "المفاوضات في جنيف", "body": "استؤنفت المفاوضات بين الوفدين في جنيف وسط تفاؤل حذر.",
     "date": "2018-06-02", "source": "cnn", "category": "politics"},
    {"id": "n3", "title": "مباراة الكرة", "body": "فاز الفريق في المباراة النهائية بعد مفاوضات طويلة مع المدرب.",
     "date": "2017-01-15", "source": "bbc", "category": "sport"},
    {"id": "n4", "title": "اقتصاد الخليج", "body": "تراجعت أسعار النفط في الخليج، والتفاوض على الإنتاج مستمر.",
     "date": "2018-05-03", "source": "skynews", "category": "economy"},
    {"id": "n5", "title": "مخيم في اليرموك", "body": "نزح المهجرون إلى مخيم في اليرموك بعد القصف.",
     "source": "cnn"},
]
QUERIES = ["تهجير", "مفاوضات", "مخيم اليرموك", '"مخيم اليرموك"', '"مخيم في اليرموك"', "جنيف OR النفط",
           "مفاوضات -جنيف", "+مخيم +نزح", "المهجرين", "في", "مخيم*"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def libs(tmp_path_factory, corpus):
    out = {}
    for name in ENGINES:
        a = Arshif(tmp_path_factory.mktemp(name), engine=name)
        report = a.ingest([corpus])
        assert report.added == len(ARTICLES)
        out[name] = a
    yield out
    for a in out.values():
        a.close()


def run(lib, q, filters=Filters(), **kw):
    return lib.engine.search(compile_query(q).query, filters, **kw)


@pytest.mark.parametrize("q", QUERIES)
def test_engines_return_the_same_hits_with_close_scores(libs, q):
    w, t = (run(libs[n], q, limit=20) for n in ("whoosh", "tantivy"))
    assert w.total == t.total
    assert dict(w.hits).keys() == dict(t.hits).keys()
    for doc_id, score in w.hits:
        assert dict(t.hits)[doc_id] == pytest.approx(score, rel=0.15)


@pytest.mark.parametrize("name", list(ENGINES))
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_hits_read_in_parts_are_the_hits_read_whole(libs, name, sort):
    # (tantivy reads a hit's id when it is first asked for)
    q = "جنيف OR النفط OR مخيم OR مفاوضات"
    whole = list(run(libs[name], q, limit=20, sort=sort).hits)
    assert len(whole) > 3
    hits = run(libs[name], q, limit=20, sort=sort).hits
    assert hits[1:3] == whole[1:3] and hits[0] == whole[0] and hits[-1] == whole[-1]
    assert hits[::-1] == whole[::-1] and hits[len(whole):] == [] and len(hits) == len(whole)
    assert list(hits) == whole and hits == whole
    with pytest.raises(IndexError):
        hits[len(whole)]


@pytest.mark.parametrize("name", list(ENGINES))
def test_phrase_with_a_stop_word_keeps_its_gap(libs, name):
    lib = libs[name]
    assert [i for i, _ in run(lib, '"مخيم في اليرموك"').hits][0] in {"n1", "n5"}
    found = {i for i, _ in run(lib, '"مخيم في اليرموك"').hits}
    assert found == {"n1", "n5"}
    # without the stop word, the words must be adjacent: only n1 has them so
    assert {i for i, _ in run(lib, '"مخيم اليرموك"').hits} == {"n1"}


@pytest.mark.parametrize("name", list(ENGINES))
def test_filters_and_date_sort(libs, name):
    lib = libs[name]
    q = "مفاوضات"
    assert {i for i, _ in run(lib, q, Filters(source="bbc")).hits} == {"n3"}
    assert {i for i, _ in run(lib, q, Filters(category="politics")).hits} == {"n2"}
    assert {i for i, _ in run(lib, q, Filters(since=20180101, until=20181231)).hits} == {"n2", "n4"}
    newest = run(lib, q, sort="newest")
    assert [i for i, _ in newest.hits] == ["n2", "n4", "n3"]
    assert [i for i, _ in run(lib, q, sort="oldest").hits] == ["n3", "n4", "n2"]
    assert [i for i, _ in run(lib, q, sort="newest", limit=1, offset=1).hits] == ["n4"]
    assert newest.total == 3
    # filters do not change the scores
    plain = dict(run(lib, q).hits)
    for doc_id, score in run(lib, q, Filters(since=20180101)).hits:
        assert score == pytest.approx(plain[doc_id])


@pytest.mark.parametrize("name", list(ENGINES))
def test_count_and_facets_over_the_result_set(libs, name):
    e = libs[name].engine
    assert e.count() == 5
    q = compile_query("مخيم").query
    assert e.count(q) == 2
    assert e.count(q, Filters(source="cnn")) == 1
    everything = e.facets(None)
    assert set(everything) == set(FACETS)
    assert everything["source"] == {"bbc": 2, "cnn": 2, "skynews": 1}
    assert everything["year"] == {"2018": 3, "2017": 1}
    assert everything["month"] == {"2018-05": 2, "2017-01": 1, "2018-06": 1}
    f = e.facets(compile_query("مفاوضات").query, Filters(since=20180101))
    assert f["source"] == {"cnn": 1, "skynews": 1}
    assert f["category"] == {"economy": 1, "politics": 1}
    assert e.facets(compile_query("غير_موجود").query) == {k: {} for k in FACETS}


@pytest.mark.parametrize("name", list(ENGINES))
def test_update_and_delete(tmp_path, name):
    from index.views import IndexDoc
    e = ENGINES[name].create(tmp_path / name)
    doc = IndexDoc("x", {"body_exact": ["قديم"], "body_stem": ["قديم"], "body_root": ["قدم"]},
                   source="a", day=20200101)
    e.add_all([doc])
    with e.writer() as w:
        w.upsert(IndexDoc("x", {"body_exact": ["جديد"], "body_stem": ["جديد"],
                                "body_root": ["جدد"]}, source="b", day=20200101))
    from index.query import ir
    assert e.count() == 1
    assert e.search(ir.TermQ("body_exact", "قديم"), Filters()).total == 0
    assert e.search(ir.TermQ("body_exact", "جديد"), Filters()).hits[0][0] == "x"
    assert e.facets(None)["source"] == {"b": 1}
    with e.writer() as w:
        w.delete("x")
    assert e.count() == 0
    e.close()


def test_init_and_migrate_keep_results(runner, tmp_path, corpus):
    home = tmp_path / "h"
    r = runner.invoke(main, ["--home", str(home), "init", "--engine", "tantivy"])
    assert r.exit_code == 0 and "tantivy" in r.output
    r = runner.invoke(main, ["--home", str(home), "ingest", str(corpus)])
    assert r.exit_code == 0, r.output
    with Arshif(home) as a:
        assert a.stats()["engine"] == "tantivy"
        before = [h.article.id for h in a.search("مفاوضات").hits]
    # an archive keeps its engine: asking for another one names the migrate command
    r = runner.invoke(main, ["--home", str(home), "init", "--engine", "whoosh"])
    assert r.exit_code == 2 and "arshif migrate --engine whoosh" in r.output
    r = runner.invoke(main, ["--home", str(home), "migrate", "--engine", "whoosh"])
    assert r.exit_code == 0, r.output
    assert "indexed 5" in r.output
    with Arshif(home) as a:
        assert a.stats()["engine"] == "whoosh"
        assert a.stats()["indexed"] == 5
        assert [h.article.id for h in a.search("مفاوضات").hits] == before
    with pytest.raises(ArshifError, match="unknown engine"):
        Arshif(home, engine="lucene")


def test_lexicon_lists_terms_with_a_prefix_most_frequent_first(libs):
    w, t = (libs[n].engine.terms("body_stem", "مخي") for n in ("whoosh", "tantivy"))
    assert w == t
    assert w and all(term.startswith("مخي") for term, _ in w)
    assert w[0][1] >= w[-1][1]
    assert libs["whoosh"].engine.terms("body_stem", "") == libs["tantivy"].engine.terms("body_stem", "")
    assert libs["whoosh"].engine.terms("no_such_field", "x") == []
    assert libs["tantivy"].engine.terms("no_such_field", "x") == []


@pytest.mark.parametrize("name", list(ENGINES))
def test_an_empty_index_answers_with_nothing(tmp_path, name):
    e = ENGINES[name].create(tmp_path / name)
    q = compile_query("تهجير").query
    assert e.search(q, Filters()).total == 0
    assert e.search(q, Filters(source="x"), sort="newest").hits == []
    assert e.count() == 0 and e.count(q) == 0
    assert e.facets(q) == {k: {} for k in FACETS}
    assert e.terms("body_stem", "") == []
    e.close()


def test_a_big_whoosh_archive_is_advised_to_migrate(runner, tmp_path, corpus, monkeypatch):
    import index.engines as engines
    monkeypatch.setattr(engines, "WHOOSH_MAX_COMFORTABLE", 3)
    home = tmp_path / "big"
    r = runner.invoke(main, ["--home", str(home), "ingest", str(corpus)])
    assert r.exit_code == 0
    assert "arshif migrate --engine tantivy" in r.output
    r = runner.invoke(main, ["--home", str(home), "stats"])
    assert [line for line in r.output.splitlines() if "arshif migrate --engine tantivy" in line]
    with Arshif(home) as a:
        a.migrate("tantivy")
        assert a.engine_advice() is None and "advice" not in a.stats()
    monkeypatch.setattr(engines, "WHOOSH_MAX_COMFORTABLE", 100)
    with Arshif(tmp_path / "small", engine="whoosh") as a:
        a.ingest([corpus])
        assert a.engine_advice() is None


@pytest.mark.parametrize("name", ["whoosh"])  # tantivy's bulk mode differs only by its own threads
def test_bulk_indexing_in_several_processes_gives_the_same_index(tmp_path, corpus, libs, name, monkeypatch):
    import index.indexer as indexer
    monkeypatch.setattr(indexer, "BULK", 2)  # 5 articles count as a big batch: worker processes
    monkeypatch.setattr(indexer, "BATCH", 2)
    with Arshif(tmp_path / name, engine=name) as a:
        a.ingest([corpus])
        assert a.engine.count() == len(ARTICLES)
        for q in QUERIES:
            bulk = a.engine.search(compile_query(q).query, Filters(), limit=20)
            one = libs[name].engine.search(compile_query(q).query, Filters(), limit=20)
            assert bulk.total == one.total, q
            assert dict(bulk.hits) == pytest.approx(dict(one.hits)), q


@pytest.mark.parametrize("name", list(ENGINES))
@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_undated_articles_come_last_in_both_date_orders(libs, name, sort):
    lib = libs[name]
    q = "مخيم OR مفاوضات OR النفط"  # n5, which matches, has no date
    days = {a["id"]: a.get("date", "") for a in ARTICLES}
    everything = lib.search(q, sort=sort, limit=10)
    ids = [h.article.id for h in everything.hits]
    dated = [d for d in ids if days[d]]
    assert ids[-1] == "n5" and ids == dated + ["n5"]
    assert [days[d] for d in dated] == sorted((days[d] for d in dated), reverse=sort == "newest")
    assert everything.total == len(ids) == lib.search(q).total
    # pages cut anywhere give the same order, and the same total
    for limit in (1, 2, 3):
        pages = [lib.search(q, sort=sort, limit=limit, offset=o) for o in range(0, len(ids) + 1, limit)]
        assert [h.article.id for p in pages for h in p.hits] == ids
        assert {p.total for p in pages} == {len(ids)}


def test_flatten_merges_only_groups_that_score_and_match_the_same():
    from index.query import ir
    a, b, c, d = (ir.TermQ("body_exact", t) for t in "abcd")
    nested = ir.BoolQ(should=(ir.BoolQ(should=(a, b)), ir.BoolQ(should=(c,)), d))
    assert ir.flatten(nested) == ir.BoolQ(should=(a, b, c, d))
    # a required group, or one with exclusions, keeps its own meaning
    must = ir.BoolQ(must=(ir.BoolQ(should=(a, b)),), should=(ir.BoolQ(should=(c, d)),))
    assert ir.flatten(must) == ir.BoolQ(must=(ir.BoolQ(should=(a, b)),), should=(c, d))
    excl = ir.BoolQ(should=(ir.BoolQ(should=(a,), must_not=(b,)), c))
    assert ir.flatten(excl) == excl
    assert ir.flatten(a) == a


@pytest.mark.parametrize("name", list(ENGINES))
@pytest.mark.parametrize("q", QUERIES)
def test_a_flat_query_finds_and_scores_as_the_compiled_tree(libs, name, q):
    from index.engines.whoosh_engine import WhooshEngine
    from index.query import ir
    lib = libs[name]
    compiled = compile_query(q).query
    flat = lib.engine.search(compiled, Filters(), limit=20)
    # the tree as compiled, without the engine's flattening
    if isinstance(lib.engine, WhooshEngine):
        from index.engines import whoosh_eval
        ix = lib.engine.arrays()
        total, top = whoosh_eval.run(ix, compiled, None, "relevance", 20)
        tree = dict((ix.stored_id(d), s) for d, s in top)
    else:
        s = lib.engine._ix.searcher()
        r = s.search(lib.engine.translate(compiled), 20, count=True)
        total, tree = r.count, {s.doc(a).get_first("id"): sc for sc, a in r.hits}
    assert flat.total == total
    assert dict(flat.hits) == pytest.approx(tree, rel=1e-5)


def test_phrase_slop_is_counted_over_the_whole_phrase_in_both_engines(tmp_path):
    from index.query import ir
    from index.views import IndexDoc
    docs = {"d1": "aa xx bb yy cc", "d2": "aa bb xx yy cc", "d3": "aa bb cc", "d4": "aa xx yy bb cc",
            "d5": "cc bb aa"}
    for name in ENGINES:
        e = ENGINES[name].create(tmp_path / name)
        e.add_all([IndexDoc(i, {"body_stem": t.split()}) for i, t in docs.items()])
        e.refresh()
        found = {slop: sorted(h for h, _ in e.search(ir.PhraseQ("body_stem", ("aa", "bb", "cc"), slop=slop),
                                                    Filters(), limit=10).hits)
                 for slop in (1, 2, 3)}
        assert found == {1: ["d3"], 2: ["d3"], 3: ["d1", "d2", "d3", "d4"]}, name


@pytest.mark.parametrize("aged", [False, True], ids=["just-written", "an-old-directory"])
def test_a_reader_sees_another_writers_commit_at_once(tmp_path, aged):
    """The Whoosh engine lists its directory only when its mtime moved (or is too
    recent to trust), and still sees every commit of another process's writer."""
    import os
    import time
    from index.query import ir
    from index.views import IndexDoc
    path = tmp_path / "whoosh"
    ENGINES["whoosh"].create(path)
    reader, writer = ENGINES["whoosh"](path), ENGINES["whoosh"](path)

    def doc(i):
        return IndexDoc(f"d{i}", {"body_exact": ["خبر"], "body_stem": ["خبر"], "body_root": ["خبر"]})
    for i in range(3):
        if aged:  # a directory last changed long ago: its mtime is trusted
            old = time.time() - 60
            os.utime(path, (old, old))
        assert reader.count() == i
        assert reader.count() == i  # asked again: no listing needed when trusted
        before = os.stat(path).st_mtime_ns
        with writer.writer() as w:
            w.upsert(doc(i))
        if not aged:  # a coarse clock that did not tick during the commit
            os.utime(path, ns=(before, before))
        assert reader.count() == i + 1
        assert reader.search(ir.TermQ("body_exact", "خبر"), Filters()).total == i + 1
    reader.close()
    writer.close()
