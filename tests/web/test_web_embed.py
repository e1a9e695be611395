"""Embedding: prefix mounting, proxies, widget, iframe page, OpenSearch, Atom, upload ingest."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

ATOM = "{http://www.w3.org/2005/Atom}"
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture
def prefixed(web_home):
    from web import create_app
    return create_app({"ARSHIF_HOME": str(web_home), "PREFIX": "/archive/"}).test_client()


def test_prefix_mounts_every_route_and_link(prefixed):
    r = prefixed.get("/archive/", query_string={"q": "تهجير", "size": 2})
    assert r.status_code == 200
    page = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert page.select_one("form#s")["action"] == "/archive/"
    assert page.select_one("link[rel=stylesheet]")["href"].startswith("/archive/static/")
    links = [a["href"] for a in page.select("a[href]")]
    assert links and all(h.startswith(("/archive/", "#")) for h in links), links
    for href in links:
        assert prefixed.get(href).status_code == 200, href
    assert prefixed.get("/archive/api/search?q=تهجير").get_json()["total"] == 6
    assert prefixed.get("/archive/static/style.css").status_code == 200
    assert prefixed.get("/archive/widget.js").status_code == 200


def test_prefix_redirects_the_root_and_hides_the_rest(prefixed):
    r = prefixed.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/archive/")
    assert prefixed.get("/api/search?q=x").status_code == 404
    assert prefixed.get("/archivex/").status_code == 404


def test_forwarded_prefix_from_a_trusted_proxy(web_home):
    from web import create_app
    trusted = create_app({"ARSHIF_HOME": str(web_home), "TRUSTED_PROXIES": 1}).test_client()
    r = trusted.get("/?q=تهجير", headers={"X-Forwarded-Prefix": "/archive", "X-Forwarded-Host": "intranet.example",
                                          "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.5"})
    page = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert page.select_one("form#s")["action"] == "/archive/"
    xml = trusted.get("/opensearch.xml", headers={"X-Forwarded-Prefix": "/archive", "X-Forwarded-Host": "intranet.example",
                                                  "X-Forwarded-Proto": "https"}).get_data(as_text=True)
    assert 'template="https://intranet.example/archive/?q={searchTerms}"' in xml


def test_forwarded_headers_are_ignored_by_default(wc):
    r = wc.get("/?q=x", headers={"X-Forwarded-Prefix": "/evil"})
    assert BeautifulSoup(r.get_data(as_text=True), "html.parser").select_one("form#s")["action"] == "/"


def test_widget_script_and_styles_load_from_any_page(wc):
    js = wc.get("/widget.js")
    assert js.status_code == 200 and js.mimetype == "text/javascript"
    assert js.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    text = js.get_data(as_text=True)
    assert "api/search" in text and "attachShadow" in text and "innerHTML" not in text
    css = wc.get("/widget.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and "mark.stem" in css.get_data(as_text=True)


def test_embed_page_is_compact_and_opens_articles_in_a_new_tab(wc):
    r = wc.get("/embed", query_string={"q": "تهجير", "size": 3})
    page = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert "embedded" in page.body["class"]
    assert page.select_one("form#s")["action"] == "/embed"
    assert not page.select(".filters") and not page.select("a.brand")
    links = page.select("li.hit h2 a")
    assert len(links) == 3 and all(a["target"] == "_blank" for a in links)
    more = page.select_one(".more a")["href"]
    assert more.startswith("/?") and "q=" in more


def test_opensearch_description(wc):
    r = wc.get("/opensearch.xml")
    assert r.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(r.data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    assert root.find(f"{ns}ShortName").text == "أرشيف"
    templates = {u.get("type"): u.get("template") for u in root.findall(f"{ns}Url")}
    assert templates["text/html"] == "http://localhost/?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://localhost/feed?q={searchTerms}"


def test_atom_feed_of_a_search_newest_first(wc):
    r = wc.get("/feed", query_string={"q": "تهجير", "source": "الجزيرة"})
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = ET.fromstring(r.data)
    assert "تهجير" in feed.find(f"{ATOM}title").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2  # w-jaz-1, then seed 000 (undated; its المصدر line says الجزيرة)
    e = entries[0]
    assert e.find(f"{ATOM}title").text == "تهجير سكان القلمون الشرقي إلى الشمال السوري"
    assert e.find(f"{ATOM}updated").text == "2018-04-20T00:00:00Z"
    assert e.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://localhost/articles/w-jaz-1")
    all_entries = ET.fromstring(wc.get("/feed?q=تهجير").data).findall(f"{ATOM}entry")
    dated = [x.find(f"{ATOM}updated").text for x in all_entries][:4]
    assert dated == sorted(dated, reverse=True)


def test_feed_needs_a_query_and_escapes_hostile_text(wc):
    r = wc.get("/feed")
    assert r.status_code == 400 and "q" in r.get_data(as_text=True)
    r = wc.get("/feed?q=تهجير")
    feed = ET.fromstring(r.data)  # well-formed despite the hostile article
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert any("<script>" in t for t in titles)  # as text, parsed back from escaped XML


def test_ingest_is_off_by_default(wc):
    r = wc.post("/api/ingest", data={"file": (io.BytesIO(b"x"), "a.txt")},
                headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code in (404, 405)


@pytest.fixture
def writable(tmp_path):
    from web import create_app
    return create_app({"ARSHIF_HOME": str(tmp_path / "h"), "INGEST_TOKEN": TOKEN,
                       "MAX_UPLOAD_BYTES": 4096}).test_client()


def test_ingest_by_upload_with_the_token(writable):
    text = "عنوان عن التهجير\n\nنص المقال عن تهجير السكان.\n".encode()
    jsonl = b'{"id": "u1", "title": "t", "body": "b"}\n{"broken\n'
    r = writable.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"},
                      data={"file": [(io.BytesIO(text), "../../etc/passwd.txt"), (io.BytesIO(jsonl), "x.jsonl")]},
                      content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    d = r.get_json()
    assert d["added"] == 2 and d["failed"] == 1
    assert d["failures"][0]["path"] == "x.jsonl" and "/tmp" not in str(d)
    assert writable.get("/api/search?q=تهجير").get_json()["total"] == 1


def test_ingest_rejects_missing_or_wrong_tokens_and_big_uploads(writable):
    files = {"file": (io.BytesIO(b"title\n\nbody"), "a.txt")}
    assert writable.post("/api/ingest", data=dict(files)).status_code == 401
    files = {"file": (io.BytesIO(b"title\n\nbody"), "a.txt")}
    r = writable.post("/api/ingest", data=files, headers={"Authorization": "Bearer wrong-token-wrong-token"})
    assert r.status_code == 401 and r.get_json()["error"].startswith("ingest needs")
    r = writable.post("/api/ingest", data={}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and "file" in r.get_json()["error"]
    big = {"file": (io.BytesIO(b"x" * 10000), "big.txt")}
    r = writable.post("/api/ingest", data=big, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 413 and r.get_json()["status"] == 413
    assert writable.get("/api/stats").get_json()["articles"] == 0


def test_upload_keeps_arabic_names_and_extensions_and_stays_in_its_directory():
    from web.upload import safe_name
    assert safe_name("مقالات.jsonl.gz", 0) == "000-مقالات.jsonl.gz"
    assert safe_name("../../etc/passwd", 1) == "001-passwd"
    assert safe_name("..\\..\\x.txt", 2) == "002-x.txt"
    assert safe_name(".hidden", 3) == "003-hidden"
    assert safe_name("", 4) == "004-upload.txt"
    assert "/" not in safe_name("a/b c?.txt", 5)


def test_ingest_page_with_the_token(writable):
    assert writable.get("/ingest").status_code == 200
    data = {"token": TOKEN, "file": (io.BytesIO("عنوان عن التهجير\n\nنص عن تهجير السكان.\n".encode()), "مقال.txt")}
    r = writable.post("/ingest", data=data, content_type="multipart/form-data")
    assert r.status_code == 200
    page = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    assert "أضيف 1" in page.select_one(".report").text
    data = {"token": "wrong-wrong-wrong-wrong", "file": (io.BytesIO(b"t\n\nb"), "a.txt")}
    r = writable.post("/ingest", data=data, content_type="multipart/form-data")
    assert r.status_code == 401
    assert writable.get("/api/stats").get_json()["articles"] == 1


def test_ingest_page_is_absent_when_read_only(wc):
    assert wc.get("/ingest").status_code == 404
