"""Every input format, detected by extension or content, with --format and --map."""
from __future__ import annotations

import gzip
import io
import json

import pytest

from archive import Store
from archive.readers import format_from_name, sniff_format
from index.api import Arshif
from ingest_fixtures import paragraph, run, src, write_jsonl  # noqa: F401

HTML = """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<title>قوات النظام تسيطر على مخيم اليرموك - الجزيرة نت</title>
<meta property="og:site_name" content="الجزيرة نت">
<meta name="author" content="محمد العلي">
<meta property="article:published_time" content="2018-05-21T10:00:00+03:00">
</head><body><nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a></nav>
<article><h1>قوات النظام تسيطر على مخيم اليرموك</h1>
<p>{p1}</p><p>{p2}</p></article>
<footer>جميع الحقوق محفوظة للجزيرة</footer></body></html>"""


def html_page(seed: int = 1, date_meta: bool = True) -> str:
    page = HTML.format(p1=paragraph(seed), p2=paragraph(seed + 7))
    if not date_meta:
        page = page.replace('<meta property="article:published_time" '
                            'content="2018-05-21T10:00:00+03:00">', "")
    return page


def articles(home):
    s = Store(home / "archive.sqlite3")
    try:
        return {a.id: a for a in s.iter_articles()}
    finally:
        s.close()


def by_title(home):
    return {a.title: a for a in articles(home).values()}


def test_text_file_one_article_title_first_line(src, home):
    f = src / "a.txt"
    f.write_text("\n\n  عنوان الخبر  \n\n" + paragraph(1), encoding="utf-8")
    r = run(home, f)
    assert r.exit_code == 0, r.output
    (a,) = articles(home).values()
    assert a.title == "عنوان الخبر" and a.body == paragraph(1)


def test_jsonl_and_json_array(src, home):
    write_jsonl(src / "a.jsonl", [{"id": "j1", "title": "أول", "body": paragraph(1)},
                                       {"id": "j2", "title": "ثان", "body": paragraph(2)}])
    (src / "b.json").write_text(json.dumps(
        [{"id": "k1", "title": "ثالث", "body": paragraph(3), "date": "2018-05-21"},
         {"id": "k2", "title": "رابع", "body": paragraph(4)}], ensure_ascii=False, indent=2),
        encoding="utf-8")
    r = run(home, src)
    assert r.exit_code == 0, r.output
    got = articles(home)
    assert set(got) == {"j1", "j2", "k1", "k2"}
    assert got["k1"].date == "2018-05-21" and got["k2"].body == paragraph(4)


def test_json_array_malformed_element_reports_its_line(src, home):
    (src / "b.json").write_text(
        '[\n {"id": "k1", "title": "أول", "body": "نص"},\n {"id": "k2", "title": oops}\n]',
        encoding="utf-8")
    r = run(home, src / "b.json")
    assert r.exit_code == 1
    assert f"{src / 'b.json'}:3: malformed JSON" in r.output
    assert set(articles(home)) == {"k1"}


def test_csv_tsv_with_header_and_field_map(src, home):
    (src / "a.csv").write_text(
        'id,title,body,source\nc1,"عنوان, بفاصلة","نص أول\nبسطرين",الجزيرة\n'
        'c2,عنوان ثان,نص ثان,رويترز\n', encoding="utf-8")
    (src / "b.tsv").write_text("id\ttitle\tbody\nt1\tعنوان\tنص في جدول\n", encoding="utf-8")
    (src / "c.csv").write_text("key,headline,content,published\nm1,عنوان مخصص,النص هنا,"
                                    "2018-05-21\n", encoding="utf-8")
    r = run(home, src / "a.csv", src / "b.tsv")
    assert r.exit_code == 0, r.output
    r = run(home, src / "c.csv", "--map", "id=key,title=headline,body=content")
    assert r.exit_code == 0, r.output
    got = articles(home)
    assert got["c1"].title == "عنوان, بفاصلة" and got["c1"].body == "نص أول\nبسطرين"
    assert got["c2"].source == "رويترز" and got["t1"].body == "نص في جدول"
    assert got["m1"].title == "عنوان مخصص" and got["m1"].body == "النص هنا"
    assert got["m1"].date == "2018-05-21"  # "published" is a recognised name for the date


def test_map_option_is_validated(src, home):
    f = write_jsonl(src / "a.jsonl", [{"title": "x", "body": "y"}])
    r = run(home, f, "--map", "headline")
    assert r.exit_code == 2 and "--map" in r.output
    r = run(home, f, "--map", "nonsense=x")
    assert r.exit_code == 2 and "unknown field" in r.output


def test_html_page_main_text_and_metadata(src, home):
    (src / "page.html").write_text(html_page(), encoding="utf-8")
    r = run(home, src / "page.html")
    assert r.exit_code == 0, r.output
    (a,) = articles(home).values()
    assert a.title == "قوات النظام تسيطر على مخيم اليرموك"
    assert a.date.startswith("2018-05-21")
    assert a.author == "محمد العلي" and a.source == "الجزيرة"  # alias: الجزيرة نت → الجزيرة
    assert paragraph(1) in a.body and paragraph(8) in a.body
    assert "الرئيسية" not in a.body and "جميع الحقوق" not in a.body


def _warc(path, pages):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, ctype, body, date in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
            w.write_record(rec)


def test_warc_each_html_response_is_an_article_with_url_and_capture_date(src, home):
    f = src / "crawl.warc.gz"
    _warc(f, [
        ("https://example.org/a", "text/html; charset=utf-8",
         html_page(1, date_meta=False).encode("utf-8"), "2019-03-04T05:06:07Z"),
        ("https://example.org/logo.png", "image/png", b"\x89PNG....", "2019-03-04T05:06:08Z"),
        ("https://example.org/b", "text/html; charset=windows-1256",
         html_page(20, date_meta=False).replace('<meta charset="utf-8">', "")
         .encode("cp1256", "replace"), "2019-03-05T00:00:00Z"),
    ])
    r = run(home, f)
    assert r.exit_code == 0, r.output
    got = {a.url: a for a in articles(home).values()}
    assert set(got) == {"https://example.org/a", "https://example.org/b"}
    assert got["https://example.org/a"].date.startswith("2019-03-04")
    assert paragraph(20) in got["https://example.org/b"].body  # decoded from Windows-1256


def test_gzip_of_any_format_and_directories_walked(src, home):
    d = src / "in" / "sub"
    d.mkdir(parents=True)
    (d / "a.txt.gz").write_bytes(gzip.compress(("عنوان مضغوط\n" + paragraph(1)).encode()))
    (d / "b.jsonl.gz").write_bytes(gzip.compress(json.dumps(
        {"id": "g1", "title": "من JSONL", "body": paragraph(2)}, ensure_ascii=False).encode()))
    (d / "c.html.gz").write_bytes(gzip.compress(html_page(3).encode()))
    (src / "in" / ".hidden.txt").write_text("مخفي\nلا يقرأ", encoding="utf-8")
    r = run(home, src / "in")
    assert r.exit_code == 0, r.output
    titles = set(by_title(home))
    assert titles == {"عنوان مضغوط", "من JSONL", "قوات النظام تسيطر على مخيم اليرموك"}


def test_stdin_content_sniffed(src, home):
    data = "".join(json.dumps({"id": f"s{i}", "title": f"عنوان {i}", "body": paragraph(i)},
                              ensure_ascii=False) + "\n" for i in range(3))
    r = run(home, "-", input=data.encode("utf-8"))
    assert r.exit_code == 0, r.output
    assert set(articles(home)) == {"s0", "s1", "s2"}
    r = run(home, "-", input=("عنوان من الأنبوب\n" + paragraph(9)).encode("utf-8"))
    assert r.exit_code == 0, r.output
    assert "عنوان من الأنبوب" in by_title(home)


def test_format_override_and_unknown_extension(src, home):
    f = src / "export.dat"
    write_jsonl(f, [{"id": "x1", "title": "عنوان", "body": paragraph(1)}])
    r = run(home, f)
    assert r.exit_code == 1 and "unknown file type" in r.output and "--format" in r.output
    r = run(home, f, "--format", "jsonl")
    assert r.exit_code == 0, r.output
    assert set(articles(home)) == {"x1"}


@pytest.mark.parametrize("head,fmt", [
    (b"WARC/1.0\r\n", "warc"), (b"<!DOCTYPE html><html>", "html"), (b"[{\"a\": 1}]", "json"),
    (b"{\"a\": 1}\n", "jsonl"), (b"id\ttitle\tbody\n1\t2\t3\n", "tsv"),
    ("عنوان\nنص".encode(), "text")])
def test_sniff_by_content(head, fmt):
    assert sniff_format(head) == fmt


def test_format_from_name():
    assert format_from_name("a/b.JSONL.gz") == "jsonl"
    assert format_from_name("x.htm") == "html" and format_from_name("x.warc.gz") == "warc"
    assert format_from_name("README") == "" and format_from_name("x.pdf") is None


def test_library_ingest_reports_statuses(src, home):
    f = write_jsonl(src / "a.jsonl", [{"id": "l1", "title": "عنوان", "body": paragraph(1)}])
    with Arshif(home) as a:
        rep = a.ingest([f])
        assert (rep.added, rep.failed) == (1, 0)
        assert a.search("عنوان").total == 1


def test_cli_knows_every_input_format():
    import cli
    from archive.readers import FORMATS
    assert cli.INPUT_FORMATS == FORMATS


def test_a_folder_containing_the_archive_home_skips_the_home(tmp_path):
    (tmp_path / "a.txt").write_text("خبر\n" + paragraph(1), encoding="utf-8")
    home = tmp_path / "arshif"
    run(home, tmp_path / "a.txt")
    r = run(home, tmp_path)  # the home (archive.sqlite3, index/) is inside tmp_path
    assert r.exit_code == 0, r.output
    assert "unchanged 1" in r.output and "failed 0" in r.output
