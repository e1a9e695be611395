"""End to end in headless Chromium (Debian's, driven by Playwright): what a journalist does.

Arshif runs under waitress at ``/archive/`` on one port; a separate "intranet"
page on another port embeds the widget and the iframe.  Screenshots of the key
pages go to ``tests/artifacts/`` (git-ignored) to be looked at.
"""
from __future__ import annotations

import http.server
import os
import shutil
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ARTIFACTS, LiveServer

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PREFIX = "/archive"
expect.set_options(timeout=20_000)  # a busy CI machine: wait longer, never assert on time


def chromium_path() -> str:
    path = os.environ.get("ARSHIF_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    assert os.path.exists(path), "Chromium is needed: `make test` installs Debian's chromium package"
    return path


def _serve_in_thread(server) -> threading.Thread:
    t = threading.Thread(target=server.run if hasattr(server, "run") else server.serve_forever, daemon=True)
    t.start()
    return t


@pytest.fixture(scope="module")
def host_server():
    """The intranet page: a plain HTML page on its own port that embeds Arshif."""
    state = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            base = state["arshif"]
            body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Intranet</title><style>body {{ font-family: sans-serif; margin: 2rem; }}
h1, p {{ color: #444; }} .col {{ max-width: 40rem; }}</style></head>
<body><h1>Newsroom intranet</h1><p>Search the archive:</p>
<div class="col"><div id="w" data-arshif-search data-size="3"></div></div>
<script src="{base}/widget.js" defer></script>
<h2>Iframe</h2><iframe id="frame" src="{base}/embed?q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1&size=2"
 width="600" height="420" title="Arshif"></iframe></body></html>""".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["port"] = server.server_address[1]
    _serve_in_thread(server)
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def arshif_url(web_home, host_server):
    from web import create_app
    app = create_app({"ARSHIF_HOME": str(web_home), "PREFIX": PREFIX,
                      "CORS_ORIGINS": [f"http://127.0.0.1:{host_server['port']}"]})
    server = LiveServer(app)
    base = server.url + PREFIX
    host_server["arshif"] = base
    yield base
    server.close()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    ctx.set_default_timeout(30_000)
    pg = ctx.new_page()
    pg.problems = []
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
    yield pg
    ctx.close()


def shot(pg, name: str, full_page: bool = True):
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_search_tahjir_shows_highlighted_rtl_results(page, arshif_url):
    page.goto(arshif_url + "/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("form#s input[name=q]", "تهجير")
    page.press("form#s input[name=q]", "Enter")
    page.wait_for_url("**/archive/?q=*")
    expect(page.locator(".count .total")).to_have_text("6")
    hits = page.locator("li.hit")
    expect(hits).to_have_count(6)
    snippet = page.locator("li.hit .snippet").first
    assert snippet.evaluate("e => getComputedStyle(e).direction") == "rtl"
    mark = page.locator("li.hit .snippet mark.exact").first
    expect(mark).to_have_text("تهجير")
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    # right to left: the page starts on the right, so the filters column (first) is at the right
    res, filt = page.locator("section.results").bounding_box(), page.locator("aside.filters").bounding_box()
    assert filt["x"] > res["x"]
    brand = page.locator("a.brand").bounding_box()
    assert brand["x"] > 1280 / 2
    # the Latin title is isolated and keeps its own direction inside the Arabic page
    latin = page.locator("li.hit h2 a", has_text="Syria talks")
    expect(latin).to_have_count(1)
    shot(page, "search-tahjir")
    assert page.problems == []


def test_source_filter_then_date_range(page, arshif_url):
    page.goto(arshif_url + "/?q=" + "تهجير")
    page.fill("#f-source", "الجزيرة")
    page.click("aside.filters button.apply")
    page.wait_for_url("**source=*")
    expect(page.locator("li.hit")).to_have_count(2)  # w-jaz-1 and seed 000 (المصدر : الجزيرة)
    expect(page.locator("li.hit bdi.source")).to_have_text(["الجزيرة", "الجزيرة"])
    qs = parse_qs(urlsplit(page.url).query)
    assert qs == {"q": ["تهجير"], "source": ["الجزيرة"]}  # empty fields stay out of the URL
    shot(page, "filter-source")
    page.fill("#f-source", "")
    page.fill("#f-since", "2018-05-01")
    page.fill("#f-until", "2018-12-31")
    page.click("aside.filters button.apply")
    page.wait_for_url("**since=2018-05-01*")
    expect(page.locator("li.hit")).to_have_count(2)
    dates = page.locator("li.hit time").all_inner_texts()
    assert sorted(dates) == ["2018-05-21", "2018-06-01"]
    expect(page.locator(".active-filters")).to_contain_text("2018-05-01")
    page.click("nav.sort a:has-text('الأقدم')")
    page.wait_for_url("**sort=oldest*")
    assert page.locator("li.hit time").all_inner_texts() == ["2018-05-21", "2018-06-01"]
    shot(page, "filter-dates")
    assert page.problems == []


def test_open_an_article_and_jump_to_the_first_match(page, arshif_url):
    page.goto(arshif_url + "/?q=" + "تهجير&source=" + "عنب بلدي")
    page.click("li.hit h2 a")
    page.wait_for_url("**/archive/articles/w-enab-1?*")
    expect(page.locator("h1")).to_contain_text("عائلات مهجرة")
    expect(page.locator(".body mark").first).to_be_visible()
    expect(page.locator("dl.meta")).to_contain_text("عنب بلدي")
    page.click("a[href='#first-match']")
    page.wait_for_function("location.hash === '#first-match'")
    expect(page.locator("#first-match")).to_be_in_viewport()
    shot(page, "article")
    assert page.problems == []


def test_hostile_article_runs_no_script(page, arshif_url):
    page.goto(arshif_url + "/?q=" + "تهجير")
    page.goto(arshif_url + "/articles/w-xss-1?q=" + "تهجير")
    expect(page.locator(".body")).to_contain_text("<script>alert('body')</script>")
    assert page.locator("main img").count() == 0
    shot(page, "hostile-article")
    assert page.problems == []


def test_phone_layout_has_no_sideways_scrolling(browser, arshif_url):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.goto(arshif_url + "/?q=" + "تهجير")
    expect(pg.locator("li.hit")).to_have_count(6)
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # on a phone the results come before the filters
    assert pg.locator("section.results").bounding_box()["y"] < pg.locator("aside.filters").bounding_box()["y"]
    shot(pg, "search-phone", full_page=False)
    pg.goto(arshif_url + "/articles/w-jaz-1?q=" + "تهجير")
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(pg, "article-phone", full_page=False)
    ctx.close()


def test_widget_and_iframe_on_a_page_from_another_port(page, arshif_url, host_server):
    page.goto(f"http://127.0.0.1:{host_server['port']}/")
    widget = page.locator("#w")
    widget.locator("input[name=q]").fill("تهجير")
    widget.locator("button").click()
    hits = widget.locator("li.hit")
    expect(hits).to_have_count(3)
    expect(widget.locator(".status")).to_have_text("6 نتائج")
    expect(widget.locator("li.hit mark").first).to_be_visible()
    expect(widget.locator("li.hit h3 a mark").first).to_have_text("تهجير")  # titles marked too
    hostile = widget.locator("li.hit h3 a", has_text="onerror")
    expect(hostile).to_contain_text('"><img src=x onerror=alert(1)>')  # as text
    assert widget.locator("img").count() == 0
    href = widget.locator("li.hit h3 a").first.get_attribute("href")
    assert href.startswith(arshif_url + "/articles/")
    expect(widget.locator(".more a")).to_have_attribute("href", arshif_url + "/?q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1")
    frame = page.frame_locator("#frame")
    expect(frame.locator("li.hit")).to_have_count(2)
    expect(frame.locator("li.hit mark").first).to_be_visible()
    shot(page, "widget-host-page")
    widget.locator("input[name=q]").fill("تهجر")  # a typo: the widget offers the fix
    widget.locator("button").click()
    widget.locator(".did-you-mean a").click()
    expect(widget.locator("input[name=q]")).to_have_value("تهجير")
    expect(widget.locator(".status")).to_have_text("6 نتائج")
    assert page.problems == []


def test_widget_on_an_origin_not_allowed_says_it_cannot_search(page, arshif_url, host_server):
    # same page, other origin (localhost is not 127.0.0.1): the browser blocks the API call
    page.goto(f"http://localhost:{host_server['port']}/")
    widget = page.locator("#w")
    widget.locator("input[name=q]").fill("تهجير")
    widget.locator("button").click()
    expect(widget.locator(".status")).to_contain_text("تعذّر البحث")
    expect(widget.locator("li.hit")).to_have_count(0)


def test_browse_by_facets_and_follow_did_you_mean(page, arshif_url):
    page.goto(arshif_url + "/")
    expect(page.locator(".intro")).to_be_visible()
    shot(page, "home")
    page.fill("form#s input[name=q]", "تهجر")
    page.press("form#s input[name=q]", "Enter")
    page.click(".did-you-mean a")
    page.wait_for_url("**q=%D8%AA%D9%87%D8%AC%D9%8A%D8%B1*")
    expect(page.locator(".count .total")).to_have_text("6")
    page.click(".facet-year a:text-is('2019')")
    page.wait_for_url("**since=2019*")
    expect(page.locator("li.hit")).to_have_count(1)
    expect(page.locator("li.hit time")).to_have_text("2019-01-10")
    shot(page, "facet-year")
    page.click("li.hit h2 a")
    expect(page.locator(".similar li.hit").first).to_be_visible()
    shot(page, "article-similar")
    assert page.problems == []
