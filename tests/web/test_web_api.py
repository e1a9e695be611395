"""The JSON API: every route and parameter, the OpenAPI document, JSON errors."""
from __future__ import annotations

import pytest


def test_search_parameters(wc):
    d = wc.get("/api/search", query_string={"q": "تهجير"}).get_json()
    assert d["total"] == 6 and d["mode"] == "all" and d["sort"] == "relevance"
    assert d["limit"] == 10 and d["offset"] == 0
    # seed 000 is from الجزيرة too (its "المصدر : الجزيرة" line)
    jaz = wc.get("/api/search?q=تهجير&source=الجزيرة").get_json()["hits"]
    assert "w-jaz-1" in [h["id"] for h in jaz] and {h["source"] for h in jaz} == {"الجزيرة"}
    assert len(jaz) == 2
    assert [h["id"] for h in wc.get("/api/search?q=تهجير&category=مجتمع").get_json()["hits"]] == ["w-enab-1"]
    d = wc.get("/api/search?q=تهجير&since=2018-05&until=2018-06-30").get_json()
    assert sorted(h["id"] for h in d["hits"]) == ["w-enab-1", "w-xss-1"]
    d = wc.get("/api/search?q=تهجير&sort=oldest").get_json()
    assert d["sort"] == "oldest" and [h["date"] for h in d["hits"] if h["date"]][0] == "2018-04-20"
    d = wc.get("/api/search?q=تهجير&size=2&page=2").get_json()
    assert d["offset"] == 2 and d["limit"] == 2 and len(d["hits"]) == 2
    exact = wc.get("/api/search?q=تهجير&mode=exact").get_json()
    root = wc.get("/api/search?q=تهجير&mode=root").get_json()
    assert exact["mode"] == "exact" and root["total"] >= exact["total"]


def test_search_hit_shape_and_highlights(wc):
    hit = wc.get("/api/search?q=تهجير&source=الجزيرة").get_json()["hits"][0]
    assert set(hit) >= {"id", "title", "date", "source", "url", "category", "score", "snippet",
                        "snippet_text", "highlights", "title_html", "matched"}
    for start, end, kind in hit["highlights"]:
        assert kind in ("exact", "stem", "root")
        assert hit["snippet_text"][start:end] in hit["matched"]


@pytest.mark.parametrize("query, param", [
    ({"size": "0"}, "size"), ({"size": "101"}, "size"), ({"size": "ten"}, "size"),
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "1001"}, "page"),
    ({"mode": "fuzzy"}, "mode"), ({"sort": "random"}, "sort"),
    ({"since": "yesterday"}, "since"), ({"until": "2018/05/01"}, "until"),
    ({"since": "2018-13"}, "since"), ({"q": "x" * 1001}, "q"), ({"source": "s" * 201}, "source"),
    ({"q": "تهجير\x00"}, "q"),
])
def test_bad_search_parameters_are_json_400_naming_the_parameter(wc, query, param):
    r = wc.get("/api/search", query_string={"q": "تهجير", **query})
    assert r.status_code == 400, r.get_data(as_text=True)
    d = r.get_json()
    assert d["status"] == 400 and d["error"].startswith(param)


def test_article(wc):
    d = wc.get("/api/articles/w-jaz-1").get_json()
    assert d["id"] == "w-jaz-1" and d["source"] == "الجزيرة" and d["date"] == "2018-04-20"
    assert "body_html" not in d and len(d["versions"]) == 1
    d = wc.get("/api/articles/w-jaz-1?q=تهجير").get_json()
    assert '<mark class="exact">تهجير</mark>' in d["body_html"]
    d = wc.get("/api/articles/w-jaz-1?q=تهجير&mode=root").get_json()
    assert "<mark" in d["body_html"]


def test_article_errors(wc):
    r = wc.get("/api/articles/missing")
    assert r.status_code == 404 and "missing" in r.get_json()["error"]
    r = wc.get("/api/articles/" + "%3Cscript%3E")
    assert r.status_code == 400 and r.get_json()["error"].startswith("id")
    assert wc.get("/api/articles/w-jaz-1?mode=zzz").status_code == 400


def test_stats_hide_the_server_path(wc):
    d = wc.get("/api/stats").get_json()
    assert d["articles"] == 10 and d["indexed"] == 10 and "home" not in d
    assert d["first_date"] == "2017-11-05" and d["last_date"] == "2019-01-10"


def test_unknown_routes_and_methods_are_json(wc):
    r = wc.get("/api/nothing")
    assert r.status_code == 404 and r.get_json() == {"error": "not found", "status": 404}
    r = wc.post("/api/search")
    assert r.status_code == 405 and r.get_json()["status"] == 405
    r = wc.post("/api/ingest", data={"file": "x"})
    assert r.status_code in (404, 405)  # read-only by default


def test_openapi_document_lists_every_api_route_and_each_answers(wc, web_app):
    doc = wc.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and doc["info"]["title"]
    api_rules = {r.rule.replace("<article_id>", "{id}") for r in web_app.url_map.iter_rules()
                 if r.rule.startswith("/api/") and "GET" in r.methods and r.endpoint != "api.openapi"}
    assert api_rules <= set(doc["paths"])
    for path, ops in doc["paths"].items():
        url = path.replace("{id}", "w-jaz-1")
        r = wc.get(url, query_string={"q": "تهجير"} if "search" in path else None)
        assert r.status_code == 200, path
        for p in ops["get"].get("parameters", []):
            assert p["description"] and p["schema"]
    names = [p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]]
    assert names == ["q", "mode", "source", "category", "since", "until", "sort", "page", "size"]


def test_openapi_servers_follow_the_prefix(tmp_path, web_home):
    from web import create_app
    c = create_app({"ARSHIF_HOME": str(web_home), "PREFIX": "/archive"}).test_client()
    assert c.get("/archive/api/openapi.json").get_json()["servers"] == [{"url": "/archive"}]


def test_api_equals_cli_json_with_filters(wc, web_home):
    import json

    from click.testing import CliRunner

    from cli import main
    cli = CliRunner().invoke(main, ["--home", str(web_home), "search", "تهجير", "--json",
                                    "--source", "الجزيرة", "--sort", "newest"])
    api = wc.get("/api/search?q=تهجير&source=الجزيرة&sort=newest").get_json()
    a = json.loads(cli.output)
    a.pop("took_ms"), api.pop("took_ms")
    assert a == api


def test_count_is_the_number_of_articles(web_app):
    lib = web_app.extensions["arshif"]
    assert lib.count() == lib.stats()["articles"] == 10
