"""Exact and near duplicates, versions and history."""
from __future__ import annotations

import json

from archive import Store
from cli import main
from index.api import Arshif
from index.fetch import WINDOW
from ingest_fixtures import paragraph, run, src, write_jsonl  # noqa: F401
from test_ingest_formats import articles

STORY = paragraph(100, 120)


def edited(text: str) -> str:
    """The same wire story lightly edited: a few words changed, a sentence added."""
    words = text.split()
    words[10] = "صباح"
    words[60] = "مساء"
    return " ".join(words) + " وأكدت مصادر أخرى الخبر."


def test_exact_duplicates_linked_and_indexed_once(src, home):
    write_jsonl(src / "a.jsonl", [
        {"id": "d1", "title": "الخبر في صحيفة", "body": STORY, "source": "الرياض"},
        {"id": "d2", "title": "الخبر في أخرى", "body": "  " + STORY.replace(" ", "  ") + "\n",
         "source": "عكاظ"},
        {"id": "d3", "title": "خبر مختلف", "body": paragraph(7, 120)},
    ])
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 0, r.output
    assert "added 2" in r.output and "duplicate 1" in r.output
    got = articles(home)
    assert got["d2"].canonical_id == "d1" and got["d1"].canonical_id is None
    assert got["d1"].dup_group == got["d2"].dup_group == "d1"
    assert got["d3"].dup_group is None
    with Arshif(home) as a:
        assert a.engine.count() == 2  # d2 is archived but not indexed
        assert [d["id"] for d in a.duplicates_of("d1")] == ["d2"]
        (dup,) = a.duplicates_of("d2")
        assert dup == {"id": "d1", "title": "الخبر في صحيفة", "source": "الرياض", "date": None,
                       "url": None, "exact": True}
        assert a.duplicates_of("d3") == []
        assert a.store.duplicates_of_many(["d3", "d2", "d1", "missing"]) == {
            "d1": a.duplicates_of("d1"), "d2": a.duplicates_of("d2")}
        hits = [h.article.id for h in a.search("رقم 100").hits]
        assert "d1" in hits and "d2" not in hits


def test_near_duplicates_grouped_but_both_indexed(src, home):
    write_jsonl(src / "a.jsonl", [
        {"id": "n1", "title": "رواية أولى", "body": STORY, "source": "الرياض"},
        {"id": "n2", "title": "رواية معدلة", "body": edited(STORY), "source": "اليوم"},
        {"id": "n3", "title": "خبر مختلف", "body": paragraph(8, 120)},
    ])
    r = run(home, src / "a.jsonl")
    assert r.exit_code == 0, r.output
    assert "1 grouped with near-duplicates" in r.output
    got = articles(home)
    assert got["n1"].dup_group == got["n2"].dup_group == "n1"
    assert got["n3"].dup_group is None and got["n2"].canonical_id is None
    with Arshif(home) as a:
        assert a.engine.count() == 3
        assert a.duplicates_of("n2") == [{"id": "n1", "title": "رواية أولى", "source": "الرياض",
                                          "date": None, "url": None, "exact": False}]
        (hit,) = [h for h in a.search("رواية").hits if h.article.id in ("n1", "n2")]
        assert hit.also_in == a.duplicates_of(hit.article.id)


def test_short_boilerplate_bodies_are_not_duplicates(src, home):
    boiler = "** جميع المقالات المنشورة تمثل رأي كتابها فقط."
    write_jsonl(src / "a.jsonl", [{"id": f"o{i}", "title": f"مقال رأي {i}", "body": boiler}
                                  for i in range(3)])
    r = run(home, src / "a.jsonl")
    assert "added 3" in r.output and "duplicate 0" in r.output
    assert all(a.dup_group is None for a in articles(home).values())


def test_duplicate_promoted_when_its_canonical_changes(src, home):
    write_jsonl(src / "a.jsonl", [{"id": "p1", "title": "أ", "body": STORY},
                                  {"id": "p2", "title": "ب", "body": STORY}])
    run(home, src / "a.jsonl")
    write_jsonl(src / "b.jsonl", [{"id": "p1", "title": "أ", "body": paragraph(55, 120)}])
    r = run(home, src / "b.jsonl")
    assert "updated 1" in r.output
    got = articles(home)
    assert got["p2"].canonical_id is None and got["p1"].canonical_id is None
    with Arshif(home) as a:
        assert a.engine.count() == 2  # p2 is indexed now


def test_reingest_unchanged_changes_nothing(src, home):
    f = write_jsonl(src / "a.jsonl", [{"id": "v1", "title": "عنوان", "body": paragraph(1)}])
    (src / "b.txt").write_text("خبر نصي\n" + paragraph(2), encoding="utf-8")
    run(home, src)
    s = Store(home / "archive.sqlite3")
    seq = s.last_seq()
    r = run(home, src)
    assert r.exit_code == 0 and "added 0, updated 0, unchanged 2" in r.output
    assert s.last_seq() == seq
    s.close()
    del f


def test_changed_input_is_a_new_version_and_history_keeps_the_old(src, home):
    write_jsonl(src / "a.jsonl", [{"id": "v1", "title": "العنوان الأول", "body": paragraph(1)}])
    run(home, src / "a.jsonl")
    write_jsonl(src / "a.jsonl", [{"id": "v1", "title": "العنوان المصحح", "body": paragraph(2)}])
    r = run(home, src / "a.jsonl")
    assert "updated 1" in r.output
    with Arshif(home) as a:
        hist = a.history("v1")
        assert [(v["version"], v["title"]) for v in hist] == [(1, "العنوان الأول"),
                                                              (2, "العنوان المصحح")]
        assert hist[0]["body"] == paragraph(1)
        assert a.store.raw("v1", 1) != a.store.raw("v1", 2)
        assert a.search("المصحح").total == 1 and a.search("الأول").total == 0
    from click.testing import CliRunner
    out = CliRunner().invoke(main, ["--home", str(home), "show", "v1", "--history"]).output
    assert "version 1" in out and "العنوان الأول" in out and "version 2" in out
    out = CliRunner().invoke(main, ["--home", str(home), "show", "v1", "--history", "--json"])
    data = json.loads(out.output)
    assert [v["title"] for v in data["history"]] == ["العنوان الأول", "العنوان المصحح"]


def test_text_without_id_gets_a_stable_id(src, home):
    (src / "a.txt").write_text("خبر\n" + paragraph(3), encoding="utf-8")
    run(home, src / "a.txt")
    first = set(articles(home))
    (src / "a.txt").write_text("خبر\n\n" + paragraph(3) + "\n\n0 7\n",  # share count changed
                               encoding="utf-8")
    r = run(home, src / "a.txt")
    assert set(articles(home)) == first and "unchanged 1" in r.output


def test_earlier_lsh_layout_is_migrated_and_near_duplicates_still_found(src, home):
    import sqlite3

    write_jsonl(src / "a.jsonl", [{"id": "m1", "title": "أولى", "body": STORY}])
    run(home, src / "a.jsonl")
    db = sqlite3.connect(home / "archive.sqlite3")
    db.execute("DELETE FROM lsh_bands")
    db.execute("CREATE TABLE lsh (key INTEGER NOT NULL, id TEXT NOT NULL)")
    db.commit()
    db.close()
    write_jsonl(src / "b.jsonl", [{"id": "m2", "title": "معدلة", "body": edited(STORY)}])
    r = run(home, src / "b.jsonl")
    assert "1 grouped with near-duplicates" in r.output
    db = sqlite3.connect(home / "archive.sqlite3")
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'lsh'").fetchone() is None
    db.close()


def test_a_page_is_full_when_its_duplicates_outnumber_what_was_fetched(src, home):
    """Twelve tellings of one story rank first: folding them needs more hits than
    the search first fetched, and the page is still full, whether the first fetch
    is the default (three times the page and ten) or learnt from searches whose
    pages needed no more than the page (index.fetch)."""
    story = "زلزال " * 5 + paragraph(200, 120)

    def variant(k: int) -> str:
        words = story.split()
        words[20 + k] = f"كلمة{k}"
        return " ".join(words)
    rows = [{"id": f"v{k}", "title": f"زلزال {k}", "body": variant(k)} for k in range(12)]
    rows += [{"id": f"o{k}", "title": f"خبر {k}", "body": "زلزال " + paragraph(300 + k, 120)} for k in range(6)]
    write_jsonl(src / "a.jsonl", rows)
    assert run(home, src / "a.jsonl").exit_code == 0
    with Arshif(home) as a:
        assert len({a.store.get(f"v{k}").dup_group for k in range(12)}) == 1
        plain = [h.article for h in a.search("زلزال", limit=50, collapse=False, snippets=False).hits]
        assert {x.id for x in plain[:12]} == {f"v{k}" for k in range(12)}
        folded, groups = [], set()
        for x in plain:
            if x.dup_group and x.dup_group in groups:
                continue
            groups.add(x.dup_group)
            folded.append(x.id)
        for learnt in (False, True):
            if learnt:
                for _ in range(WINDOW):  # fills the sizer's memory
                    a.search("خبر", limit=2)  # no copies among its hits
                assert a._fetch.first(2) < 12
            for limit, offset in ((2, 0), (3, 1), (5, 2)):
                r = a.search("زلزال", limit=limit, offset=offset)
                assert [h.article.id for h in r.hits] == folded[offset:offset + limit]
                assert r.collapsed == 11


def test_the_raw_input_is_kept_as_read_in_a_zlib_stream(src, home):
    """The input a version was read from comes back as read; it is stored deflated,
    as a zlib stream (so any zlib reads an archive, whatever compressed it)."""
    import zlib
    line = json.dumps({"id": "r1", "title": "عنوان", "body": paragraph(3)}, ensure_ascii=False)
    (src / "r.jsonl").write_text(line + "\n", encoding="utf-8")
    run(home, src / "r.jsonl")
    with Arshif(home) as a:
        assert a.store.raw("r1") == line
        stored = a.store.db.execute("SELECT content FROM raw WHERE id = 'r1'").fetchone()[0]
        assert zlib.decompress(stored) == line.encode("utf-8") and len(stored) < len(line.encode("utf-8"))


def test_each_batch_is_shown_before_it_is_stored(src, tmp_path):
    """``before_batch(records)`` sees each batch's records, prepared, before the
    transaction that stores them (what an index will need of them can be ready
    before an indexer reads them), whatever they turn out to be."""
    from archive import ingest
    rows = [{"id": "a1", "title": "الأول", "body": paragraph(1)},
            {"id": "a2", "title": "الثاني", "body": paragraph(2)},
            {"id": "copy", "title": "الأول", "body": paragraph(1)}]
    write_jsonl(src / "a.jsonl", rows)
    store = Store(tmp_path / "archive.sqlite3")
    try:
        seen = []

        def before(records):
            seen.append(([r.title for r in records], store.count()))
        report = ingest(store, [src / "a.jsonl"], before_batch=before)
        assert report.added == 2 and report.duplicate == 1
        assert seen == [(["الأول", "الثاني", "الأول"], 0)]  # shown before the first was stored
        assert store.count() == 3
        rows[1]["title"] = "الثاني مصححا"
        write_jsonl(src / "a.jsonl", rows)
        seen.clear()
        report = ingest(store, [src / "a.jsonl"], before_batch=before)
        assert (report.updated, report.unchanged) == (1, 2)  # a1 and its copy
        assert seen == [(["الأول", "الثاني مصححا", "الأول"], 3)]
    finally:
        store.close()
