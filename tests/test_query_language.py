"""The query language (issue 5): every form, on the seeds and on a small fixture."""
from __future__ import annotations

import json

import pytest

from index.api import Arshif, ArshifError
from index.query import MAX_QUERY_CHARS, compile_query, parse
from index.query.parser import Group, Phrase, Word

ARTICLES = [
    {"id": "a1", "title": "تهجير سكان القلمون", "date": "2018-04-10", "source": "الجزيرة",
     "category": "سياسة",
     "body": "أعلن النظام بتهجير الأهالي من القلمون الشرقي. وقال أحد المهجرين إن الحافلات وصلت؟ "
             "نعم، وصلت صباحا إلى الشمال."},
    {"id": "a2", "title": "أوضاع المهجرين في الشمال", "date": "2018-05-02", "source": "الحياة",
     "category": "تقارير",
     "body": "يعيش المهجرين في مخيمات مؤقتة بعد الهجرة القسرية من بلداتهم."},
    {"id": "a3", "title": "قصف على مخيم اليرموك", "date": "2017-12-01", "source": "الجزيرة",
     "category": "تقارير",
     "body": "تعرض أطراف بمخيم اليرموك لقصف عنيف، واستمرت الاشتباكات قرب مدينة دمشق."},
    {"id": "a4", "title": "الاقتصاد المصري ينمو", "date": "2019-01-15", "source": "Reuters",
     "category": "اقتصاد",
     "body": "قال مصطفى مدبولي إن الاقتصاد نما بنسبة ٥ في المئة عام ٢٠١٨، وأشار إلى الأسد في التقرير."},
    {"id": "a5", "title": "اليرموك مخيم للاجئين", "date": "2016-03-03", "source": "الحياة",
     "category": "تاريخ",
     "body": "اليرموك مخيم فلسطيني قديم جنوب دمشق، وفيه مدارس كثيرة."},
]


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def fx(tmp_path_factory, request):
    d = tmp_path_factory.mktemp("qlang")
    src = d / "articles.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    a = Arshif(d / "home", engine=request.param)
    report = a.ingest([src])
    assert report.added == 5
    yield a
    a.close()


def ids(res) -> set[str]:
    return {h.article.id for h in res.hits}


def ranked(res) -> list[str]:
    return [h.article.id for h in res.hits]


# -- parser ------------------------------------------------------------------
def test_plain_words_are_one_ranked_group():
    p = parse("تهجير القلمون")
    assert p.node == Group(should=(Word("تهجير"), Word("القلمون")))
    assert not p.messages


@pytest.mark.parametrize("q", ['"مخيم اليرموك"', "«مخيم اليرموك»", "“مخيم اليرموك”"])
def test_phrases_in_every_kind_of_quotes(q):
    assert parse(q).node == Phrase(("مخيم", "اليرموك"))


def test_attached_waw_is_never_an_operator_but_standing_alone_it_is_and():
    assert parse("والتهجير").node == Word("والتهجير")
    assert parse("تهجير و القلمون").node == Group(must=(Word("تهجير"), Word("القلمون")))
    assert parse("تهجير أو نزوح").node == Group(should=(Word("تهجير"), Word("نزوح")))
    assert parse("تهجير او نزوح").node == Group(should=(Word("تهجير"), Word("نزوح")))
    assert parse("داعش ليس اليرموك").node == Group(should=(Word("داعش"),), must_not=(Word("اليرموك"),))


def test_latin_operators_and_precedence():
    assert parse("a OR b AND c").node == Group(should=(Word("a"), Group(must=(Word("b"), Word("c")))))
    assert parse("(a OR b) AND c").node == Group(must=(Group(should=(Word("a"), Word("b"))), Word("c")))
    assert parse("a NOT b").node == Group(should=(Word("a"),), must_not=(Word("b"),))
    assert parse("+a -b c").node == Group(must=(Word("a"),), should=(Word("c"),), must_not=(Word("b"),))
    assert parse("a -(b OR c)").node == Group(should=(Word("a"),), must_not=(Group(should=(Word("b"), Word("c"))),))


def test_operators_with_nothing_to_join_are_words_with_a_message():
    for q in ("AND", "و", "OR b", "a AND", "NOT"):
        p = parse(q)
        assert p.node is not None
        assert p.messages, q


def test_fields_filters_and_arabic_aliases():
    p = parse('مصدر:"الجزيرة نت" قسم:سياسة تاريخ:2018-04..2018-05 تهجير')
    assert p.filters == {"source": "الجزيرة نت", "category": "سياسة", "date": "2018-04..2018-05"}
    assert p.node == Word("تهجير")
    p = parse("source:Reuters category:اقتصاد since:2018 until:2019-02")
    assert p.filters == {"source": "Reuters", "category": "اقتصاد", "since": "2018", "until": "2019-02"}
    assert p.node is None


def test_colon_that_is_not_a_field_is_text():
    assert parse("الساعة 10:30").node == Group(should=(Word("الساعة"), Word("10:30")))


def test_wildcards_and_root_and_question_mark():
    assert parse("تهج*").node == Word("تهج*", "wildcard")
    assert parse("م؟يم").node == Word("م؟يم", "wildcard")
    assert parse("م?يم").node == Word("م?يم", "wildcard")
    assert parse("جذر:هجر").node == Word("هجر", "root")
    assert parse("root:هجر").node == Word("هجر", "root")
    # A question mark ending a word is punctuation.
    assert parse("من هو خاشقجي؟").node == Group(should=(Word("من"), Word("هو"), Word("خاشقجي؟")))


def test_unbalanced_parentheses_fall_back_with_a_message():
    for q in ("(تهجير", "تهجير)", "((((", ")(", "a) b (c"):
        p = parse(q)
        assert p.messages, q


def test_long_query_is_cut_with_a_message():
    p = parse("تهجير " * 1000)
    assert any(str(MAX_QUERY_CHARS) in m for m in p.messages)


# -- searching ---------------------------------------------------------------
def test_plain_word_ranks_exact_above_stem_above_root(fx):
    res = fx.search("تهجير")
    assert ranked(res)[0] == "a1"  # تهجير as typed (title) and بتهجير
    res = fx.search("المهجرين")
    order = ranked(res)
    assert set(order[:2]) == {"a1", "a2"}
    assert "a1" in order and "a2" in order


def test_modes_restrict_views(fx):
    assert ids(fx.search("هجرة", mode="exact")) == set()
    assert ids(fx.search("هجرة", mode="root")) >= {"a1", "a2"}
    assert ids(fx.search("بتهجير", mode="stem")) == {"a1"}
    with pytest.raises(ArshifError):
        fx.search("x", mode="roots")


def test_phrase_matches_on_stems_and_keeps_order(fx):
    res = fx.search('"مخيم اليرموك"')
    assert ids(res) == {"a3"}  # بمخيم اليرموك; a5 has اليرموك مخيم (reversed, far)
    assert "بمخيم" in res.hits[0].matched
    assert ids(fx.search("«مخيم اليرموك»")) == {"a3"}


def test_boolean_forms(fx):
    assert ids(fx.search("اليرموك -قصف")) == {"a5"}
    assert ids(fx.search("اليرموك ليس قصف")) == {"a5"}
    assert ids(fx.search("اليرموك NOT قصف")) == {"a5"}
    assert ids(fx.search("+الشمال +مؤقتة")) == {"a2"}
    assert ids(fx.search("الشمال و مؤقتة")) == {"a2"}
    assert ids(fx.search("الشمال AND مؤقتة")) == {"a2"}
    assert ids(fx.search("مدبولي أو مدارس")) == {"a4", "a5"}
    assert ids(fx.search("(مدبولي OR مدارس) AND دمشق")) == {"a5"}
    assert ids(fx.search("-اليرموك source:الجزيرة")) == {"a1"}
    assert ids(fx.search("اليرموك -(قصف OR مدارس)")) == set()
    assert ids(fx.search("اليرموك -(قصف AND عنيف)")) == {"a5"}


def test_filters_in_the_query_and_as_parameters(fx):
    assert ids(fx.search("اليرموك source:الجزيرة")) == {"a3"}
    assert ids(fx.search("اليرموك مصدر:الجزيرة")) == {"a3"}
    assert ids(fx.search("اليرموك", source="الحياة")) == {"a5"}
    # A parameter wins over the same filter in the query.
    assert ids(fx.search("اليرموك source:الجزيرة", source="الحياة")) == {"a5"}
    assert ids(fx.search("المهجرين category:تقارير")) == {"a2"}
    assert ids(fx.search("المهجرين قسم:سياسة")) == {"a1"}
    # A source typed without the taa marbuta still finds the archive's spelling.
    assert ids(fx.search("اليرموك مصدر:الجزيره")) == {"a3"}


def test_date_filters(fx):
    assert ids(fx.search("المهجرين date:2018-04")) == {"a1"}
    assert ids(fx.search("المهجرين date:2018-04..2018-05")) == {"a1", "a2"}
    assert ids(fx.search("المهجرين تاريخ:٢٠١٨-٠٥")) == {"a2"}
    assert ids(fx.search("اليرموك since:2017")) == {"a3"}
    assert ids(fx.search("اليرموك until:2016-12")) == {"a5"}
    assert ids(fx.search("اليرموك", since="2017-01", until="2018-12-31")) == {"a3"}
    assert ids(fx.search("source:الجزيرة")) == {"a1", "a3"}  # filters alone: all that pass
    res = fx.search("اليرموك date:2018-13")
    assert any("date" in m for m in res.messages) and ids(res) == {"a3", "a5"}
    with pytest.raises(ArshifError):
        fx.search("x", since="yesterday")


def test_prefix_and_single_letter_wildcards(fx):
    res = fx.search("تهج*")
    assert ids(res) == {"a1"}
    assert "بتهجير" in res.hits[0].matched or "تهجير" in res.hits[0].matched
    assert ids(fx.search("مخي*")) == {"a2", "a3", "a5"}  # مخيم، بمخيم (stem), مخيمات
    assert ids(fx.search("مد؟نة")) >= {"a3"}  # مدينة
    assert ids(fx.search("مد?نة")) >= {"a3"}
    res = fx.search("ت*")
    assert res.messages  # too short: searched as a word


def test_wildcard_expansion_is_capped(fx, monkeypatch):
    from index.query import compiler
    monkeypatch.setattr(compiler, "MAX_EXPANSIONS", 1)
    res = fx.search("ال*")
    assert any("most common" in m for m in res.messages)


def test_explicit_root_search(fx):
    res = fx.search("جذر:هجر")
    assert ids(res) == {"a1", "a2"}
    kinds = {k for h in res.hits for _, _, k in h.snippet.highlights()}
    assert kinds == {"root"}
    assert ids(fx.search("root:هجر")) == {"a1", "a2"}


@pytest.mark.parametrize("variant", ["الأسد", "الاسد", "الأَسَد", "الأســد"])
def test_hamza_diacritics_tatweel_variants_match_alike(fx, variant):
    assert ids(fx.search(variant)) == {"a4"}


@pytest.mark.parametrize("a,b", [("مدينة", "مدينه"), ("مصطفى", "مصطفي"), ("٢٠١٨", "2018"),
                                 ("تَهْجِير", "تهجير"), ("تهـــجير", "تهجير"), ("أوضاع", "اوضاع")])
def test_normalization_variants_give_the_same_results(fx, a, b):
    assert ranked(fx.search(a)) == ranked(fx.search(b))
    assert ranked(fx.search(a))


def test_unparseable_queries_still_search(fx):
    res = fx.search("(اليرموك")
    assert ids(res) == {"a3", "a5"} and res.messages
    res = fx.search("AND")
    assert res.messages


def test_query_forms_on_the_seeds(lib, seed_ids):
    assert {seed_ids["000"], seed_ids["004"]} == ids(lib.search("تهج*"))
    assert ids(lib.search('"مخيم اليرموك"')) >= {seed_ids["001"]}
    assert ids(lib.search("داعش -اليرموك")).isdisjoint(ids(lib.search("اليرموك")))
    assert ids(lib.search("جذر:هجر")) >= {seed_ids["000"], seed_ids["004"]}
    both = ids(lib.search("تهجير و القلمون"))
    assert both and both <= ids(lib.search("تهجير")) & ids(lib.search("القلمون"))


def test_compile_is_engine_independent_and_marks_terms():
    c = compile_query("بتهجير «مخيم اليرموك» -داعش")
    assert "بتهجير" in c.matches.exact and "تهجير" in c.matches.stem and "هجر" in c.matches.root
    assert "مخيم" in c.matches.stem
    assert "داعش" not in c.matches.exact  # excluded words are not highlighted


def test_title_field_searches_titles_only(fx):
    assert ids(fx.search("المهجرين")) >= {"a1", "a2"}
    assert ids(fx.search("title:المهجرين", mode="exact")) == {"a2"}
    assert ids(fx.search("عنوان:المهجرين", mode="exact")) == {"a2"}


def test_tiers_exact_then_stem_then_root_on_equal_articles(tmp_path):
    rows = [{"id": "root", "title": "خبر", "body": "قصة المهجرين من البلدة القديمة"},
            {"id": "stem", "title": "خبر", "body": "قصة بتهجير من البلدة القديمة"},
            {"id": "exact", "title": "خبر", "body": "قصة تهجير من البلدة القديمة"}]
    src = tmp_path / "tiers.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with Arshif(tmp_path / "home") as a:
        a.ingest([src])
        assert ranked(a.search("تهجير")) == ["exact", "stem", "root"]
        assert ranked(a.search("تهجير", mode="stem")) in (["exact", "stem"], ["stem", "exact"])
        assert ranked(a.search("تهجير", mode="exact")) == ["exact"]
        assert set(ranked(a.search("تهجير", mode="root"))) == {"exact", "stem", "root"}


def test_wildcards_per_query_are_capped(fx):
    from index.query.compiler import MAX_WILDCARDS
    q = " ".join(["مخي*"] * (MAX_WILDCARDS + 3))
    res = fx.search(q)
    assert ids(res) >= {"a3"}
    assert sum("wildcards are expanded" in m for m in res.messages) == 1


# -- stop words most articles have --------------------------------------------
def test_stop_words_most_articles_have_are_left_out_beside_other_words(fx):
    # في is in two of the five bodies, more than STOPWORD_MAX_SHARE (0.3): beside a
    # content word it would also match a2, and be marked in a4's snippet.
    res = fx.search("الاقتصاد في")
    assert ranked(res) == ["a4"] and res.total == 1
    assert res.hits[0].matched == ["الاقتصاد"]
    assert "في" not in compile_query("الاقتصاد في", lexicon=fx.engine).matches.exact
    # alone, or with only stop words, they are what the query asks for
    assert ids(fx.search("في")) == {"a2", "a4"}
    assert ids(fx.search("في من")) == {"a1", "a2", "a4"}


def test_rarer_stop_words_still_count(fx):
    # على is in no body (a3 has it in its title): kept, searched and marked
    assert "علي" in compile_query("مخيم على", lexicon=fx.engine).matches.exact
    a3 = next(h for h in fx.search("مخيم على").hits if h.article.id == "a3")
    assert "على" in a3.matched


class _Counts:
    """A lexicon that only knows document frequencies, and records what it was asked."""

    def __init__(self, articles: int, dfs: dict[str, int]):
        self.articles, self.dfs, self.asked = articles, dfs, []

    def terms(self, field, prefix=""):
        return []

    def doc_frequencies(self, field, terms):
        self.asked.append((field, tuple(terms)))
        return [self.dfs.get((field, t), self.dfs.get(t, 0)) for t in terms]

    def count(self):
        return self.articles


def test_stop_word_share_is_strictly_more_than_the_cap(monkeypatch):
    from index import ranking
    monkeypatch.setattr(ranking, "STOPWORD_MAX_SHARE", 0.3)
    lex = _Counts(10, {"في": 4, "من": 3})
    c = compile_query("الاقتصاد في من في", lexicon=lex)
    assert c.matches.exact == {"الاقتصاد", "من"}  # 4 of 10 is more than 0.3; 3 of 10 is not
    assert sorted(lex.asked) == [("body_exact", ("في",)), ("body_exact", ("من",))]  # once a word
    assert c.typed == ["الاقتصاد", "في", "من", "في"]  # did-you-mean still sees the whole query
    # with nothing to count on, every stop word is searched
    assert compile_query("الاقتصاد في من").matches.exact == {"الاقتصاد", "في", "من"}
    monkeypatch.setattr(ranking, "STOPWORD_MAX_SHARE", 1.0)
    assert compile_query("الاقتصاد في من", lexicon=lex).matches.exact == {"الاقتصاد", "في", "من"}


def test_in_a_long_query_roots_most_articles_share_are_not_searched(monkeypatch):
    from index import ranking
    monkeypatch.setattr(ranking, "ROOT_MAX_SHARE", 0.4)
    monkeypatch.setattr(ranking, "LONG_QUERY_WORDS", 3)
    lex = _Counts(10, {("body_root", "هجر"): 5, ("body_root", "سكن"): 4})
    long = compile_query("تهجير سكان القلمون", lexicon=lex)
    assert long.matches.root == {"سكن", "قلم"}  # 5 of 10 share هجر: more than 0.4
    assert long.matches.exact == {"تهجير", "سكان", "القلمون"}  # the word itself still counts
    assert "تهجير" in long.matches.stem
    # a short query keeps every tier (تهجير finds المهجرين), and so does a query whose
    # third word is a stop word, and the root mode, where the root is all there is
    assert compile_query("تهجير القلمون", lexicon=lex).matches.root == {"هجر", "قلم"}
    assert "هجر" in compile_query("تهجير في القلمون", lexicon=lex).matches.root
    assert "هجر" in compile_query("تهجير سكان القلمون", mode="root", lexicon=lex).matches.root
