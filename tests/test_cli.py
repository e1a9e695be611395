"""The `arshif` command through click's CliRunner: every command, option and exit code.

Standard output here is not a terminal, so the defaults are the piped ones: no
colour, logical order, no wrapping, no pager, no progress bar.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import seed_archive
from click.testing import CliRunner

from cli import main
from cli_display import text_width
from index.api import Arshif

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Arabic presentation forms: what arabic-reshaper produces, never in logical text.
PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")


@pytest.fixture
def run(runner, cli_home):
    """Invoke `arshif --home SEEDED ARGS…`; returns the click Result."""
    def invoke(*args, home=cli_home, **kw):
        return runner.invoke(main, ["--home", str(home), *args], **kw)
    return invoke


@pytest.fixture
def own_home(tmp_path, seeds_dir):
    """A seeded archive of this test's own (for commands that rebuild the index)."""
    return seed_archive(tmp_path / "own")


def one_line_error(result, *needles):
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    for n in needles:
        assert n in result.stderr


# -- the group ----------------------------------------------------------------------
def test_version(runner):
    r = runner.invoke(main, ["--version"])
    assert r.exit_code == 0 and re.search(r"arshif, version \d", r.stdout)


@pytest.mark.parametrize("command", ["ingest", "search", "show", "similar", "analyze", "stats",
                                     "reindex", "export", "serve", "init", "migrate"])
def test_every_command_has_help_with_an_arabic_example_and_common_options(runner, command):
    r = runner.invoke(main, [command, "--help"])
    assert r.exit_code == 0
    examples = r.stdout.split("Example")[1]
    assert re.search(r"arshif .*[\u0600-\u06ff]", examples), r.stdout
    for opt in ("--home", "--color / --no-color", "--bidi / --no-bidi", "--pager / --no-pager", "--debug"):
        assert opt in r.stdout


def test_help_and_version_do_not_load_the_library():
    """--help, --version and shell completion stay fast: the search library loads lazily."""
    import subprocess
    import sys
    code = ("import sys; from click.testing import CliRunner; from cli import main; "
            "r = CliRunner().invoke(main, ['--version']); r2 = CliRunner().invoke(main, ['--help']); "
            "assert r.exit_code == 0 and r2.exit_code == 0; "
            "assert 'index.api' not in sys.modules and 'whoosh' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_shell_completion_of_commands_and_choices(runner):
    env = {"_ARSHIF_COMPLETE": "bash_complete", "COMP_WORDS": "arshif sea", "COMP_CWORD": "1"}
    assert runner.invoke(main, [], env=env, prog_name="arshif").stdout.split() == ["plain,search"]
    env.update(COMP_WORDS="arshif search تهجير --mode ", COMP_CWORD="4")
    assert runner.invoke(main, [], env=env, prog_name="arshif").stdout.split() == [
        "plain,all", "plain,exact", "plain,stem", "plain,root"]


def test_search_help_lists_the_query_syntax_and_exit_codes(runner):
    out = runner.invoke(main, ["search", "--help"]).stdout
    for piece in ("Query syntax", '"مخيم اليرموك"', "«…»", "+دمشق -حلب", "AND, OR, NOT", "و، أو، ليس",
                  "source:", "مصدر:", "date:2018-04..2018-05", "title:", "تهج*", "جذر:هجر",
                  "--batch", "trec", "[exact]", "{stem}", "<root>", "Exit code 1"):
        assert piece in out
    top = runner.invoke(main, ["--help"]).stdout
    assert "Exit codes" in top and "2 usage error" in top


def test_missing_archive_is_one_line_and_exit_2(runner, tmp_path):
    for args in (["search", "تهجير"], ["show", "x"], ["stats"], ["reindex"], ["export"],
                 ["similar", "x"]):
        r = runner.invoke(main, ["--home", str(tmp_path / "none"), *args])
        assert r.exit_code == 2, args
        one_line_error(r, f"no archive at {tmp_path / 'none'}", "run `arshif ingest PATH` first")
    assert not (tmp_path / "none").exists()  # looking does not create an archive


def test_home_from_env_before_and_after_the_command(runner, cli_home, tmp_path):
    r = runner.invoke(main, ["search", "تهجير"], env={"ARSHIF_HOME": str(cli_home)})
    assert r.exit_code == 0 and "2 hits" in r.stdout
    r = runner.invoke(main, ["search", "تهجير", "--home", str(cli_home)],
                      env={"ARSHIF_HOME": str(tmp_path / "none")})
    assert r.exit_code == 0
    r = runner.invoke(main, ["--home", str(tmp_path / "none"), "search", "تهجير", "--home", str(cli_home)])
    assert r.exit_code == 0  # the command's own --home wins
    r = runner.invoke(main, ["--home", str(cli_home), "stats"], env={"ARSHIF_HOME": str(tmp_path)})
    assert r.exit_code == 0 and str(cli_home) in r.stdout


def test_usage_errors_are_one_line_exit_2(run):
    for args, needle in ((["search", "تهجير", "--limt", "3"], "no such option: --limt"),
                         (["search", "تهجير", "-n", "0"], "--limit"),
                         (["search", "تهجير", "--mode", "nope"], "--mode"),
                         (["search", "تهجير", "--since", "yesterday"], "since"),
                         (["search"], "missing QUERY"),
                         (["search", "--offset", "-1", "x"], "--offset"),
                         (["nosuchcommand"], "nosuchcommand"),
                         (["show"], "ID"),
                         (["export", "--format", "xml"], "--format")):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        one_line_error(r, needle)


def test_unexpected_errors_are_one_line_unless_debug(runner, own_home):
    (own_home / "index" / "state.json").write_text('{"engine": "nope", "seq": 0}')
    r = runner.invoke(main, ["--home", str(own_home), "search", "تهجير"])
    assert r.exit_code == 2
    one_line_error(r, "unknown engine", "--debug")
    r = runner.invoke(main, ["--home", str(own_home), "--debug", "search", "تهجير"])
    assert r.exit_code == 2 and "Traceback" in r.stderr and "unknown engine" in r.stderr
    r = runner.invoke(main, ["--home", str(own_home), "search", "تهجير"], env={"ARSHIF_DEBUG": "1"})
    assert "Traceback" in r.stderr


def test_an_index_from_an_older_version_gets_advice_not_a_traceback(runner, own_home):
    import shutil

    from whoosh import fields, index
    whoosh_dir = own_home / "index" / "whoosh"
    shutil.rmtree(whoosh_dir)
    whoosh_dir.mkdir()
    index.create_in(whoosh_dir, fields.Schema(id=fields.ID(stored=True, unique=True))).close()
    (own_home / "index" / "state.json").write_text('{"engine": "whoosh", "seq": 0}')
    r = runner.invoke(main, ["--home", str(own_home), "search", "تهجير"])
    assert r.exit_code == 2
    one_line_error(r, f"the index in {own_home / 'index'} cannot be used", "arshif reindex")
    shutil.rmtree(own_home / "index")
    r = runner.invoke(main, ["--home", str(own_home), "reindex"])
    assert r.exit_code == 0 and "indexed 5 articles" in r.stdout


def test_a_corrupt_archive_is_reported_not_raised(runner, tmp_path):
    home = tmp_path / "bad"
    home.mkdir()
    (home / "archive.sqlite3").write_bytes(b"this is not a database" * 100)
    r = runner.invoke(main, ["--home", str(home), "stats"])
    assert r.exit_code == 2
    one_line_error(r)


# -- search -------------------------------------------------------------------------
def test_search_text_shows_rank_title_id_snippet_and_footer(run, cli_ids):
    r = run("search", "تهجير")
    assert r.exit_code == 0
    out = r.stdout
    assert not ANSI.search(out)
    assert re.search(r"^1\. .*\[تهجير\]", out, re.M)  # exact matches in [ ] without colour
    assert re.search(r"^2\. ", out, re.M) and not re.search(r"^3\. ", out, re.M)
    ids = [cli_ids[p] for p in cli_ids if cli_ids[p] in out]
    assert len(ids) == 2
    assert re.search(r"^1–2 of 2 hits · \d+ ms$", out, re.M)


def test_search_with_no_hits_exits_1(run):
    r = run("search", "كلمةغيرموجودةابدا")
    assert r.exit_code == 1 and "no hits" in r.stdout
    r = run("search", "كلمةغيرموجودةابدا", "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["total"] == 0


def test_search_kinds_have_their_own_marks_and_colours(run):
    plain = run("search", "مفاوضات", "-n", "10").stdout
    assert re.search(r"\[[^\]]+\]", plain) and re.search(r"\{[^}]+\}", plain) and re.search(r"<[^>]+>", plain)
    colored = run("search", "مفاوضات", "-n", "10", "--color").stdout
    assert "\x1b[31m\x1b[1m" in colored  # exact: red bold
    assert "\x1b[33m\x1b[1m" in colored  # stem: yellow bold
    assert "\x1b[36m\x1b[4m" in colored  # root: cyan underline
    assert not re.search(r"\{[^}]+\}", colored)  # no brackets when colour shows the kind


def test_no_color_wins_over_env_and_color_over_no_color_env(run):
    assert not ANSI.search(run("search", "تهجير", "--no-color").stdout)
    assert ANSI.search(run("search", "تهجير", "--color", env={"NO_COLOR": "1"}).stdout)
    assert ANSI.search(run("--color", "search", "تهجير").stdout)


def test_minus_word_excludes_and_plus_requires(run):
    both = json.loads(run("search", "تهجير", "-f", "json").stdout)
    assert both["total"] == 2
    without = json.loads(run("search", "تهجير", "-حمص", "-f", "json").stdout)
    assert without["total"] == 1 and without["query"] == "تهجير -حمص"
    assert run("search", "--", "تهجير", "-حمص").exit_code == 0


def test_limit_offset_sort_mode_and_filters_reach_the_library(run, cli_lib):
    full = json.loads(run("search", "قوات", "-f", "json").stdout)
    assert full["total"] >= 3
    page = json.loads(run("search", "قوات", "--limit", "1", "--offset", "1", "-f", "json").stdout)
    assert page["limit"] == 1 and page["offset"] == 1 and [h["id"] for h in page["hits"]] == [full["hits"][1]["id"]]
    text = run("search", "قوات", "-n", "1", "--offset", "1").stdout
    assert re.search(r"^2\. ", text, re.M) and not re.search(r"^1\. ", text, re.M)
    assert "2–2 of" in text
    for sort in ("relevance", "newest", "oldest"):
        assert json.loads(run("search", "قوات", "--sort", sort, "-f", "json").stdout)["sort"] == sort
    for mode in ("all", "exact", "stem", "root"):
        got = json.loads(run("search", "مفاوضات", "--mode", mode, "-f", "json").stdout)
        assert got == {**cli_lib.search("مفاوضات", mode=mode).to_dict(), "took_ms": got["took_ms"]}
    for opt, value in (("source", "no such source"), ("category", "nothing"), ("since", "2100"),
                       ("until", "1900-01-01")):
        r = run("search", "قوات", f"--{opt}", value, "-f", "json")
        assert json.loads(r.stdout)["total"] == cli_lib.search("قوات", **{opt: value}).total
        assert r.exit_code == (0 if cli_lib.search("قوات", **{opt: value}).total else 1)
    assert run("search", "قوات", "--source", "no such source").exit_code == 1


def test_json_is_the_web_schema_and_json_flag_is_an_alias(run, cli_client):
    a = json.loads(run("search", "مفاوضات", "--format", "json").stdout)
    b = json.loads(run("search", "مفاوضات", "--json").stdout)
    api = cli_client.get("/api/search", query_string={"q": "مفاوضات"}).get_json()
    for d in (a, b, api):
        d.pop("took_ms")
    assert a == b == api


def test_jsonl_csv_tsv(run):
    ref = json.loads(run("search", "مفاوضات", "-f", "json").stdout)
    lines = run("search", "مفاوضات", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(l) for l in lines] == [{"rank": i, **h} for i, h in enumerate(ref["hits"], 1)]
    rows = list(csv.DictReader(io.StringIO(run("search", "مفاوضات", "-f", "csv").stdout)))
    assert [r["id"] for r in rows] == [h["id"] for h in ref["hits"]]
    assert rows[0]["rank"] == "1" and rows[0]["snippet"] == ref["hits"][0]["snippet_text"]
    assert rows[0]["title"] == ref["hits"][0]["title"]
    tsv = run("search", "مفاوضات", "-f", "tsv").stdout.splitlines()
    assert tsv[0].split("\t") == ["rank", "id", "score", "title", "date", "source", "url", "category", "snippet"]
    assert len(tsv) == len(ref["hits"]) + 1 and all(l.count("\t") == 8 for l in tsv)


def test_text_wraps_to_columns_without_breaking_words(run):
    r = run("search", "مفاوضات", env={"COLUMNS": "40"})
    words = set(re.findall(r"[\u0600-\u06ff]+", run("search", "مفاوضات").stdout))
    for line in r.stdout.splitlines():
        assert text_width(line) <= 40, line
    assert set(re.findall(r"[\u0600-\u06ff]+", r.stdout)) == words
    colored = run("search", "مفاوضات", "--color", env={"COLUMNS": "40"}).stdout
    for line in colored.splitlines():
        assert text_width(ANSI.sub("", line)) <= 40
        # every style opened on a line is closed on that same line
        for m in ANSI.finditer(line):
            if m.group() != "\x1b[0m":
                assert "\x1b[0m" in line[m.end():], line


def test_bidi_reorders_and_shapes_only_text(run):
    logical = run("search", "تهجير").stdout
    assert not PRESENTATION.search(logical)
    visual = run("search", "تهجير", "--bidi").stdout
    assert PRESENTATION.search(visual)
    assert "ﺮﻴﺠﻬﺗ" in visual  # تهجير shaped and reversed
    colored = run("--bidi", "search", "تهجير", "--color").stdout
    assert "\x1b[31m\x1b[1m[" not in colored and "\x1b[31m\x1b[1mﺮﻴﺠﻬﺗ\x1b[0m" in colored
    # ARSHIF_BIDI=1 is a terminal preference: piped output stays in logical order
    assert not PRESENTATION.search(run("search", "تهجير", env={"ARSHIF_BIDI": "1"}).stdout)
    # data formats are never reordered
    assert json.loads(run("search", "تهجير", "--bidi", "-f", "json").stdout)["query"] == "تهجير"
    assert not PRESENTATION.search(run("search", "تهجير", "--bidi", "-f", "tsv").stdout)


def test_pager_is_never_used_in_a_pipe(run, monkeypatch):
    import click as click_module
    calls = []
    monkeypatch.setattr(click_module, "echo_via_pager", lambda *a, **k: calls.append(a))
    r = run("search", "قوات", "--pager", "-n", "50", env={"LINES": "5"})
    assert r.exit_code == 0 and not calls and "1. " in r.stdout


def test_messages_go_to_stderr(run):
    r = run("search", "+", "-f", "json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["total"] == 0
    assert r.stderr.startswith("note: ")


# -- batch --------------------------------------------------------------------------
@pytest.fixture
def topics(tmp_path):
    f = tmp_path / "topics.tsv"
    f.write_text("# a comment\nq1\tتهجير\n\nمفاوضات\nq3\tكلمةغيرموجودةابدا\n", encoding="utf-8")
    return f


def test_batch_jsonl_is_one_results_object_per_query(run, topics, cli_lib):
    r = run("search", "--batch", str(topics))
    assert r.exit_code == 0
    got = [json.loads(l) for l in r.stdout.splitlines()]
    assert [g["qid"] for g in got] == ["q1", "4", "q3"]
    assert [g["total"] for g in got] == [cli_lib.search(q).total for q in ("تهجير", "مفاوضات", "كلمةغيرموجودةابدا")]


def test_batch_trec_csv_tsv(run, topics, cli_lib):
    trec = run("search", "--batch", str(topics), "--run-format", "trec", "-n", "3").stdout.splitlines()
    expected = cli_lib.search("تهجير", limit=3)
    assert trec[0].split() == ["q1", "Q0", expected.hits[0].article.id, "1", trec[0].split()[4], "arshif"]
    assert float(trec[0].split()[4]) == pytest.approx(expected.hits[0].score, abs=1e-4)
    assert all(len(l.split()) == 6 for l in trec)
    assert {l.split()[0] for l in trec} == {"q1", "4"}
    tagged = run("search", "--batch", str(topics), "--run-format", "trec", "--run-tag", "mine").stdout
    assert all(l.endswith(" mine") for l in tagged.splitlines())
    rows = list(csv.DictReader(io.StringIO(run("search", "--batch", str(topics), "-f", "csv").stdout)))
    assert rows[0]["qid"] == "q1" and rows[0]["rank"] == "1"
    tsv = run("search", "--batch", str(topics), "--run-format", "tsv").stdout.splitlines()
    assert tsv[0].startswith("qid\trank\tid")


def test_batch_from_stdin_exit_codes_and_bad_lines(run, tmp_path):
    r = run("search", "--batch", "-", input="كلمةغيرموجودةابدا\n")
    assert r.exit_code == 1
    r = run("search", "--batch", "-", "--since", "never", input="تهجير\n")
    assert r.exit_code == 2 and r.stdout == ""  # options are checked before the first query
    one_line_error(r, "since")
    assert run("search", "تهجير", "--batch", "-", input="x\n").exit_code == 2
    assert run("search", "تهجير", "--run-format", "trec").exit_code == 2
    r = run("search", "--batch", str(tmp_path / "missing.txt"))
    assert r.exit_code == 2 and "missing.txt" in r.stderr


# -- show ---------------------------------------------------------------------------
def test_show_text_json_jsonl_csv_tsv(run, cli_ids, cli_lib, cli_client):
    aid = cli_ids["000"]
    art = cli_lib.article(aid)
    text = run("show", aid).stdout
    assert text.startswith(art.title) and aid in text
    assert art.body.split("\n")[0][:40] in text
    got = json.loads(run("show", aid, "--format", "json").stdout)
    assert got == json.loads(run("show", aid, "--json").stdout) == cli_client.get(f"/api/articles/{aid}").get_json()
    assert json.loads(run("show", aid, "-f", "jsonl").stdout) == got
    marked = json.loads(run("show", aid, "--highlight", "تهجير", "-f", "json").stdout)
    assert marked == cli_client.get(f"/api/articles/{aid}", query_string={"q": "تهجير"}).get_json()
    assert '<mark class="exact">تهجير</mark>' in marked["body_html"]
    rows = list(csv.DictReader(io.StringIO(run("show", aid, "-f", "csv").stdout)))
    assert rows == [{k: v or "" for k, v in got.items() if k != "versions"}]
    tsv = run("show", aid, "-f", "tsv").stdout.splitlines()
    assert len(tsv) == 2 and tsv[1].split("\t")[0] == aid and "\n" not in tsv[1]


def test_show_highlight_history_several_and_missing(run, cli_ids):
    aid = cli_ids["000"]
    marked = run("show", aid, "--highlight", "تهجير").stdout
    assert "[تهجير]" in marked
    assert "\x1b[31m\x1b[1mتهجير" in run("show", aid, "--highlight", "تهجير", "--color").stdout
    rooted = run("show", aid, "--highlight", "مهجرين", "--mode", "root").stdout
    exact_only = run("show", aid, "--highlight", "مهجرين", "--mode", "exact").stdout
    assert "<تهجير>" in rooted and "<تهجير>" not in exact_only
    h = json.loads(run("show", aid, "--history", "-f", "json").stdout)
    assert h["history"][-1]["version"] >= 1
    assert "history" in run("show", aid, "--history").stdout
    hist_rows = list(csv.DictReader(io.StringIO(run("show", aid, "--history", "-f", "csv").stdout)))
    assert hist_rows[0]["version"] and hist_rows[0]["id"] == aid
    both = json.loads(run("show", cli_ids["000"], cli_ids["001"], "-f", "json").stdout)
    assert [d["id"] for d in both] == [cli_ids["000"], cli_ids["001"]]
    r = run("show", aid, "nosuchid")
    assert r.exit_code == 1 and "no article with id 'nosuchid'" in r.stderr and aid in r.stdout


# -- analyze, stats -----------------------------------------------------------------
def test_analyze_formats_and_stdin(run):
    text = run("analyze", "بتهجير المهجرين").stdout.splitlines()
    assert text[0].split() == ["surface", "normalized", "stem", "root"]
    assert text[1].split()[:1] == ["بتهجير"]
    data = json.loads(run("analyze", "بتهجير المهجرين", "-f", "json").stdout)
    assert data == json.loads(run("analyze", "بتهجير المهجرين", "--json").stdout)
    assert [t["surface"] for t in data] == ["بتهجير", "المهجرين"] and data[0]["root"] == "هجر"
    assert [json.loads(l) for l in run("analyze", "بتهجير المهجرين", "-f", "jsonl").stdout.splitlines()] == data
    rows = list(csv.DictReader(io.StringIO(run("analyze", "-", "-f", "csv", input="بتهجير المهجرين").stdout)))
    assert [r["stem"] for r in rows] == [t["stem"] for t in data]
    assert run("analyze", "بتهجير", "-f", "tsv").stdout.splitlines()[0].startswith("surface\tnormalized")
    assert "ﺮﻴﺠﻬﺘﺑ" in run("analyze", "بتهجير", "--bidi").stdout


def test_analyze_needs_no_archive(runner, tmp_path):
    assert runner.invoke(main, ["--home", str(tmp_path / "none"), "analyze", "كتب"]).exit_code == 0


def test_stats_formats(run, cli_lib, cli_client):
    s = cli_lib.stats()
    text = run("stats").stdout
    assert re.search(rf"^articles\s+{s['articles']}$", text, re.M)
    got = json.loads(run("stats", "-f", "json").stdout)
    assert got == json.loads(run("stats", "--json").stdout) == s
    api = cli_client.get("/api/stats").get_json()
    assert {k: v for k, v in got.items() if k in api} == api
    assert json.loads(run("stats", "-f", "jsonl").stdout) == s
    rows = {r["key"]: r["value"] for r in csv.DictReader(io.StringIO(run("stats", "-f", "csv").stdout))}
    assert rows["articles"] == str(s["articles"])
    assert run("stats", "-f", "tsv").stdout.splitlines()[0] == "key\tvalue"


# -- reindex, export, ingest, serve -------------------------------------------------
def test_reindex_rebuilds_and_search_still_works(runner, own_home):
    r = runner.invoke(main, ["--home", str(own_home), "reindex"])
    assert r.exit_code == 0 and r.stdout.startswith("indexed 5 articles")
    assert r.stderr == ""  # no progress bar when not on a terminal
    assert runner.invoke(main, ["--home", str(own_home), "search", "تهجير"]).exit_code == 0


def test_export_every_article_in_every_format(run, cli_lib, tmp_path):
    all_ids = sorted(a.id for a in cli_lib.store.iter_articles())
    lines = run("export").stdout.splitlines()
    dicts = [json.loads(l) for l in lines]
    assert sorted(d["id"] for d in dicts) == all_ids
    assert dicts[0] == cli_lib.article(dicts[0]["id"]).to_dict()
    assert json.loads(run("export", "-f", "json").stdout) == dicts
    assert json.loads(run("export", "--json").stdout) == dicts
    rows = list(csv.DictReader(io.StringIO(run("export", "-f", "csv").stdout)))
    assert [r["body"] for r in rows] == [d["body"] for d in dicts]
    tsv = run("export", "-f", "tsv").stdout.splitlines()
    assert len(tsv) == len(dicts) + 1
    text = run("export", "-f", "text").stdout
    assert all(d["title"] in text for d in dicts)
    out = tmp_path / "out.csv"
    r = run("export", "-f", "csv", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == "" and f"exported {len(dicts)} articles to {out}" in r.stderr
    assert list(csv.DictReader(out.open(encoding="utf-8", newline=""))) == rows


def test_export_a_query_in_ranked_order(run, cli_lib):
    ranked = [h.article.id for h in cli_lib.search("مفاوضات", limit=1000).hits]
    got = [json.loads(l)["id"] for l in run("export", "مفاوضات").stdout.splitlines()]
    assert got == ranked
    assert run("export", "كلمةغيرموجودةابدا").stdout == ""
    exact = [json.loads(l)["id"] for l in run("export", "مفاوضات", "--mode", "exact").stdout.splitlines()]
    assert exact == [h.article.id for h in cli_lib.search("مفاوضات", mode="exact", limit=1000).hits]
    assert run("export", "مفاوضات", "--source", "none").stdout == ""
    assert run("export", "مفاوضات", "--category", "none", "--since", "2000", "--until", "2001").stdout == ""
    assert json.loads(run("export", "مفاوضات", "-f", "json").stdout)[0]["id"] == ranked[0]


def test_ingest_summary_and_no_progress_when_piped(runner, tmp_path, seeds_dir):
    home = tmp_path / "h"
    r = runner.invoke(main, ["ingest", str(seeds_dir), "--home", str(home)])
    assert r.exit_code == 0 and r.stdout.startswith("added 5") and len(r.stdout.splitlines()) == 1
    assert r.stderr == ""
    r = runner.invoke(main, ["--home", str(home), "ingest", str(seeds_dir)])
    assert "unchanged 5" in r.stdout
    r = runner.invoke(main, ["--home", str(home), "ingest", str(tmp_path / "missing")])
    assert r.exit_code == 1 and "missing" in r.stderr


def test_serve_passes_home_host_port_threads_to_waitress(runner, cli_home, monkeypatch):
    import waitress
    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append((app, kw)))
    r = runner.invoke(main, ["--home", str(cli_home), "serve", "--host", "0.0.0.0",
                             "--port", "8123", "--threads", "2"])
    assert r.exit_code == 0 and "http://0.0.0.0:8123/" in r.stdout
    app, kw = calls[0]
    assert kw == {"host": "0.0.0.0", "port": 8123, "threads": 2, "ident": "arshif"}
    assert app.test_client().get("/api/search", query_string={"q": "تهجير"}).get_json()["total"] == 2
    assert runner.invoke(main, ["serve", "--port", "0"]).exit_code == 2


def test_similar_in_every_format_and_unknown_ids(run, cli_ids, cli_lib):
    aid = cli_ids["000"]
    ref = cli_lib.similar(aid, limit=3)
    assert ref.hits
    r = run("similar", aid, "-n", "3")
    assert r.exit_code == 0
    assert re.search(r"^1\. ", r.stdout, re.M) and ref.hits[0].article.id in r.stdout
    assert aid not in r.stdout.split("\n", 1)[1]  # the article itself is not similar to itself
    got = json.loads(run("similar", aid, "-n", "3", "-f", "json").stdout)
    assert got == {**ref.to_dict(), "took_ms": got["took_ms"]}
    assert json.loads(run("similar", aid, "-n", "3", "--json").stdout)["hits"] == got["hits"]
    assert [json.loads(l)["id"] for l in run("similar", aid, "-n", "3", "-f", "jsonl").stdout.splitlines()] \
        == [h["id"] for h in got["hits"]]
    rows = list(csv.DictReader(io.StringIO(run("similar", aid, "-n", "3", "-f", "csv").stdout)))
    assert [r["id"] for r in rows] == [h["id"] for h in got["hits"]]
    page2 = json.loads(run("similar", aid, "-n", "1", "--offset", "1", "-f", "json").stdout)
    assert [h["id"] for h in page2["hits"]] == [got["hits"][1]["id"]]
    assert run("similar", aid, "-f", "tsv").stdout.startswith("rank\tid")
    r = run("similar", "nosuchid")
    assert r.exit_code == 1
    one_line_error(r, "no article with id 'nosuchid'")


# -- an archive with sources, dates and categories ------------------------------------
@pytest.fixture(scope="module")
def rich_home(tmp_path_factory):
    """The web tests' fixture articles (sources, dates, categories, mixed scripts, HTML in
    titles) plus one whose title carries terminal escape codes."""
    home = tmp_path_factory.mktemp("cli-rich")
    evil = tmp_path_factory.mktemp("evil") / "evil.jsonl"
    evil.write_text(json.dumps({"id": "evil-1", "title": "تهجير \x1b[2J\x1b]0;pwned\x07 عنوان",
                                "body": "نص عن التهجير\x1b[31m الأحمر", "source": "مجهول",
                                "date": "2020-01-01"}) + "\n", encoding="utf-8")
    fixture = Path(__file__).parent / "fixtures" / "web_articles.jsonl"
    dup = dict(json.loads(fixture.read_text(encoding="utf-8").splitlines()[0]),
               id="dup-1", source="العربية", date="2018-04-21")
    evil.write_text(evil.read_text(encoding="utf-8") + json.dumps(dup) + "\n", encoding="utf-8")
    with Arshif(home) as a:
        report = a.ingest([fixture, evil])
    assert report.added + report.duplicate == 7 and not report.failures
    return home


@pytest.fixture(scope="module")
def rich_lib(rich_home):
    a = Arshif(rich_home)
    yield a
    a.close()


def test_metadata_filters_and_query_filters(runner, rich_home, rich_lib):
    def ids(*args):
        r = runner.invoke(main, ["--home", str(rich_home), "search", *args, "-f", "json"])
        return [h["id"] for h in json.loads(r.stdout)["hits"]]

    lib_ids = lambda q="تهجير", **kw: [h.article.id for h in rich_lib.search(q, **kw).hits]  # noqa: E731
    assert ids("تهجير", "--source", "الجزيرة") == lib_ids(source="الجزيرة") == ["w-jaz-1"]
    assert ids("تهجير", "--category", "مجتمع") == lib_ids(category="مجتمع") == ["w-enab-1"]
    assert ids("تهجير", "--since", "2018-05") == lib_ids(since="2018-05")
    assert ids("تهجير", "--until", "2018-04-30") == lib_ids(until="2018-04-30") == ["w-jaz-1"]
    assert ids("مصدر:الجزيرة", "تهجير") == ["w-jaz-1"]
    assert sorted(ids("--source", "الجزيرة")) == ["w-jaz-1", "w-jaz-2"]  # a filter alone
    assert ids("(تهجير", "أو", "مفاوضات)", "و", "الشمال") == lib_ids("(تهجير أو مفاوضات) و الشمال")
    text = runner.invoke(main, ["--home", str(rich_home), "search", "تهجير", "--source", "الجزيرة"]).stdout
    assert "الجزيرة · 2018-04-20 · سياسة · w-jaz-1" in text


def test_facets(runner, rich_home, rich_lib):
    r = runner.invoke(main, ["--home", str(rich_home), "search", "تهجير", "--facets", "-f", "json"])
    facets = json.loads(r.stdout)["facets"]
    assert facets == rich_lib.search("تهجير", facets=True).facets and facets["source"]["الجزيرة"] == 1
    assert "facets" not in json.loads(runner.invoke(
        main, ["--home", str(rich_home), "search", "تهجير", "-f", "json"]).stdout)
    text = runner.invoke(main, ["--home", str(rich_home), "search", "تهجير", "--facets"]).stdout
    assert re.search(r"^source: .*الجزيرة 1", text, re.M)
    assert re.search(r"^category: .*سياسة 2", text, re.M)


def test_collapse_flag_reaches_the_library(runner, rich_home, rich_lib):
    for flag, collapse in (("--collapse", True), ("--no-collapse", False)):
        r = runner.invoke(main, ["--home", str(rich_home), "search", "تهجير", flag, "-f", "json"])
        got = json.loads(r.stdout)
        assert got["hits"] == rich_lib.search("تهجير", collapse=collapse).to_dict()["hits"]


def test_duplicates_are_folded_and_listed_as_also_in(runner, rich_home, rich_lib):
    r = runner.invoke(main, ["--home", str(rich_home), "search", "تهجير", "-n", "20"])
    res = rich_lib.search("تهجير", limit=20)
    folded = [h for h in res.hits if h.also_in]
    assert folded
    first = folded[0].also_in[0]
    assert f"also in: {first['source']} ({first['date'][:10]}, {first['id']})" in r.stdout
    assert ("duplicate" in r.stdout.splitlines()[-1]) == bool(res.collapsed)
    plain = runner.invoke(main, ["--home", str(rich_home), "search", "تهجير", "-n", "20", "--no-collapse"])
    assert "also in" not in plain.stdout


def test_did_you_mean_is_shown_when_the_library_has_one(run, cli_lib):
    for q in ("تهجر", "مفاوضت", "القلمن"):
        suggestion = cli_lib.search(q).did_you_mean
        out = run("search", q).stdout
        if suggestion:
            assert f"did you mean: {suggestion}" in out
        else:
            assert "did you mean" not in out


def test_terminal_escapes_in_articles_never_reach_the_terminal(runner, rich_home):
    for args in (["search", "تهجير", "-n", "20"], ["show", "evil-1"], ["export", "-f", "text"],
                 ["search", "تهجير", "--bidi", "-n", "20"]):
        out = runner.invoke(main, ["--home", str(rich_home), *args]).stdout
        assert "\x1b" not in out and "\x07" not in out, args
        assert "pwned" in "".join(out.split()) or args[0] == "search"
    colored = runner.invoke(main, ["--home", str(rich_home), "show", "evil-1", "--color"]).stdout
    assert "\x1b[2J" not in colored and "\x1b]0;" not in colored
    # data formats keep the text as stored (JSON escapes it)
    got = json.loads(runner.invoke(main, ["--home", str(rich_home), "show", "evil-1", "-f", "json"]).stdout)
    assert "\x1b[2J" in got["title"]


def test_export_with_filters_only(runner, rich_home):
    r = runner.invoke(main, ["--home", str(rich_home), "export", "--source", "الجزيرة"])
    assert sorted(json.loads(l)["id"] for l in r.stdout.splitlines()) == ["w-jaz-1", "w-jaz-2"]
    r = runner.invoke(main, ["--home", str(rich_home), "export", "--since", "2019"])
    assert sorted(json.loads(l)["id"] for l in r.stdout.splitlines()) == ["evil-1", "w-reut-1"]
