"""`arshif` as a real process: on a pseudo-terminal (pexpect) and through pipes.

What depends on a terminal — highlight colours, the bidi display preference,
the progress bar, the pager — must appear on the terminal and not in a pipe.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from conftest import seed_archive

from cli_display import text_width

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")
EXACT = "\x1b[31m\x1b[1m"


def arshif_command() -> list[str]:
    """The installed console script next to this Python, else the module."""
    script = Path(sys.executable).parent / "arshif"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def environment(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "ARSHIF_BIDI", "COLUMNS", "LINES", "PAGER", "LESS", "ARSHIF_DEBUG")}
    env.update(ARSHIF_HOME=str(home), TERM="xterm-256color", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def on_tty(home: Path, *args: str, rows: int = 50, cols: int = 100, **env) -> tuple[str, int]:
    """Run ``arshif ARGS`` on a pseudo-terminal; (everything it showed, exit status)."""
    cmd = arshif_command()
    child = pexpect.spawn(cmd[0], cmd[1:] + list(args), env=environment(home, **env),
                          dimensions=(rows, cols), encoding="utf-8", timeout=120)
    out = child.read()
    child.close()
    return out.replace("\r\n", "\n"), child.exitstatus


def piped(home: Path, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(arshif_command() + list(args), env=environment(home, **env),
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def own_home(tmp_path, seeds_dir):
    return seed_archive(tmp_path / "own")


def test_highlights_and_wrapping_on_a_terminal_only(cli_home):
    tty, status = on_tty(cli_home, "search", "مفاوضات", "--no-pager", cols=50)
    assert status == 0
    assert EXACT in tty and "\x1b[33m\x1b[1m" in tty and "\x1b[36m\x1b[4m" in tty
    lines = [ANSI.sub("", l) for l in tty.splitlines()]
    assert 30 < max(text_width(l) for l in lines) <= 50
    assert not PRESENTATION.search(tty)  # logical order unless asked
    p = piped(cli_home, "search", "مفاوضات", ARSHIF_BIDI="1")
    assert p.returncode == 0
    assert not ANSI.search(p.stdout) and re.search(r"\[[^\]]+\]", p.stdout)
    assert max(text_width(l) for l in p.stdout.splitlines()) > 50  # pipes are not wrapped
    assert not PRESENTATION.search(p.stdout)  # ARSHIF_BIDI is for terminals: pipes stay logical
    assert len(re.findall(r"^\d+\. ", "\n".join(lines), re.M)) == len(re.findall(r"^\d+\. ", p.stdout, re.M))


def test_no_color_env_on_a_terminal(cli_home):
    out, _ = on_tty(cli_home, "search", "تهجير", "--no-pager", NO_COLOR="1")
    assert not ANSI.search(out) and "[تهجير]" in out


def test_bidi_display_on_a_terminal(cli_home):
    out, status = on_tty(cli_home, "search", "تهجير", "--no-pager", ARSHIF_BIDI="1")
    assert status == 0
    assert PRESENTATION.search(out)
    assert EXACT + "ﺮﻴﺠﻬﺗ" + "\x1b[0m" in out  # highlight kept on the shaped, reordered word
    for line in out.splitlines():
        assert text_width(ANSI.sub("", line)) <= 100


def test_progress_bar_on_a_terminal_only(own_home, tmp_path, seeds_dir):
    out, status = on_tty(own_home, "reindex")
    assert status == 0
    assert "reindex:" in out and "/5" in out and "articles/s" in out
    assert "indexed 5 articles" in out
    p = piped(own_home, "reindex")
    assert p.returncode == 0 and p.stdout.startswith("indexed 5 articles")
    assert p.stderr == ""
    out, status = on_tty(tmp_path / "new", "ingest", str(seeds_dir))
    assert status == 0 and "ingest:" in out and "articles" in out and "added 5" in out
    assert "index:" in out and "5/5" in out  # then the indexing left, on a second bar
    out, status = on_tty(own_home, "export", "-o", str(tmp_path / "x.jsonl"))
    assert status == 0 and "export:" in out and "/5" in out
    p = piped(own_home, "export", "-o", str(tmp_path / "y.jsonl"))
    assert p.stderr == f"exported 5 articles to {tmp_path / 'y.jsonl'}\n"


def test_long_output_goes_through_the_pager_on_a_terminal(cli_home, cli_ids):
    pager = "sed -e s/^/PAGED:/"
    out, status = on_tty(cli_home, "show", cli_ids["000"], rows=10, PAGER=pager)
    assert status == 0 and "PAGED:" in out
    out, _ = on_tty(cli_home, "show", cli_ids["000"], "--no-pager", rows=10, PAGER=pager)
    assert "PAGED:" not in out


def test_exit_codes_and_one_line_errors_as_a_process(cli_home, tmp_path):
    p = piped(tmp_path / "none", "search", "تهجير")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == f"error: no archive at {tmp_path / 'none'}: run `arshif ingest PATH` first\n"


def test_arabic_in_and_out_under_an_ascii_locale(cli_home):
    """LANG=C without UTF-8 coercion: queries typed in UTF-8 still match, output is UTF-8."""
    env = environment(cli_home, LC_ALL="C", LANG="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0")
    env.pop("PYTHONIOENCODING")
    p = subprocess.run(arshif_command() + ["search", "تهجير"], env=env, capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "[تهجير]" in p.stdout.decode("utf-8")
    p = subprocess.run(arshif_command() + ["analyze", "-", "-f", "tsv"], env=env, capture_output=True,
                       input="بتهجير".encode("utf-8"), timeout=120)
    assert p.returncode == 0 and "بتهجير\tبتهجير\t" in p.stdout.decode("utf-8")


def test_a_closed_pipe_ends_quietly(cli_home):
    text = " ".join(["بتهجير المهجرين والمفاوضات"] * 20000)
    p = subprocess.Popen(arshif_command() + ["analyze", "-", "-f", "jsonl"], env=environment(cli_home),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(text.encode("utf-8"))
    p.stdin.close()
    first = p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode("utf-8")
    p.wait(timeout=120)
    assert first.startswith(b"{")
    assert "Traceback" not in err and "Broken pipe" not in err, err
    assert p.returncode == 0
