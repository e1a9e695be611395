"""Terminal text: wrapping by display width, bidi display with styles kept, CSV/TSV cells."""
from __future__ import annotations

import csv
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cli_display import RowWriter, Screen, render, text_width, tsv_cell, visual, wrap

ANSI = re.compile(r"\x1b\[[0-9;]*m")
RED = {"fg": "red"}
WORD = st.text(alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى" "abcXYZ019" "\u064e\u0650\u0651",
               min_size=1, max_size=14).filter(lambda w: not w[0] in "\u064e\u0650\u0651")
SPANS = st.lists(st.tuples(st.lists(WORD, min_size=1, max_size=6).map(" ".join),
                           st.sampled_from([None, RED, {"bold": True}])), min_size=1, max_size=6)


def words_of(lines):
    return " ".join("".join(t for t, _ in line) for line in lines).split()


@settings(max_examples=150, deadline=None)
@given(SPANS, st.integers(min_value=8, max_value=60), st.sampled_from(["", "  ", "    "]))
def test_wrap_fits_the_width_and_keeps_every_word(spans, width, indent):
    joined = [(t + " ", s) for t, s in spans]
    lines = wrap(joined, width, indent)
    for line in lines:
        assert text_width("".join(t for t, _ in line)) <= width
    original = " ".join(t for t, _ in joined).split()
    got = words_of(lines)
    if all(text_width(w) + len(indent) <= width for w in original):
        assert got == original  # no word broken
    else:
        assert "".join(got) == "".join(original)  # only words wider than a line are cut


@settings(max_examples=100, deadline=None)
@given(SPANS, st.integers(min_value=10, max_value=60))
def test_styles_survive_wrapping_and_never_cross_a_line(spans, width):
    lines = wrap([(t + " ", s) for t, s in spans], width)
    for line in lines:
        out = render(line, True)
        for m in ANSI.finditer(out):
            if m.group() != "\x1b[0m":
                assert "\x1b[0m" in out[m.end():]
        assert ANSI.sub("", out) == "".join(t for t, _ in line)


def test_wrap_without_width_is_one_line_with_single_spaces():
    assert render(wrap([("a  b ", None), ("c", RED)], None, "> ")[0], False) == "> a b c"


def test_visual_reverses_arabic_keeps_latin_and_styles():
    spans = [("قال ", None), ("المتحدث", RED), (" إن abc 2018 ", None), ("(في)", None)]
    out, rtl = visual(spans)
    assert rtl
    text = "".join(t for t, _ in out)
    assert "abc 2018" in text  # left-to-right runs keep their order
    assert text.endswith("ﻝﺎﻗ")  # the first word is at the right
    assert text.startswith("(ﻲﻓ)")  # the last word at the left, brackets mirrored
    red = [t for t, s in out if s == RED]
    assert red == ["ﺙﺪﺤﺘﻤﻟﺍ"]  # the styled word, shaped and reversed, still styled
    ltr, rtl = visual([("hello ", None), ("world", RED)])
    assert not rtl and ltr == [("hello ", None), ("world", RED)]


def test_screen_bidi_right_aligns_rtl_lines_to_the_width():
    s = Screen(bidi=True, width=30)
    s.line("مرحبا")
    s.line("hello")
    assert s.lines[0] == " " * 25 + "ﺎﺒﺣﺮﻣ"
    assert s.lines[1] == "hello"


def test_screen_marks_without_colour_and_styles_with_it():
    assert Screen(color=False).match("كتب", "stem") == [("{كتب}", None)]
    assert Screen(color=False).match("كتب", "root") == [("<كتب>", None)]
    assert Screen(color=True).match("كتب", "exact")[0][1]["fg"] == "red"
    assert Screen().match("كتب", None) == [("كتب", None)]


def test_table_aligns_by_display_width():
    s = Screen()
    s.table([["surface", "root"], ["قُتِلَ", "قتل"], ["x", "y"]])
    # harakat take no columns: the second column starts at the same place on every line
    starts = [text_width(line[: line.rindex(" ") + 1]) for line in s.lines]
    assert len(set(starts)) == 1


def test_csv_and_tsv_cells():
    buf = io.StringIO()
    w = RowWriter("csv", ["a", "b", "c"], buf)
    w.write({"a": 'x,"y"', "b": None, "c": ["ق", 1]})
    assert list(csv.reader(io.StringIO(buf.getvalue()))) == [["a", "b", "c"], ['x,"y"', "", '["ق", 1]']]
    assert tsv_cell("a\tb\nc\\") == "a\\tb\\nc\\\\"
    assert tsv_cell(None) == ""
