"""Facets, did-you-mean, more like this and duplicates, as the pages and the API show them."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup


def soup(resp):
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def facet(page, name):
    return {li.select_one("a, strong").text: int(li.select_one(".n").text)
            for li in page.select(f".facet-{name} li")}


def test_result_facets_count_sources_categories_years_and_months(wc, web_app):
    page = soup(wc.get("/", query_string={"q": "تهجير"}))
    expected = web_app.extensions["arshif"].facets("تهجير")
    for name in ("source", "category", "year", "month"):
        assert facet(page, name) == expected[name], name
    assert facet(page, "source")["عنب بلدي"] == 1 and facet(page, "source")["Reuters عربي"] == 1
    assert facet(page, "source")["<script>alert('src')</script>"] == 1  # shown as text
    assert facet(page, "year") == {"2018": 3, "2019": 1}
    assert list(facet(page, "year")) == ["2019", "2018"]  # newest first
    counts = list(facet(page, "source").values())
    assert counts == sorted(counts, reverse=True)  # most frequent source first


def test_facet_links_add_the_filter_and_keep_the_query(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير", "sort": "newest"}))
    link = next(a for a in page.select(".facet-source a") if a.text == "عنب بلدي")["href"]
    assert parse_qs(urlsplit(link).query) == {"q": ["تهجير"], "sort": ["newest"], "source": ["عنب بلدي"]}
    year = next(a for a in page.select(".facet-year a") if a.text == "2019")["href"]
    filtered = soup(wc.get(year))
    assert [h.select_one("time").text for h in filtered.select("li.hit")] == ["2019-01-10"]
    assert filtered.select_one(".facet-year strong").text == "2019"


def test_home_page_shows_the_whole_archive_to_browse(wc):
    page = soup(wc.get("/"))
    assert facet(page, "source")["عنب بلدي"] == 1 and facet(page, "year")["2017"] == 1
    assert "10" in page.select_one(".intro").text
    link = next(a for a in page.select(".facet-source a") if a.text == "الجزيرة")["href"]
    browsed = soup(wc.get(link))  # a filter alone lists every article from the source
    total = int(browsed.select_one(".count .total").text)
    assert total == facet(page, "source")["الجزيرة"] >= 2
    assert {b.text for b in browsed.select("li.hit bdi.source")} == {"الجزيرة"}


def test_did_you_mean_links_to_the_corrected_query(wc):
    page = soup(wc.get("/", query_string={"q": "تهجر", "source": "الجزيرة"}))
    link = page.select_one(".did-you-mean a")
    assert link.text == "تهجير"
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["تهجير"], "source": ["الجزيرة"]}
    assert wc.get("/api/search?q=تهجر").get_json()["did_you_mean"] == "تهجير"


def test_article_page_shows_more_like_this(wc):
    page = soup(wc.get("/articles/w-jaz-1"))
    similar = [urlsplit(a["href"]).path.rsplit("/", 1)[-1] for a in page.select(".similar li.hit h2 a")]
    assert similar and "w-jaz-1" not in similar and len(similar) <= 5
    for target in similar:
        assert wc.get(f"/articles/{target}").status_code == 200


def test_api_similar(wc):
    d = wc.get("/api/similar/w-jaz-1?size=3").get_json()
    ids = [h["id"] for h in d["hits"]]
    assert 0 < len(ids) <= 3 and "w-jaz-1" not in ids and d["total"] >= len(ids)
    page2 = wc.get("/api/similar/w-jaz-1?size=3&page=2").get_json()
    assert page2["offset"] == 3 and not set(ids) & {h["id"] for h in page2["hits"]}
    assert wc.get("/api/similar/nope").status_code == 404
    assert wc.get("/api/similar/%3Cx%3E").status_code == 400
    assert wc.get("/api/similar/w-jaz-1?size=0").get_json()["error"].startswith("size")


def test_api_facets(wc):
    d = wc.get("/api/facets?q=تهجير").get_json()
    assert set(d) >= {"source", "category", "year", "month"}
    assert d["source"]["عنب بلدي"] == 1 and d["year"] == {"2018": 3, "2019": 1}
    whole = wc.get("/api/facets").get_json()
    assert whole["source"]["الجزيرة"] > d["source"]["الجزيرة"]  # w-jaz-2 is about oil
    assert whole["year"]["2017"] == 1
    d = wc.get("/api/facets?q=تهجير&since=2019").get_json()
    assert d["year"] == {"2019": 1}
    assert wc.get("/api/facets?mode=bad").status_code == 400
def test_duplicates_are_collapsed_with_also_in(tmp_path):
    from index.api import Arshif
    from web import create_app
    body = "نص طويل عن تهجير سكان القلمون الشرقي إلى الشمال السوري وقد وصل آلاف المهجرين إلى إدلب."
    src = tmp_path / "d.jsonl"
    src.write_text(
        f'{{"id": "d1", "title": "تهجير القلمون", "body": "{body}", "source": "الجزيرة", "date": "2018-04-20"}}\n'
        f'{{"id": "d2", "title": "تهجير القلمون", "body": "{body}", "source": "عنب بلدي", "date": "2018-04-21"}}\n',
        encoding="utf-8")
    with Arshif(tmp_path / "h") as a:
        a.ingest([src])
    c = create_app({"ARSHIF_HOME": str(tmp_path / "h"), "TESTING": True}).test_client()
    d = c.get("/api/search?q=تهجير").get_json()
    assert len(d["hits"]) == 1
    other = d["hits"][0]["also_in"][0]
    assert {d["hits"][0]["id"], other["id"]} == {"d1", "d2"}
    page = soup(c.get("/?q=تهجير"))
    also = page.select_one("li.hit .also-in a")
    assert also.select_one("bdi").text == other["source"]
    assert urlsplit(also["href"]).path == f"/articles/{other['id']}"
    assert c.get(also["href"]).status_code == 200
