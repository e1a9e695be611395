"""Metadata from unlabelled text, on the five real seeds and on written examples."""
from __future__ import annotations

import json

import pytest

from archive.dates import find_date, parse_date
from archive.sources import SourceAliases, find_source
from conftest import seed_title
from ingest_fixtures import paragraph, run, src, write_jsonl  # noqa: F401
from test_ingest_formats import articles


def test_seed_titles_are_their_first_lines(lib, seed_ids):
    for prefix, doc_id in seed_ids.items():
        assert lib.article(doc_id).title == seed_title(prefix)


def test_seed_001_date_from_its_byline(lib, seed_ids):
    # "فريق التحرير121 مايو 2018آخر تحديث :" – a comment count glued to the day
    assert lib.article(seed_ids["001"]).date == "2018-05-21"


def test_seed_sources(lib, seed_ids):
    assert lib.article(seed_ids["000"]).source == "الجزيرة"    # المصدر : الجزيرة
    assert lib.article(seed_ids["001"]).source == "حرية برس"   # dateline "حرية برس:"
    assert lib.article(seed_ids["002"]).source == "وكالات"     # "دمشق – وكالات:"
    assert lib.article(seed_ids["003"]).source is None
    assert lib.article(seed_ids["004"]).source is None


@pytest.mark.parametrize("text,iso", [
    ("21 مايو 2018", "2018-05-21"),
    ("19 نيسان/أبريل 2018", "2018-04-19"),
    ("الاثنين 21/5/2018", "2018-05-21"),
    ("٢١ مايو ٢٠١٨", "2018-05-21"),
    ("نشر في ٣ تشرين الأول ٢٠١٧", "2017-10-03"),
    ("5 كانون الثاني 2019", "2019-01-05"),
    ("14 شباط 2014", "2014-02-14"),
    ("1 أيار (مايو) 2018", "2018-05-01"),
    ("10 يونيه 2015", "2015-06-10"),
    ("12 جانفي 2017", "2017-01-12"),
    ("7 أفريل 2016", "2016-04-07"),
    ("2018-05-21 10:00", "2018-05-21"),
    ("منذ 19 أبريل الماضي", None),
    ("الاثنين 31/2/2018", None),
])
def test_arabic_dates(text, iso):
    assert parse_date(text) == iso


def test_date_is_read_from_byline_not_from_deep_in_the_body():
    body = "\n".join(["بيروت – وكالات:", paragraph(1)] * 5 + ["في 3 آب 2015 وقع الانفجار."] +
                     [paragraph(2)] * 4)
    assert find_date(body) is None
    assert find_date("كتب: محمد\nالاثنين 21/5/2018\n" + body) == "2018-05-21"


@pytest.mark.parametrize("body,source", [
    ("نص الخبر\n\nالمصدر : الجزيرة", "الجزيرة"),
    ("حرية برس:\n\nأعلنت القوات", "حرية برس"),
    ("دمشق – وكالات: قتل 86 مقاتلا", "وكالات"),
    ("بيروت (رويترز) - قال مسؤولون", "رويترز"),
    ("وقال المتحدث: إن الهجوم فشل", None),
    ("نص بلا مصدر", None),
])
def test_sources_from_text(body, source):
    assert find_source(body) == source


def test_alias_table_maps_spellings_to_one_name():
    a = SourceAliases()
    assert {a.canonical(s) for s in ("الجزيرة نت", "الجزيره", "Al Jazeera", "الجزيرة.نت")} \
        == {"الجزيرة"}
    assert a.canonical("Reuters") == a.canonical("رويترز") == "رويترز"
    assert a.canonical("صحيفة مجهولة") == "صحيفة مجهولة"


def test_explicit_field_wins_then_options_then_text(src, home):
    body = "دمشق – وكالات: الاثنين 21/5/2018\n" + paragraph(1)
    write_jsonl(src / "a.jsonl", [
        {"id": "e1", "title": "مع حقول", "body": body, "date": "2017-01-02", "source": "سانا"},
        {"id": "e2", "title": "بلا حقول", "body": body},
        {"id": "e3", "title": "تاريخ بالعربية", "body": paragraph(3), "date": "3 أيار 2018"},
    ])
    (src / "b.txt").write_text("خبر بلا تاريخ\n" + paragraph(4), encoding="utf-8")
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 0, r.output
    got = articles(home)
    assert (got["e1"].date, got["e1"].source) == ("2017-01-02", "سانا")
    assert (got["e2"].date, got["e2"].source) == ("2018-05-21", "وكالات")
    assert got["e3"].date == "2018-05-03"
    r = run(home, src / "b.txt", "--date", "٢١ مايو ٢٠١٨", "--source", "الجزيرة نت",
            "--category", "سياسة")
    assert r.exit_code == 0, r.output
    (b,) = [a for a in articles(home).values() if a.title == "خبر بلا تاريخ"]
    assert (b.date, b.source, b.category) == ("2018-05-21", "الجزيرة", "سياسة")


def test_bad_date_option_is_a_usage_error(src, home):
    (src / "b.txt").write_text("خبر\n" + paragraph(4), encoding="utf-8")
    r = run(home, src / "b.txt", "--date", "yesterday-ish")
    assert r.exit_code == 2 and "--date" in r.output


def test_aliases_file(src, home):
    aliases = src / "aliases.json"
    aliases.write_text(json.dumps({"حرية برس": ["حريه برس", "Horrya Press"]},
                                  ensure_ascii=False), encoding="utf-8")
    write_jsonl(src / "a.jsonl", [{"id": "h1", "title": "خبر", "body": paragraph(1),
                                   "source": "Horrya Press"}])
    r = run(home, src / "a.jsonl", "--aliases", aliases)
    assert r.exit_code == 0, r.output
    assert articles(home)["h1"].source == "حرية برس"
    aliases.write_text("[1, 2]", encoding="utf-8")
    r = run(home, src / "a.jsonl", "--aliases", aliases)
    assert r.exit_code == 2 and "--aliases" in r.output
