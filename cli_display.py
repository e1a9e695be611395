"""How the ``arshif`` command puts text on a terminal.

Output is built as *spans*: ``(text, style)`` pairs, where ``style`` is a
dict of :func:`click.style` keywords or ``None``.  Keeping styles apart from
the text until the very end lets three things happen without ever cutting
through an ANSI escape code:

* **wrapping** to the terminal's width, word by word (display width measured
  with ``wcwidth``, so harakat take no room);
* **bidi display** (``--bidi``): for terminals that do not apply the Unicode
  bidirectional algorithm, each line is shaped (``arabic-reshaper``: joined
  letter forms) and reordered into visual order (``python-bidi``), each
  character keeping its style, so highlights survive the reordering;
* **styling**: spans become ANSI codes only when colour is on.

:class:`Screen` collects the lines of one command's output and writes them,
through a pager when the output is longer than the terminal (like
``git log``).  :func:`progress` is the progress bar convention (tqdm on
standard error, only on a terminal).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import click
from wcwidth import wcswidth

Style = dict | None
Span = tuple[str, Style]

# How a match is shown: in colour, each kind of match has its own style; without
# colour, its own brackets.
MATCH_STYLES = {
    "exact": {"fg": "red", "bold": True},
    "stem": {"fg": "yellow", "bold": True},
    "root": {"fg": "cyan", "underline": True},
}
MATCH_MARKS = {"exact": ("[", "]"), "stem": ("{", "}"), "root": ("<", ">")}
BOLD = {"bold": True}
DIM = {"dim": True}
ERROR = {"fg": "red", "bold": True}
SUGGEST = {"fg": "green", "bold": True}

TRUTHY = {"1", "true", "yes", "on"}
_SPACE = re.compile(r"(\s+)")


# Control characters in article text (an ESC could restyle or clear the user's terminal):
# tabs become spaces, the others are dropped.  Newlines never reach a line.
CONTROLS = {c: None for c in [*range(0x00, 0x20), *range(0x7f, 0xa0)]}
CONTROLS[0x09] = " "


def clean(text: str) -> str:
    return text.translate(CONTROLS)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in TRUTHY


def text_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (combining marks take none)."""
    w = wcswidth(text)
    return w if w >= 0 else len(text)


# -- wrapping ---------------------------------------------------------------------
def _words(spans: Iterable[Span]) -> Iterator[list[Span] | None]:
    """The spans as words (lists of spans without spaces); ``None`` stands for a space."""
    word: list[Span] = []
    for text, style in spans:
        for piece in _SPACE.split(text):
            if not piece:
                continue
            if piece.isspace():
                if word:
                    yield word
                    word = []
                yield None
            else:
                word.append((piece, style))
    if word:
        yield word


def _split_long(word: list[Span], room: int) -> tuple[list[Span], list[Span]]:
    """Cut a word wider than a whole line after ``room`` columns."""
    head: list[Span] = []
    used = 0
    for i, (text, style) in enumerate(word):
        for j, ch in enumerate(text):
            w = text_width(ch)
            if used + w > room and used:
                if j:
                    head.append((text[:j], style))
                return head, [(text[j:], style)] + word[i + 1:]
            used += w
        head.append((text, style))
    return head, []


def _span_width(spans: list[Span]) -> int:
    return sum(text_width(t) for t, _ in spans)


def wrap(spans: Iterable[Span], width: int | None, indent: str = "",
         subsequent: str | None = None) -> list[list[Span]]:
    """Lines of at most ``width`` columns, broken between words (never inside one
    unless it is wider than a line); runs of spaces become one.  ``width=None``
    means no wrapping."""
    subsequent = indent if subsequent is None else subsequent
    lines: list[list[Span]] = []
    line: list[Span] = [(indent, None)] if indent else []
    used, empty, space = text_width(indent), True, False

    def newline():
        nonlocal line, used, empty
        lines.append(line)
        line = [(subsequent, None)] if subsequent else []
        used, empty = text_width(subsequent), True

    for word in _words(spans):
        if word is None:
            space = not empty
            continue
        ww = _span_width(word)
        if width is not None and not empty and used + space + ww > width:
            newline()
            space = False
        if space:
            # a space between two words of one style takes that style (one ANSI run, not many)
            prev = line[-1][1] if line else None
            line.append((" ", prev if prev == word[0][1] else None))
            used += 1
            space = False
        while width is not None and empty and used < width < used + ww:
            head, word = _split_long(word, width - used)
            line.extend(head)
            newline()
            ww = _span_width(word)
        line.extend(word)
        used += ww
        empty = empty and not word
    lines.append(line)
    return lines


# -- bidi ---------------------------------------------------------------------------
def _reshape(text: str) -> str:
    import arabic_reshaper
    return arabic_reshaper.reshape(text)


def visual(spans: list[Span]) -> tuple[list[Span], bool]:
    """One line in visual (left-to-right display) order with joined Arabic letter forms,
    each character keeping its span's style.  Returns the spans and whether the line's
    base direction is right-to-left.

    Uses python-bidi's reference implementation step by step so that every character can
    carry its style through the reordering."""
    from bidi import algorithm as ub

    chars = []
    styles: list[Style] = []
    for text, style in spans:
        shaped = _reshape(text)
        chars.append(shaped)
        styles.extend([style] * len(shaped))
    text = "".join(chars)
    if not text:
        return [], False
    storage = ub.get_empty_storage()
    base = ub.get_base_level(text)
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    ub.get_embedding_levels(text, storage)
    for i, ch in enumerate(storage["chars"]):
        ch["arshif_style"] = i
    for step in (ub.explicit_embed_and_overrides, ub.resolve_weak_types, ub.resolve_neutral_types,
                 ub.resolve_implicit_levels, ub.reorder_resolved_levels, ub.apply_mirroring):
        step(storage, False)
    out: list[Span] = []
    for ch in storage["chars"]:
        style = styles[ch["arshif_style"]]
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + ch["ch"], style)
        else:
            out.append((ch["ch"], style))
    return out, bool(base)


# -- rendering ----------------------------------------------------------------------
def merge(spans: Iterable[Span]) -> list[Span]:
    """Adjacent spans of one style as one span."""
    out: list[Span] = []
    for text, style in spans:
        if not text:
            continue
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + text, style)
        else:
            out.append((text, style))
    return out


def render(spans: Iterable[Span], color: bool) -> str:
    if not color:
        return "".join(t for t, _ in spans)
    return "".join(click.style(t, **s) if s else t for t, s in merge(spans))


def terminal_width() -> int | None:
    """``$COLUMNS``, else the terminal's width when standard output is a terminal, else None."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return int(cols)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


@dataclass
class Screen:
    """The text output of one command: styled, wrapped, optionally bidi-ordered, paged."""

    color: bool = False
    bidi: bool = False
    pager: bool = False
    width: int | None = None
    lines: list[str] = field(default_factory=list)

    def match(self, text: str, kind: str | None) -> list[Span]:
        """A piece of text, marked as a match of ``kind`` (exact/stem/root) if it is one."""
        if not kind:
            return [(text, None)]
        if self.color:
            return [(text, MATCH_STYLES[kind])]
        b, e = MATCH_MARKS[kind]
        return [(f"{b}{text}{e}", None)]

    def para(self, spans: Iterable[Span] | str, indent: str = "", subsequent: str | None = None,
             style: Style = None) -> None:
        """A paragraph, wrapped to the width (each line of ``str`` input is its own paragraph)."""
        if isinstance(spans, str):
            for text in spans.split("\n"):
                self.para([(text, style)], indent, subsequent)
            return
        for line in wrap(spans, self.width, indent, subsequent):
            self.line(line)

    def line(self, spans: list[Span] | str = "") -> None:
        """One line as it is (no wrapping)."""
        if isinstance(spans, str):
            spans = [(spans, None)]
        spans = [(clean(t), s) for t, s in spans]
        if self.bidi:
            spans, rtl = visual(spans)
            if rtl and self.width:
                pad = self.width - sum(text_width(t) for t, _ in spans)
                if pad > 0:
                    spans = [(" " * pad, None)] + spans
        self.lines.append(render(spans, self.color))

    def table(self, rows: list[list[str]], header_style: Style = BOLD) -> None:
        """Columns aligned by display width; with bidi each cell is shaped on its own."""
        if not rows:
            return
        rows = [[clean(c) for c in r] for r in rows]
        cells = [[visual([(c, None)])[0] if self.bidi else [(c, None)] for c in r] for r in rows]
        texts = [["".join(t for t, _ in c) for c in r] for r in cells]
        widths = [max(text_width(r[i]) for r in texts) for i in range(len(rows[0]))]
        for n, r in enumerate(texts):
            parts = []
            for i, c in enumerate(r):
                pad = " " * (widths[i] - text_width(c)) if i < len(r) - 1 else ""
                parts.append((c + pad, header_style if n == 0 else None))
            joined: list[Span] = []
            for i, p in enumerate(parts):
                if i:
                    joined.append(("  ", None))
                joined.append(p)
            if joined:
                joined[-1] = (joined[-1][0].rstrip(), joined[-1][1])
            self.lines.append(render(joined, self.color).rstrip())

    def emit(self) -> None:
        """Write the collected lines, through the pager if they do not fit the terminal."""
        text = "\n".join(self.lines)
        self.lines = []
        if not text:
            return
        if self.pager and sys.stdout.isatty() and sys.stdin.isatty():
            height = shutil.get_terminal_size().lines
            if text.count("\n") + 1 >= height:
                os.environ.setdefault("LESS", "FRX")
                click.echo_via_pager(text + "\n", color=self.color)
                return
        click.echo(text, color=self.color)


# -- data formats -------------------------------------------------------------------
def dumps(data, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)


def tsv_cell(value) -> str:
    """A TSV cell: tabs, newlines and backslashes escaped, None empty, lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = dumps(value)
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


class RowWriter:
    """Rows of CSV (RFC 4180, via :mod:`csv`) or TSV (one line per row, escaped cells)."""

    def __init__(self, fmt: str, columns: list[str], out=None, header: bool = True):
        self.fmt, self.columns = fmt, columns
        self.out = out or sys.stdout
        self._csv = csv.writer(self.out, lineterminator="\n") if fmt == "csv" else None
        if header:
            self.write(dict(zip(columns, columns)))

    def write(self, row: dict) -> None:
        values = [row.get(c) for c in self.columns]
        if self._csv is not None:
            self._csv.writerow(["" if v is None else dumps(v) if isinstance(v, (list, dict)) else v
                                for v in values])
        else:
            self.out.write("\t".join(tsv_cell(v) for v in values) + "\n")


def rows_text(fmt: str, columns: list[str], rows: Iterable[dict]) -> str:
    buf = io.StringIO()
    w = RowWriter(fmt, columns, buf)
    for r in rows:
        w.write(r)
    return buf.getvalue()


# -- progress -----------------------------------------------------------------------
def progress(total: int | None = None, unit: str = "articles", desc: str | None = None,
             enabled: bool | None = None):
    """A progress bar on standard error, shown only when standard error is a terminal."""
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, unit=f" {unit}", desc=desc, disable=not enabled, file=sys.stderr,
                dynamic_ncols=True, leave=False)


class IndexingBar:
    """The second bar of an ingest: the indexing still to do once every article is
    stored (``update(done, total)``, as :meth:`index.api.Arshif.ingest` reports it);
    it replaces the ingest bar when it first moves."""

    def __init__(self, ingest_bar, enabled: bool | None):
        self._ingest_bar, self._enabled, self._bar = ingest_bar, enabled, None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            self._ingest_bar.close()
            self._bar = progress(total=total, unit="articles", desc="index", enabled=self._enabled)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
