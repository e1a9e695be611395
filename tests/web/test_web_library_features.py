"""Facets, did-you-mean, more like this and duplicates, as the pages and the API show them."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup


def soup(resp):
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def facet(page, name):
    return {li.select_one("a, strong").text: int(li.select_one(".n").text)
            for li in page.select(f".facet-{name} li")}


def test_result_facets_count_sources_categories_years_and_months(wc):
    page = soup(wc.get("/", query_string={"q": "تهجير"}))
    assert facet(page, "source") == {"الجزيرة": 1, "عنب بلدي": 1, "Reuters عربي": 1,
                                     "<script>alert('src')</script>": 1}
    assert facet(page, "category")["سياسة"] == 2
    assert facet(page, "year") == {"2018": 3, "2019": 1}
    assert facet(page, "month")["2018-05"] == 1
    assert list(facet(page, "year")) == ["2019", "2018"]  # newest first


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
    assert facet(page, "source")["الجزيرة"] == 2
    assert "10" in page.select_one(".intro").text
    link = next(a for a in page.select(".facet-source a") if a.text == "الجزيرة")["href"]
    browsed = soup(wc.get(link))  # a filter alone lists every article from the source
    assert browsed.select_one(".count .total").text == "2"


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
    assert d["source"]["الجزيرة"] == 1 and d["year"] == {"2018": 3, "2019": 1}
    whole = wc.get("/api/facets").get_json()
    assert whole["source"]["الجزيرة"] == 2 and sum(whole["year"].values()) == 5
    d = wc.get("/api/facets?q=تهجير&since=2019").get_json()
    assert d["year"] == {"2019": 1}
    assert wc.get("/api/facets?mode=bad").status_code == 400
