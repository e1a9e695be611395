"""Results features (issue 5): facets, sort, pagination, snippets and marks,
"did you mean", more like this, batch search, and a fuzz run of the parser."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.api import Arshif, ArshifError
from index.highlight import snippet
from index.query import compile_query, parse

ARTICLES = [
    {"id": "n1", "title": "تهجير أهالي القلمون", "date": "2018-04-10", "source": "الجزيرة", "category": "سياسة",
     "body": "بدأت عملية تهجير الأهالي من القلمون الشرقي صباح اليوم. وقال شاهد إن الحافلات تنقل المهجرين "
             "إلى الشمال؟ نعم، إلى ريف حلب، بعد اتفاق مع الروس."},
    {"id": "n2", "title": "قوافل المهجرين تصل إلى الشمال", "date": "2018-04-22", "source": "الجزيرة",
     "category": "سياسة",
     "body": "وصلت قوافل المهجرين إلى ريف حلب الشمالي بعد رحلة طويلة، وقال ناشطون إن التهجير طال الآلاف."},
    {"id": "n3", "title": "الأمم المتحدة تدين بتهجير السكان", "date": "2018-05-03", "source": "الحياة",
     "category": "دولي",
     "body": "أدانت الأمم المتحدة ما وصفته بتهجير السكان قسرا من بلداتهم في ريف دمشق."},
    {"id": "n4", "title": "هجرة الشباب إلى أوروبا", "date": "2017-11-15", "source": "الحياة", "category": "مجتمع",
     "body": "تتزايد هجرة الشباب إلى أوروبا بحثا عن العمل، وتقول الأسر إن الهجرة صارت حلما."},
    {"id": "n5", "title": "أسعار النفط ترتفع", "date": "2019-02-01", "source": "Reuters", "category": "اقتصاد",
     "body": "ارتفعت أسعار النفط اليوم بعد قرار أوبك خفض الإنتاج، وتوقع محللون استمرار الارتفاع."},
    {"id": "n6", "title": "أوبك تخفض إنتاج النفط", "date": "2019-01-20", "source": "Reuters", "category": "اقتصاد",
     "body": "قررت منظمة أوبك خفض إنتاج النفط لدعم الأسعار، وقال وزراء إن القرار يبدأ الشهر المقبل."},
]


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    d = tmp_path_factory.mktemp("features")
    src = d / "news.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    a = Arshif(d / "home")
    assert a.ingest([src]).added == len(ARTICLES)
    yield a
    a.close()


def order(res):
    return [h.article.id for h in res.hits]


def test_facets_count_the_whole_result_set(fx):
    res = fx.search("تهجير", mode="stem", facets=True, limit=1)
    assert res.total == 3 and len(res.hits) == 1
    assert res.facets["source"] == {"الجزيرة": 2, "الحياة": 1}
    assert res.facets["category"] == {"سياسة": 2, "دولي": 1}
    assert res.facets["year"] == {"2018": 3}
    assert res.facets["month"] == {"2018-04": 2, "2018-05": 1}
    assert res.to_dict()["facets"] == res.facets
    assert "facets" not in fx.search("تهجير").to_dict()


def test_facets_follow_filters_and_the_library_call(fx):
    # Ingest names the outlet رويترز; the English spelling still filters to it.
    res = fx.search("النفط source:Reuters", facets=True)
    assert res.facets["source"] == {"رويترز": 2}
    assert fx.search("النفط مصدر:رويترز").total == 2
    all_facets = fx.facets()
    assert sum(all_facets["source"].values()) == len(ARTICLES)
    assert fx.facets("النفط")["month"] == {"2019-01": 1, "2019-02": 1}


def test_sort_orders(fx):
    q = "جذر:هجر"
    newest = order(fx.search(q, sort="newest"))
    oldest = order(fx.search(q, sort="oldest"))
    assert newest == ["n3", "n2", "n1", "n4"]
    assert oldest == list(reversed(newest))
    assert set(order(fx.search(q))) == set(newest)
    with pytest.raises(ArshifError):
        fx.search(q, sort="random")


def test_pagination(fx):
    q = "جذر:هجر"
    everything = order(fx.search(q, limit=10))
    pages = [order(fx.search(q, limit=2, offset=o)) for o in (0, 2, 4)]
    assert pages[0] + pages[1] == everything and pages[2] == []
    res = fx.search(q, limit=2, offset=2)
    assert res.total == 4 and res.page == 2
    for bad in ({"limit": 0}, {"limit": 5000}, {"offset": -1}):
        with pytest.raises(ArshifError):
            fx.search(q, **bad)


def test_stem_and_root_matches_are_marked_as_written_and_distinguishable(fx):
    res = fx.search("تهجير")
    by_id = {h.article.id: h for h in res.hits}
    n3 = by_id["n3"]
    assert "بتهجير" in n3.matched
    html = n3.snippet.html()
    assert '<mark class="stem">بتهجير</mark>' in html
    n1 = by_id["n1"]
    assert '<mark class="exact">تهجير</mark>' in n1.snippet.html()
    # المهجرين shares only the root with تهجير: marked as a root match.
    assert '<mark class="root">المهجرين</mark>' in n1.snippet.html()
    kinds = {k for _, _, k in n1.snippet.highlights()}
    assert kinds == {"exact", "root"}
    text = n1.snippet.text()
    for s, e, kind in n1.snippet.highlights():
        assert text[s:e] in ("تهجير", "المهجرين")


def test_highlighted_article_marks_every_occurrence(fx):
    a = fx.article("n2")
    marked = fx.highlighted(a, "المهجرين")
    words = [s.text for frag in marked["body"].fragments for s in frag if s.kind]
    assert words.count("المهجرين") == 1 and "التهجير" in words


def test_snippets_are_sentences_and_question_marks_and_commas_cut_them():
    text = ("جملة أولى لا شيء فيها. هل وصل المهجرين؟ " + "، ".join(["كلام طويل بلا معنى هنا"] * 15)
            + "، وفيها التهجير أيضا.")
    snip = snippet(text, compile_query("تهجير").matches)
    frags = ["".join(s.text for s in f) for f in snip.fragments]
    assert any(f == "هل وصل المهجرين؟" for f in frags)
    long_one = next(f for f in frags if "التهجير" in f)
    assert len(long_one) <= 220 and long_one.endswith("التهجير أيضا.")
    assert not long_one.startswith("،")


def test_number_dots_do_not_end_a_sentence():
    text = "رشاش عيار 14.5 ملم استعمل في التهجير. جملة أخرى."
    snip = snippet(text, compile_query("تهجير").matches)
    assert snip.text().startswith("رشاش عيار 14.5")


def test_did_you_mean_a_common_spelling(fx):
    res = fx.search("تهجر")
    assert res.did_you_mean == "تهجير"
    assert fx.suggest("بالتهجر القلمون") == "بالتهجير القلمون"
    assert fx.search("تهجير").did_you_mean is None
    assert fx.suggest("النفط") is None
    assert res.to_dict()["did_you_mean"] == "تهجير"


def test_did_you_mean_prefers_the_typed_words_family(tmp_path):
    """تهجر is one edit from تهجير (root هجر) and from تحجر (root حجر); the
    family of the typed word wins even when the other one is more common."""
    rows = [{"id": f"h{i}", "title": f"الحجر الصحي رقم {i}",
             "body": f"تحجر الطين في الحجر والأحجار والحجارة قرب القرية {i}."} for i in range(12)]
    rows += [{"id": f"t{i}", "title": f"تهجير السكان {i}", "body": f"بدأ تهجير السكان من البلدة {i}."}
             for i in range(3)]
    src = tmp_path / "stones.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with Arshif(tmp_path / "home") as a:
        a.ingest([src])
        assert a.suggest("تهجر") == "تهجير"


def test_more_like_this(fx):
    res = fx.similar("n5")
    assert order(res)[0] == "n6"
    assert "n5" not in order(res)
    assert fx.similar("n1").hits[0].article.id in ("n2", "n3")
    with pytest.raises(ArshifError):
        fx.similar("nope")


def test_search_many_reads_ids_and_plain_lines(fx):
    out = list(fx.search_many(["تهجير", "q2\tالنفط", "", "# comment", ("q9", "أوبك")], limit=5))
    assert [qid for qid, _ in out] == ["1", "q2", "q9"]
    assert out[1][1].total == 2 and out[2][1].total == 2
    assert all(not r.messages or isinstance(r.messages, list) for _, r in out)
    fast = dict(fx.search_many(["تهجير"], snippets=False))
    assert fast["1"].hits and fast["1"].hits[0].snippet.fragments == []
    with pytest.raises(ArshifError):
        fx.search_many(["x"], mode="nope")


def test_results_json_shape(fx):
    d = fx.search("تهجير").to_dict()
    assert {"messages", "did_you_mean", "collapsed", "hits", "total"} <= set(d)
    assert {"also_in", "matched", "snippet", "highlights"} <= set(d["hits"][0])


# -- never raises ----------------------------------------------------------------
QUERY_CHARS = st.sampled_from(list('تهجيرالقمونأإآىةـًٌٍَُِّْ"«»“”()+-*?؟:و ') + ["AND", "OR", "NOT", "أو", "ليس",
                                                                               "source:", "date:", "جذر:", "..", "٢٠١٨"])
QUERIES = st.one_of(st.text(max_size=60), st.lists(QUERY_CHARS, max_size=25).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_no_query_raises_in_the_parser_and_compiler(q):
    parse(q)
    for mode in ("all", "exact", "stem", "root"):
        compile_query(q, mode)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_no_query_raises_in_search(fx, q):
    res = fx.search(q, facets=True)
    assert res.total >= len(res.hits)
    json.dumps(res.to_dict(), ensure_ascii=False)


def test_duplicates_collapse_into_one_hit_with_also_in(tmp_path):
    story = ("أعلنت وزارة الصحة اليوم تسجيل إصابات جديدة بالحمى في ثلاث محافظات جنوبية، وقالت إن الفرق "
             "الطبية وصلت إلى القرى المتضررة وبدأت حملة تطعيم واسعة تستمر أسبوعين، ودعت المواطنين إلى "
             "مراجعة المراكز الصحية عند ظهور الأعراض والالتزام بإرشادات النظافة العامة في المنازل والمدارس")
    rows = [
        {"id": "d1", "title": "الحمى في الجنوب", "source": "الجزيرة", "date": "2018-04-01", "body": story},
        {"id": "d2", "title": "الحمى تنتشر جنوبا", "source": "الحياة", "date": "2018-04-01",
         "body": story.replace("أسبوعين", "أسبوعا")},  # a near duplicate
        {"id": "d3", "title": "الحمى في الجنوب", "source": "Reuters", "date": "2018-04-02", "body": story},  # exact
        {"id": "d4", "title": "حملة تطعيم في الشمال", "source": "الحياة", "date": "2018-04-03",
         "body": "بدأت حملة تطعيم في محافظات الشمال ضد الحمى."},
    ]
    src = tmp_path / "dups.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with Arshif(tmp_path / "home") as a:
        a.ingest([src])
        res = a.search("الحمى")
        got = [h.article.id for h in res.hits]
        assert sorted(got) in (["d1", "d4"], ["d2", "d4"])
        top = next(h for h in res.hits if h.article.id in ("d1", "d2"))
        others = {d["id"] for d in top.also_in}
        assert others == {"d1", "d2", "d3"} - {top.article.id}
        assert res.collapsed >= 1
        assert top.to_dict()["also_in"]
        assert {h.article.id for h in a.search("الحمى", collapse=False).hits} == {"d1", "d2", "d4"}


def test_article_page_marks_wildcard_and_root_matches(fx):
    marked = fx.highlighted(fx.article("n1"), "تهج*")
    words = {s.text for frag in marked["body"].fragments for s in frag if s.kind}
    assert "تهجير" in words
    marked = fx.highlighted(fx.article("n2"), "جذر:هجر")
    kinds = {(s.text, s.kind) for frag in marked["body"].fragments for s in frag if s.kind}
    assert ("المهجرين", "root") in kinds and ("التهجير", "root") in kinds


TRICKY = [
    # diacritics, tatweel, hamza/ta marbuta variants, clitics, a stem and a root match
    "بدأت عمليةُ التَّهْجِير من القلمون. وقال شاهدٌ إن المـهـجـرين وصلوا؟ نعم، والتهجيرُ مستمر؛ هجرة أخرى…",
    # hashtags with underscores, punctuation stuck to words, brackets, a word inside a longer word
    "#تهجير_السكان (التهجير) «بتهجير» تهجيرهم،تهجير/تهجير-المهجرين هجرتهم… مستهجن تهجيرية",
    # numbers with dots, Latin, invisible joiners, line breaks, a very long sentence cut at its clauses
    "رشاش عيار 14.5 ملم\nفي التهجير\u200c القسري Tahjir.\n" + "، ".join(["جملة طويلة عن التهجير والمهجرين"] * 12),
    # no match at all, and an empty text
    "خبر عن الطقس والمطر في المدينة.",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("query", ["تهجير", "مهجرين", '"تهجير السكان"', "جذر:هجر", "تهجير عيار 14.5 Tahjir"])
def test_fast_marks_are_the_analyzers_tokens(text, query):
    """The highlighter's shortcut (chunks judged once, matched words located
    by search) marks exactly the tokens the analyzer finds and judges matched."""
    from index.analysis import analyzer
    from index.highlight import marks, match_kind
    m = compile_query(query).matches
    expected = [(t.start, t.end, k) for t in analyzer.tokens(text) if (k := match_kind(t, m))]
    assert marks(text, m) == expected
    assert marks(text, compile_query(query).matches) == expected  # a second query, judged afresh


def test_snippet_scores_only_fragments_with_matches_but_chooses_as_before():
    text = ("جملة أولى بلا شيء. ثم جملة عن التهجير. وهنا التهجير والمهجرين معا. "
            "وأخيرا جملة عن هجرة الطيور. ونهاية.")
    snip = snippet(text, compile_query("تهجير").matches)
    frags = ["".join(s.text for s in f) for f in snip.fragments]
    # the two best fragments (by distinct and stronger matches), in text order
    assert frags == ["ثم جملة عن التهجير.", "وهنا التهجير والمهجرين معا."]
    assert snip.matched == ["التهجير", "والمهجرين"]
    assert snippet("لا شيء هنا. ولا هنا.", compile_query("تهجير").matches).text() == "لا شيء هنا."


def test_did_you_mean_is_looked_for_only_where_it_can_help(fx):
    from index.suggest import FEW_RESULTS, SHORT_QUERY, may_help
    assert may_help(1, 0) and may_help(SHORT_QUERY, 10_000) and may_help(20, FEW_RESULTS - 1)
    assert not may_help(SHORT_QUERY + 1, FEW_RESULTS)
    # a short query with a typo gets its suggestion, whatever it finds
    assert fx.search("تهجر القلمون").did_you_mean == "تهجير القلمون"
    # a long question with a rare word and many results is left alone …
    long_q = "ما هي أخبار تهجر الأهالي والمهجرين واللاجئين من القلمون إلى ريف حلب والشمال"
    res = fx.search(long_q, limit=1)
    if res.total >= FEW_RESULTS:
        assert res.did_you_mean is None
    # … but asked for directly, the suggestion is still there
    assert "تهجير" in fx.suggest(long_q)


def test_a_process_that_keeps_searching_loads_the_saved_word_cache_once(tmp_path, monkeypatch):
    import index.api as api
    loaded = []
    monkeypatch.setattr(api, "load_words", loaded.append)
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps(ARTICLES[0], ensure_ascii=False), encoding="utf-8")
    with Arshif(tmp_path / "home") as a:
        a.ingest([src])
        a.search("تهجير")
        assert loaded == []  # a one-off search does without
        for _ in range(3):
            a.search("القلمون")
        assert loaded == [a.index_dir]


def test_the_chunk_index_stays_right_when_it_forgets(monkeypatch):
    """Past its size limit the process-wide chunk index starts afresh; marks
    stay exactly the analyzer's, whatever was learnt before."""
    from index import highlight, surfaces
    from index.analysis import analyzer
    from index.highlight import marks, match_kind
    small = surfaces.SurfaceIndex(max_chunks=7)
    monkeypatch.setattr(highlight, "surfaces", small)
    for query in ("تهجير", "مهجرين السكان", "جذر:هجر"):
        m = compile_query(query).matches
        for text in TRICKY * 2:
            expected = [(t.start, t.end, k) for t in analyzer.tokens(text) if (k := match_kind(t, m))]
            assert marks(text, m) == expected


def test_did_you_mean_is_remembered_until_the_index_changes(tmp_path, monkeypatch):
    import index.api as api
    calls = []
    real = api.did_you_mean
    monkeypatch.setattr(api, "did_you_mean", lambda *a: calls.append(a[0]) or real(*a))
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    with Arshif(tmp_path / "home") as a:
        a.ingest([src])
        assert a.search("تهجر").did_you_mean == "تهجير"
        assert a.search("تهجر", offset=1, sort="newest").did_you_mean == "تهجير"  # next page: remembered
        assert calls == ["تهجر"]
        more = tmp_path / "b.jsonl"
        more.write_text(json.dumps({"id": "x1", "title": "تهجر", "body": "تهجر تهجر"}, ensure_ascii=False),
                        encoding="utf-8")
        a.ingest([more])
        a.search("تهجر")
        assert calls == ["تهجر", "تهجر"]  # the index changed: looked for again


def test_marks_are_right_when_threads_highlight_different_queries_at_once():
    from concurrent.futures import ThreadPoolExecutor
    from index.analysis import analyzer
    from index.highlight import marks, match_kind
    queries = ["تهجير", "مهجرين", "جذر:هجر", "القلمون", "تهجير عيار 14.5 Tahjir"]
    texts = TRICKY + [a["body"] for a in ARTICLES] + [a["title"] for a in ARTICLES]

    def check(query):
        for _ in range(20):
            m = compile_query(query).matches
            for text in texts:
                want = [(t.start, t.end, k) for t in analyzer.tokens(text) if (k := match_kind(t, m))]
                if marks(text, m) != want:
                    return False
        return True

    with ThreadPoolExecutor(5) as pool:
        assert all(pool.map(check, queries * 2))


def test_word_edges_are_the_tokenizers_word_characters():
    # locate() tells a word's edge with str.isalnum and a set of joiners
    # (marks, tatweel, invisibles) instead of the regex: the same answer for
    # every character there is.
    from index.highlight import _JOINERS, WORD_CHAR
    differ = [c for c in map(chr, range(0x110000))
              if bool(WORD_CHAR.match(c)) != (c.isalnum() or c in _JOINERS)]
    assert differ == []


def test_did_you_mean_asks_the_engine_only_about_terms_some_word_has(fx):
    from index.suggest import Prefiltered, edits
    may_have = fx.forward.term_filter()
    assert may_have is not None
    asked = []

    class Counting:
        def doc_frequencies(self, field, terms):
            asked.extend(terms)
            return fx.engine.doc_frequencies(field, terms)

    for view, word in (("exact", "تهجر"), ("stem", "هجر")):
        terms = sorted(edits(word))
        counts = Prefiltered(Counting(), lambda: may_have).doc_frequencies(f"body_{view}", terms)
        assert counts == fx.engine.doc_frequencies(f"body_{view}", terms)
        assert any(counts)
    assert len(asked) < 0.2 * (len(edits("تهجر")) + len(edits("هجر")))


def test_did_you_mean_reads_the_word_filter_only_for_a_big_batch(fx):
    from index.suggest import PREFILTER_FROM, Prefiltered
    made = []

    def term_filter():
        made.append(1)
        return None  # cannot tell: every term is asked

    stats = Prefiltered(fx.engine, term_filter)
    assert stats.doc_frequencies("body_exact", ["تهجير"]) == fx.engine.doc_frequencies("body_exact", ["تهجير"])
    assert made == []
    many = ["تهجير", "مخيم"] + [f"كلمة{i}" for i in range(PREFILTER_FROM)]
    assert stats.doc_frequencies("body_exact", many) == fx.engine.doc_frequencies("body_exact", many)
    stats.doc_frequencies("body_stem", many)
    assert made == [1]
