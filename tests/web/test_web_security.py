"""Escaping, security headers, request limits, CORS, and no 500 for any input."""
from __future__ import annotations

import json
import string

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings, strategies as st

HOSTILE = ("<script", "<img", "onerror=", "<b>", "<i>")


def assert_inert(html: str):
    page = BeautifulSoup(html, "html.parser")
    assert not page.select("main script, main img, main b, main i")
    for tag in page.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs), tag
        for attr in ("href", "src", "action"):
            assert not str(tag.get(attr, "")).lower().startswith("javascript:"), tag


def test_hostile_article_is_shown_as_text_in_results(wc):
    r = wc.get("/", query_string={"q": "تهجير", "source": "<script>alert('src')</script>"})
    html = r.get_data(as_text=True)
    assert_inert(html)
    page = BeautifulSoup(html, "html.parser")
    hit = page.select_one("li.hit")
    assert '"><img src=x onerror=alert(1)>' in hit.select_one("h2").text
    assert hit.select_one("bdi.source").text == "<script>alert('src')</script>"
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_hostile_article_page_is_inert_and_drops_javascript_urls(wc):
    for q in ("", "تهجير", "script", "img onerror"):
        r = wc.get("/articles/w-xss-1", query_string={"q": q} if q else None)
        assert r.status_code == 200
        html = r.get_data(as_text=True)
        assert_inert(html)
        page = BeautifulSoup(html, "html.parser")
        assert "<script>alert('body')</script>" in page.select_one(".body").text
        assert not page.select_one("a.original")
        assert "javascript:alert(3)" in page.select_one("dl.meta").text  # shown, not linked


def test_hostile_query_is_escaped_everywhere(wc):
    q = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for url in ("/", "/embed", "/articles/w-jaz-1"):
        html = wc.get(url, query_string={"q": q}).get_data(as_text=True)
        assert_inert(html)
        assert "<script>alert(1)" not in html
    feed = wc.get("/feed", query_string={"q": q}).get_data(as_text=True)
    assert "<script>" not in feed
    d = wc.get("/api/search", query_string={"q": q}).get_json()
    assert d["query"] == q


def test_hostile_snippets_in_the_api_are_escaped_html(wc):
    d = wc.get("/api/search?q=تهجير&source=" + "<script>alert('src')</script>").get_json()
    hit = d["hits"][0]
    assert "<script" not in hit["snippet"] and "<img" not in hit["snippet"]
    assert "<script" not in hit["title_html"] and "&lt;script&gt;" in hit["title_html"]
    body = wc.get("/api/articles/w-xss-1?q=تهجير").get_json()["body_html"]
    assert "<script" not in body and "&lt;script&gt;" in body and '<mark class="' in body


def test_security_headers_on_pages_api_and_errors(wc):
    for url in ("/", "/?q=تهجير", "/articles/w-jaz-1", "/api/search?q=x", "/api/nothing", "/nothing",
                "/static/style.css"):
        h = wc.get(url).headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["X-Frame-Options"] == "SAMEORIGIN"
        assert h["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(wc):
    for url in ("/", "/?q=تهجير&size=2", "/articles/w-jaz-1?q=تهجير", "/embed?q=تهجير", "/nothing"):
        page = BeautifulSoup(wc.get(url).get_data(as_text=True), "html.parser")
        for s in page.find_all("script"):
            assert s.get("src") and not s.string, url
        assert not page.find_all("style") and not page.select("[style]"), url


def test_request_size_limit(wc):
    r = wc.post("/api/search", data=b"x" * (2 << 20), content_type="application/octet-stream")
    assert r.status_code in (405, 413)
    assert wc.get("/?q=" + "ت" * 5000).status_code == 400


def test_cors_is_closed_by_default(wc):
    r = wc.get("/api/search?q=x", headers={"Origin": "https://intranet.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    assert "Origin" in r.headers.get("Vary", "")


def test_cors_allows_only_configured_origins(web_home):
    from web import create_app
    c = create_app({"ARSHIF_HOME": str(web_home),
                    "CORS_ORIGINS": "https://intranet.example, http://localhost:9000"}).test_client()
    ok = c.get("/api/search?q=تهجير", headers={"Origin": "https://intranet.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://intranet.example"
    pre = c.options("/api/search", headers={"Origin": "http://localhost:9000",
                                            "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Origin"] == "http://localhost:9000"
    assert "GET" in pre.headers["Access-Control-Allow-Methods"]
    bad = c.get("/api/search?q=x", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in bad.headers
    page = c.get("/?q=x", headers={"Origin": "https://intranet.example"})
    assert "Access-Control-Allow-Origin" not in page.headers  # only the API is shared
    embed = c.get("/embed?q=x")
    assert "frame-ancestors 'self' https://intranet.example http://localhost:9000" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers


def test_bad_config_is_a_clear_error(web_home):
    import pytest

    from index.api import ArshifError
    from web import create_app
    for cfg, word in (({"CORS_ORIGINS": "intranet.example"}, "CORS"), ({"PREFIX": "/a b"}, "prefix"),
                      ({"INGEST_TOKEN": "short"}, "INGEST_TOKEN"), ({"TRUSTED_PROXIES": "x"}, "TRUSTED_PROXIES")):
        with pytest.raises(ArshifError, match=word):
            create_app({"ARSHIF_HOME": str(web_home), **cfg})


ROUTES = ["/", "/embed", "/feed", "/export.csv", "/export.jsonl", "/api/search", "/api/stats",
          "/articles/w-jaz-1", "/api/articles/w-jaz-1", "/opensearch.xml", "/api/openapi.json"]
PARAMS = ["q", "mode", "source", "category", "since", "until", "sort", "page", "size", "limit"]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
interesting = st.sampled_from(["", "0", "-1", "1001", "99999999999999999999", "2018", "2018-02-30",
                               "2018-5", "9999-99", "all", "root", "newest", "تهجير", '"', "«", "(",
                               "+-", "*", "؟", "%", "\\", "\x00", "<script>", "NaN", "1e3", " "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES),
       params=st.dictionaries(st.sampled_from(PARAMS), st.one_of(text, interesting), max_size=5))
def test_no_input_gives_a_server_error(wc, route, params):
    r = wc.get(route, query_string=params)
    assert r.status_code < 500, (route, params, r.get_data(as_text=True)[:300])
    if route.startswith("/api/") and r.status_code >= 400:
        assert json.loads(r.get_data(as_text=True))["error"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article_id=st.text(alphabet=string.printable + "تهجير٠١", min_size=1, max_size=60))
def test_no_article_id_gives_a_server_error(wc, article_id):
    from urllib.parse import quote
    for prefix in ("/articles/", "/api/articles/"):
        r = wc.get(prefix + quote(article_id, safe=""))
        assert r.status_code in (200, 308, 400, 404), (article_id, r.status_code)
