"""Bad files and records are reported with path and line, skipped, and counted."""
from __future__ import annotations

import gzip
import json

from archive.readers import MAX_ARTICLE_BYTES
from ingest_fixtures import paragraph, run, src, write_jsonl  # noqa: F401
from test_ingest_formats import articles


def test_every_kind_of_bad_input_is_reported_and_the_rest_ingested(src, home):
    (src / "good.txt").write_text("خبر جيد\n" + paragraph(1), encoding="utf-8")
    (src / "undecodable.txt").write_bytes("Un résumé très français.".encode("latin-1"))
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_text("  \n\n \t\n", encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (src / "lines.jsonl").write_text(
        json.dumps({"id": "ok1", "title": "سليم", "body": paragraph(2)}, ensure_ascii=False)
        + '\n{"id": "bad", "title": "مكسور\n[1, 2]\n{"id": "none"}\n'
        + json.dumps({"id": "ok2", "title": "سليم آخر", "body": paragraph(3)},
                     ensure_ascii=False) + "\n", encoding="utf-8")
    (src / "table.csv").write_text(
        f"id,title,body\nc1,عنوان,{paragraph(4)}\nc2,ناقص\nc3,عنوان,{paragraph(5)}\n",
        encoding="utf-8")
    huge = src / "huge.txt"  # 200 MB, sparse: cheap to create
    with open(huge, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    (src / "nav.html").write_text("<html><body><nav><a href='/'>الرئيسية</a></nav>"
                                  "<footer>حقوق</footer></body></html>", encoding="utf-8")
    (src / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"id": "z1", "title": "x"}\n')[:-12])
    errors = src.parent / "errors.jsonl"
    r = run(home, src, src / "missing.txt", "--errors", errors)
    assert r.exit_code == 1
    out = r.output
    expect = [
        (f"{src / 'undecodable.txt'}: cannot decode", None),
        (f"{src / 'empty.txt'}: empty file", None),
        (f"{src / 'blank.txt'}: empty file", None),
        (f"{src / 'binary.txt'}: binary file", None),
        (f"{src / 'lines.jsonl'}:2: malformed JSON", None),
        (f"{src / 'lines.jsonl'}:3: expected a JSON object", None),
        (f"{src / 'lines.jsonl'}:4: record has neither title nor body", None),
        (f"{src / 'table.csv'}:3: malformed CSV row: expected 3 fields, got 2", None),
        (f"{src / 'huge.txt'}: file too large: 200 MB", None),
        (f"{src / 'nav.html'}: HTML page has no article", None),
        (f"{src / 'broken.jsonl.gz'}: corrupt gzip data", None),
        (f"{src / 'missing.txt'}: no such file or directory", None),
    ]
    for text, _ in expect:
        assert f"error: {text}" in out, text
    assert "added 5, updated 0, unchanged 0, duplicate 0, failed 12" in out
    assert set(articles(home)) >= {"ok1", "ok2", "c1", "c3"}
    failures = [json.loads(l) for l in errors.read_text(encoding="utf-8").splitlines()]
    assert len(failures) == 12
    assert {"path": str(src / "lines.jsonl"), "line": 2} == {
        k: v for k, v in failures[[f["path"] for f in failures].index(str(src / "lines.jsonl"))]
        .items() if k != "message"}
    assert all(set(f) == {"path", "line", "message"} for f in failures)


def test_limit_is_documented_size(src, home):
    assert MAX_ARTICLE_BYTES == 20 * 1024 * 1024
    line = json.dumps({"id": "big", "title": "كبير", "body": "ا" * (MAX_ARTICLE_BYTES // 2 + 10)})
    write_jsonl(src / "a.jsonl", [{"id": "s1", "title": "صغير", "body": paragraph(1)}])
    with open(src / "a.jsonl", "a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.write(json.dumps({"id": "s2", "title": "بعده", "body": paragraph(2)},
                           ensure_ascii=False) + "\n")
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 1
    assert f"{src / 'a.jsonl'}:2: line too long" in r.output
    assert set(articles(home)) == {"s1", "s2"}


def test_clean_ingest_exits_zero_and_prints_no_progress_bar_when_piped(src, home):
    write_jsonl(src / "a.jsonl", [{"id": "p1", "title": "عنوان", "body": paragraph(1)}])
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 0
    assert r.output == "added 1, updated 0, unchanged 0, duplicate 0, failed 0\n"
    r = run(home, src / "a.jsonl", "--json")
    assert json.loads(r.output)["unchanged"] == 1


def test_ctrl_c_keeps_whole_batches_and_reports_interrupted(src, home, monkeypatch):
    import importlib
    ingest_mod = importlib.import_module("archive.ingest")
    from archive import Store

    write_jsonl(src / "a.jsonl", [{"id": f"i{i}", "title": f"عنوان {i}", "body": paragraph(i)}
                                  for i in range(700)])
    real = ingest_mod.prepare
    seen = []

    def prepare(rec, defaults):
        seen.append(rec)
        if len(seen) == 650:
            raise KeyboardInterrupt
        return real(rec, defaults)

    monkeypatch.setattr(ingest_mod, "prepare", prepare)
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 130 and "interrupted" in r.output
    s = Store(home / "archive.sqlite3")
    assert s.count() == 500  # the first batch, whole; the second never committed
    s.close()
    monkeypatch.setattr(ingest_mod, "prepare", real)
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 0 and "added 200, updated 0, unchanged 500" in r.output
