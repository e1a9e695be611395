"""Text encodings: UTF-8 ±BOM, UTF-16, Windows-1256, ISO-8859-6 – and refusal of the rest."""
from __future__ import annotations

import codecs

import pytest

from archive.decode import DecodeError, decode
from ingest_fixtures import paragraph, run, src  # noqa: F401
from test_ingest_formats import articles

TITLE = "الحكومة تعلن خطة جديدة للإسكان"
TEXT = TITLE + "\n\n" + paragraph(5) + "\nوقال الوزير إن الخطة تشمل بناء آلاف الوحدات السكنية."


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("utf-16-le", b""),
    ("utf-16-be", b""), ("cp1256", b""), ("iso8859_6", b"")])
def test_text_file_in_each_encoding_is_stored_correctly(src, home, encoding, prefix):
    f = src / "article.txt"
    f.write_bytes(prefix + TEXT.encode(encoding))
    r = run(home, f)
    assert r.exit_code == 0, r.output
    (a,) = articles(home).values()
    assert a.title == TITLE
    assert a.body == TEXT.split("\n", 2)[2]


@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6"])
def test_short_legacy_texts_pick_the_right_code_page(encoding):
    for text in ("مرحبا بالعالم", "في", "الخبر"):
        assert decode(text.encode(encoding)).text == text


def test_jsonl_and_csv_in_windows_1256(src, home):
    (src / "a.jsonl").write_bytes(
        ('{"id": "w1", "title": "%s", "body": "%s"}\n' % (TITLE, paragraph(1))).encode("cp1256"))
    (src / "b.csv").write_bytes(f"id,title,body\nw2,{TITLE},{paragraph(2)}\n".encode("cp1256"))
    r = run(home, src)
    assert r.exit_code == 0, r.output
    got = articles(home)
    assert got["w1"].title == TITLE and got["w2"].title == TITLE
    assert got["w2"].body == paragraph(2)


def test_utf16_jsonl(src, home):
    (src / "a.jsonl").write_bytes(
        ('{"id": "u1", "title": "%s", "body": "%s"}\n' % (TITLE, paragraph(1))).encode("utf-16"))
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 0, r.output
    assert articles(home)["u1"].title == TITLE


@pytest.mark.parametrize("data", [
    "Café au lait, résumé et naïveté à la française.".encode("latin-1"),
    "Ceci est un texte français accentué: été, très, déjà.".encode("cp1252"),
    bytes(range(128, 256)) * 4,
])
def test_undecodable_is_reported_never_stored_as_mojibake(src, home, data):
    f = src / "old.txt"
    f.write_bytes(data)
    r = run(home, f)
    assert r.exit_code == 1
    assert f"error: {f}: cannot decode" in r.output
    assert articles(home) == {}
    with pytest.raises(DecodeError):
        decode(data)
