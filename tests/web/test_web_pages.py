"""The HTML pages: search, filters, sort, pagination, article, export, empty archive."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup


def soup(resp):
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def hit_ids(page):
    return [urlsplit(a["href"]).path.rsplit("/", 1)[-1] for a in page.select("li.hit h2 a")]


def test_home_page_is_rtl_arabic_with_a_search_box(wc):
    r = wc.get("/")
    assert r.status_code == 200
    page = soup(r)
    assert page.html["dir"] == "rtl" and page.html["lang"] == "ar"
    box = page.select_one("form#s input[name=q]")
    assert box is not None and box["dir"] == "auto"
    assert page.select_one('link[rel=search][type="application/opensearchdescription+xml"]')
    assert not page.select("li.hit")


def test_search_shows_highlighted_hits_with_count_and_time(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير"}))
    assert page.select_one(".count .total").text == "6"
    assert re.search(r"\(\d+ ms\)", page.select_one(".count").text)
    assert "6 نتائج" in page.select_one(".count").text  # Arabic number agreement
    hits = page.select("li.hit")
    assert len(hits) == 6
    for h in hits:
        if "w-xss-1" in h.select_one("h2 a")["href"]:
            continue  # mostly Latin markup: left to right
        assert h.select_one("h2")["dir"] == "rtl"  # Arabic titles, even "Syria talks: مفاوضات …"
        assert h.select_one(".snippet")["dir"] == "rtl"
    marks = page.select(".snippet mark")
    assert {"exact", "stem"} <= {c for m in marks for c in m["class"]}
    assert any(m.text == "تهجير" and "exact" in m["class"] for m in marks)
    assert any(m.text == "المهجرين" for m in marks)
    jaz = next(h for h in hits if "w-jaz-1" in h.select_one("h2 a")["href"])
    assert jaz.select_one("bdi.source").text == "الجزيرة"
    assert jaz.select_one("time").text == "2018-04-20"
    # the link to the article keeps the query so it can highlight it
    assert parse_qs(urlsplit(jaz.select_one("h2 a")["href"]).query)["q"] == ["تهجير"]


def test_source_category_and_date_filters(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير", "source": "الجزيرة"}))
    ids = hit_ids(page)  # w-jaz-1 and seed 000 (its "المصدر : الجزيرة" line)
    assert "w-jaz-1" in ids and len(ids) == 2
    assert "الجزيرة" in page.select_one(".active-filters").text
    page = soup(wc.get("/", query_string={"q": "تهجير", "category": "مجتمع"}))
    assert hit_ids(page) == ["w-enab-1"]
    page = soup(wc.get("/", query_string={"q": "تهجير", "since": "2018-05-01", "until": "2018-12-31"}))
    assert sorted(hit_ids(page)) == ["w-enab-1", "w-xss-1"]
    assert page.select_one("#f-since")["value"] == "2018-05-01"
    assert page.select_one("#f-since")["type"] == "date"
    page = soup(wc.get("/", query_string={"q": "تهجير", "since": "2019"}))
    assert hit_ids(page) == ["w-reut-1"]
    assert page.select_one("#f-since")["type"] == "text"  # a year stays in the form as typed


def test_filter_chip_removes_its_filter_and_keeps_the_rest(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير", "source": "الجزيرة", "mode": "stem"}))
    chip = page.select_one(".active-filters a.chip")
    qs = parse_qs(urlsplit(chip["href"]).query)
    assert qs == {"q": ["تهجير"], "mode": ["stem"]}


def test_sort_newest_and_oldest(wc):
    dates = lambda p: [t.text for t in p.select("li.hit time")]
    newest = dates(soup(wc.get("/", query_string={"q": "تهجير", "sort": "newest"})))
    assert newest == sorted(newest, reverse=True) and newest[0] == "2019-01-10"
    oldest = soup(wc.get("/", query_string={"q": "تهجير", "sort": "oldest"}))
    assert dates(oldest)[0] == "2018-04-20"
    # the current sort is marked, the others are links keeping the query
    assert oldest.select_one(".sort strong").text == "الأقدم"
    links = {a.text: parse_qs(urlsplit(a["href"]).query) for a in oldest.select(".sort a")}
    assert links["الأحدث"] == {"q": ["تهجير"], "sort": ["newest"]}
    assert links["الأكثر صلة"] == {"q": ["تهجير"]}


def test_pagination_links_and_pages(wc):
    first = soup(wc.get("/", query_string={"q": "تهجير", "size": 2}))
    assert len(first.select("li.hit")) == 2
    nav = first.select_one("nav.pages")
    assert nav.select_one("strong[aria-current=page]").text == "1"
    nxt = nav.select_one("a[rel=next]")["href"]
    assert parse_qs(urlsplit(nxt).query) == {"q": ["تهجير"], "size": ["2"], "page": ["2"]}
    second = soup(wc.get(nxt))
    assert second.select_one("ol.hits")["start"] == "3"
    assert not set(hit_ids(first)) & set(hit_ids(second))
    last = soup(wc.get("/", query_string={"q": "تهجير", "size": 2, "page": 3}))
    assert last.select_one("nav.pages a[rel=prev]") and not last.select_one("nav.pages a[rel=next]")


def test_mode_select_reflects_the_url(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير", "mode": "root"}))
    assert page.select_one("select[name=mode] option[selected]")["value"] == "root"


def test_no_results_suggests_root_mode_and_dropping_filters(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير", "source": "لا يوجد", "mode": "exact"}))
    box = page.select_one(".no-results")
    assert box and "لا توجد نتائج" in box.text
    hrefs = [parse_qs(urlsplit(a["href"]).query) for a in box.select("a")]
    assert {"q": ["تهجير"], "mode": ["root"], "source": ["لا يوجد"]} in hrefs
    assert {"q": ["تهجير"], "mode": ["exact"]} in hrefs


def test_query_without_searchable_words_says_so(wc):
    page = soup(wc.get("/", query_string={"q": "؟!"}))
    assert page.select_one(".message") is not None


def test_empty_archive_explains_how_to_ingest(empty_client):
    for url in ("/", "/?q=تهجير"):
        r = empty_client.get(url)
        assert r.status_code == 200
        box = soup(r).select_one(".empty-archive")
        assert box and "arshif ingest" in box.text


def test_article_page_highlights_and_jumps_to_first_match(wc):
    r = wc.get("/articles/w-jaz-1", query_string={"q": "تهجير"})
    assert r.status_code == 200
    page = soup(r)
    assert page.select_one("h1 mark").text == "تهجير"
    first = page.select_one(".body mark#first-match")
    assert first is not None and first.text == "تهجير"
    assert len(page.select("#first-match")) == 1
    assert page.select_one('a[href="#first-match"]')
    assert {m.text for m in page.select(".body mark")} >= {"تهجير", "المهجرين", "التهجير"}
    meta = page.select_one("dl.meta").text
    assert "الجزيرة" in meta and "2018-04-20" in meta and "سياسة" in meta and "w-jaz-1" in meta
    orig = page.select_one("a.original")
    assert orig["href"] == "https://example.org/jazeera/qalamoun" and "noopener" in orig["rel"]
    back = page.select_one(".back a")["href"]
    assert parse_qs(urlsplit(back).query) == {"q": ["تهجير"]}


def test_text_direction_follows_most_letters_not_the_first():
    from web.views import text_dir
    assert text_dir("Officials met in Geneva. ناقش المفاوضون عودة المهجرين بعد سنوات") == "rtl"
    assert text_dir("The UN said on Monday that talks would resume, مصدر") == "ltr"
    assert text_dir("2018-05-21 …") == "auto"


def test_article_text_is_in_paragraphs_each_with_a_direction(wc):
    for q in ("", "تهجير"):
        page = soup(wc.get("/articles/w-jaz-1", query_string={"q": q} if q else None))
        paras = page.select(".body p")
        assert len(paras) == 2 and all(p["dir"] == "rtl" for p in paras)
        assert paras[1].text.startswith("وأكد ناشطون")


def test_article_page_without_query_shows_plain_text(wc, web_home):
    page = soup(wc.get("/articles/w-enab-1"))
    assert not page.select(".article mark") and "مخيم اليرموك" in page.select_one(".body").text


def test_article_page_lists_versions(tmp_path):
    from index.api import Arshif
    from web import create_app
    home = tmp_path / "h"
    first, second = tmp_path / "v1.jsonl", tmp_path / "v2.jsonl"
    first.write_text('{"id": "v1", "title": "عنوان أول", "body": "نص عن التهجير"}\n', encoding="utf-8")
    second.write_text('{"id": "v1", "title": "عنوان معدل", "body": "نص معدل عن التهجير"}\n', encoding="utf-8")
    with Arshif(home) as a:
        a.ingest([first])
        a.ingest([second])
    c = create_app({"ARSHIF_HOME": str(home), "TESTING": True}).test_client()
    page = soup(c.get("/articles/v1"))
    items = [li.text for li in page.select(".versions li")]
    assert len(items) == 2 and "عنوان أول" in items[0] and "عنوان معدل" in items[1]
    data = c.get("/api/articles/v1").get_json()
    assert [v["title"] for v in data["versions"]] == ["عنوان أول", "عنوان معدل"]


def test_unknown_and_invalid_article_ids(wc):
    assert wc.get("/articles/nope").status_code == 404
    r = wc.get("/articles/" + "x" * 500)
    assert r.status_code == 400 and "id" in r.get_data(as_text=True)
    assert wc.get("/articles/a%20b").status_code == 400


def test_export_csv(wc):
    r = wc.get("/export.csv", query_string={"q": "تهجير", "source": "الجزيرة"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert "w-jaz-1" in [x["id"] for x in rows] and len(rows) == 2  # + seed 000 (الجزيرة)
    assert {x["source"] for x in rows} == {"الجزيرة"} and [x["rank"] for x in rows] == ["1", "2"]
    assert all("تهجير" in x["matched"] for x in rows)


def test_export_jsonl_covers_the_whole_result_set_not_one_page(wc):
    r = wc.get("/export.jsonl", query_string={"q": "تهجير", "page": 2, "size": 2})
    assert r.status_code == 200
    lines = [json.loads(l) for l in r.get_data(as_text=True).splitlines()]
    assert len(lines) == 6 and [l["rank"] for l in lines] == list(range(1, 7))
    assert set(lines[0]) >= {"id", "title", "date", "source", "url", "score", "matched", "snippet"}


def test_export_links_on_the_results_page_keep_the_filters(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير", "source": "الجزيرة", "page": 1}))
    hrefs = [a["href"] for a in page.select("nav.export a")]
    assert any(h.startswith("/export.csv?") for h in hrefs)
    csv_link = next(h for h in hrefs if h.startswith("/export.csv"))
    assert parse_qs(urlsplit(csv_link).query) == {"q": ["تهجير"], "source": ["الجزيرة"]}


def test_export_guards_spreadsheet_formulas(tmp_path):
    from index.api import Arshif
    from web import create_app
    home = tmp_path / "h"
    src = tmp_path / "f.jsonl"
    src.write_text('{"id": "f1", "title": "=HYPERLINK(\\"http://x\\") تهجير", "body": "التهجير", "source": "@evil"}\n',
                   encoding="utf-8")
    with Arshif(home) as a:
        a.ingest([src])
    c = create_app({"ARSHIF_HOME": str(home), "TESTING": True}).test_client()
    row = next(csv.DictReader(io.StringIO(c.get("/export.csv?q=تهجير").get_data(as_text=True)[1:])))
    assert row["title"].startswith("'=") and row["source"] == "'@evil"


def test_export_errors(wc):
    assert wc.get("/export.csv").status_code == 400
    assert wc.get("/export.xml?q=x").status_code == 404
    r = wc.get("/export.jsonl?q=x&limit=5000")
    assert r.status_code == 400 and r.get_json()["error"].startswith("limit")
    lines = wc.get("/export.jsonl?q=تهجير&limit=2").get_data(as_text=True).splitlines()
    assert len(lines) == 2
