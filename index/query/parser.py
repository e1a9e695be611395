"""The query language: what a journalist types → a small syntax tree.

Supported forms (one parser for the CLI, the web pages and the API):

* plain words ``تهجير القلمون``: ranked, more matching words rank higher;
* phrases in ``"…"``, ``«…»`` or curly quotes ``“…”``;
* ``+word`` (required), ``-word`` (excluded), also on phrases and groups;
* ``AND``, ``OR``, ``NOT`` (upper case) and the Arabic ``و`` ``أو`` ``ليس``,
  operators only when they stand alone between spaces (the attached
  conjunction in ``والتهجير`` is never one); ``AND``/``و`` bind tighter than
  ``OR``/``أو``; parentheses group;
* filters ``source:`` ``category:`` ``date:`` ``since:`` ``until:`` and their
  Arabic names (``مصدر:`` ``قسم:`` ``تاريخ:`` ``منذ:`` ``حتى:``); a value with
  spaces goes in quotes (``مصدر:"الجزيرة نت"``); dates are ``2018``,
  ``2018-04``, ``2018-04-21`` or a range ``2018-04..2018-05``.  Filters
  apply to the whole query wherever they are written;
* ``title:word`` / ``عنوان:word`` searches titles only;
* wildcards: ``تهج*`` (prefix, at least two letters before ``*``) and ``?``
  or ``؟`` for one letter inside a word (``م؟مد``).  A ``?``/``؟`` at the end
  of a word is a question mark, not a wildcard;
* an explicit root search ``جذر:هجر`` (``root:هجر``).

The parser never fails: anything it cannot make sense of (an unclosed
parenthesis, an operator with nothing to join, an unknown ``name:``) is read
as plain words, and :attr:`Parsed.messages` says so.  Queries longer than
:data:`MAX_QUERY_CHARS` characters are cut there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from ..analysis import normalize

MAX_QUERY_CHARS = 1000
MAX_DEPTH = 20  # nested parentheses deeper than this are read as words

QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“", "‘": "’", "”": "”"}
CLOSERS = set(QUOTES.values())

# Operator words (as typed; the Arabic ones are compared after normalization).
AND_WORDS = {"AND", "&&", "و"}
OR_WORDS = {"OR", "||", "او"}
NOT_WORDS = {"NOT", "ليس"}

# Field names → canonical field.  Names are compared normalized and case-folded.
FIELD_NAMES = {
    "source": "source", "src": "source", "مصدر": "source", "المصدر": "source",
    "category": "category", "cat": "category", "قسم": "category", "القسم": "category",
    "تصنيف": "category", "التصنيف": "category", "فئه": "category",
    "date": "date", "تاريخ": "date", "التاريخ": "date",
    "since": "since", "منذ": "since",
    "until": "until", "حتي": "until",
    "root": "root", "جذر": "root", "الجذر": "root",
    "title": "title", "عنوان": "title", "العنوان": "title",
}
FILTER_FIELDS = ("source", "category", "date", "since", "until")
WILDCARD_CHARS = "*?؟"


@dataclass(frozen=True)
class Word:
    """A word as typed.  ``kind`` is ``word``, ``wildcard`` or ``root``;
    ``field`` restricts it to one text field (``title``) or is None for all."""

    text: str
    kind: str = "word"
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class Group:
    """Clauses combined Lucene-style: all ``must``, none of ``must_not``, and
    (if there is no ``must``) at least one ``should``; ``should`` adds score."""

    must: tuple["Node", ...] = ()
    should: tuple["Node", ...] = ()
    must_not: tuple["Node", ...] = ()


Node = Union[Word, Phrase, Group]


@dataclass
class Parsed:
    node: Node | None
    filters: dict[str, str] = field(default_factory=dict)  # canonical name → value as typed
    messages: list[str] = field(default_factory=list)


# -- tokens ------------------------------------------------------------------
_OPEN = "".join(re.escape(q) for q in QUOTES)
_CLOSE = "".join(re.escape(c) for c in CLOSERS)
_QUOTED = rf"[{_OPEN}][^{_CLOSE}]*[{_CLOSE}]?"
_TOKEN = re.compile(
    rf"(?P<lp>[+\-]?\()|(?P<rp>\))"
    rf"|(?P<sign>[+\-]?)(?:(?P<fname>[^\s:()\"«»“”„‘’+\-][^\s:()\"«»“”„‘’]*):(?P<fval>{_QUOTED}|[^\s()]+)"
    rf"|(?P<phrase>{_QUOTED})|(?P<word>[^\s()\"«»“”„‘’]+))"
)


@dataclass
class _Tok:
    kind: str  # "(" ")" "op" "atom"
    value: object = None
    sign: str = ""
    text: str = ""


def _unquote(s: str) -> str:
    if s and s[0] in QUOTES:
        s = s[1:]
        if s and s[-1] in CLOSERS:
            s = s[:-1]
    return s.strip()


def _tokens(text: str, messages: list[str], filters: dict[str, str]) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        if m.group("lp"):
            toks.append(_Tok("(", sign=m.group("lp")[:-1], text=m.group("lp")))
            continue
        if m.group("rp"):
            toks.append(_Tok(")", text=")"))
            continue
        sign = m.group("sign") or ""
        raw = m.group(0)
        if m.group("fname") is not None:
            name = FIELD_NAMES.get(normalize(m.group("fname")))
            value = _unquote(m.group("fval"))
            if name is None or not value:
                # Not a field: "الساعة 10:30", "http://…" → plain words.
                toks.append(_Tok("atom", Word(raw.lstrip("+-")), sign, raw))
            elif name in FILTER_FIELDS:
                if sign == "-":
                    messages.append(f"'{raw}': filters cannot be excluded; used as a filter")
                if name in filters and filters[name] != value:
                    messages.append(f"'{raw}' replaces the earlier {name} filter")
                filters[name] = value
            elif name == "root":
                toks.append(_Tok("atom", Word(value.split()[0], "root"), sign, raw))
            else:  # title
                words = tuple(value.split())
                node = Phrase(words, "title") if len(words) > 1 else Word(words[0], _word_kind(words[0]), "title")
                toks.append(_Tok("atom", node, sign, raw))
            continue
        if m.group("phrase") is not None:
            words = tuple(_unquote(m.group("phrase")).split())
            if not words:
                continue
            node = Phrase(words) if len(words) > 1 else Word(words[0])
            toks.append(_Tok("atom", node, sign, raw))
            continue
        word = m.group("word")
        if not sign:
            up = word if word.isascii() else normalize(word)
            if up in AND_WORDS:
                toks.append(_Tok("op", "AND", text=word))
                continue
            if up in OR_WORDS:
                toks.append(_Tok("op", "OR", text=word))
                continue
            if up in NOT_WORDS:
                toks.append(_Tok("op", "NOT", text=word))
                continue
        elif not word.strip("+-"):
            continue  # a lone "+" or "-"
        toks.append(_Tok("atom", Word(word, _word_kind(word)), sign, raw))
    return toks


def _word_kind(word: str) -> str:
    core = word.rstrip("?؟")  # a trailing question mark is punctuation
    return "wildcard" if any(c in core for c in WILDCARD_CHARS) else "word"


# -- grammar -----------------------------------------------------------------
#   query := or_expr
#   or_expr := seq (OR seq)*
#   seq := item ((AND)? item)*
#   item := NOT item | [+-] atom | [+-] "(" or_expr ")"
class _Parser:
    def __init__(self, toks: list[_Tok], messages: list[str]):
        self.toks = toks
        self.i = 0
        self.messages = messages
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def or_expr(self) -> Node | None:
        parts = []
        first = self.seq()
        if first is not None:
            parts.append(first)
        while (t := self.peek()) is not None and t.kind == "op" and t.value == "OR":
            self.take()
            nxt = self.seq()
            if nxt is None or not parts:
                self._as_word(t)
                if nxt is not None:
                    parts.append(nxt)
                continue
            parts.append(nxt)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Group(should=tuple(parts))

    def seq(self) -> Node | None:
        """Items in a row; AND between two items makes both required."""
        items: list[tuple[str, Node]] = []  # (occur, node)
        pending_and = False
        while (t := self.peek()) is not None:
            if t.kind == ")" or (t.kind == "op" and t.value == "OR"):
                break
            if t.kind == "op" and t.value == "AND":
                self.take()
                nxt = self.peek()
                if not items or nxt is None or nxt.kind == ")" or (nxt.kind == "op" and nxt.value in ("AND", "OR")):
                    self._as_word(t)
                    items.append(("should", Word(t.text)))
                    continue
                pending_and = True
                continue
            got = self.item()
            if got is None:
                continue
            occur, node = got
            if pending_and:
                if occur == "should":
                    occur = "must"
                if items and items[-1][0] == "should":
                    items[-1] = ("must", items[-1][1])
                pending_and = False
            items.append((occur, node))
        if not items:
            return None
        if len(items) == 1 and items[0][0] != "must_not":
            return items[0][1]
        must = tuple(n for o, n in items if o == "must")
        should = tuple(n for o, n in items if o == "should")
        must_not = tuple(n for o, n in items if o == "must_not")
        return Group(must, should, must_not)

    def item(self) -> tuple[str, Node] | None:
        t = self.take()
        if t.kind == "op" and t.value == "NOT":
            nxt = self.peek()
            if nxt is None or nxt.kind == ")" or nxt.kind == "op":
                self._as_word(t)
                return "should", Word(t.text)
            got = self.item()
            if got is None:
                return None
            return "must_not", got[1]
        if t.kind == "op":  # an OR/AND where no operand can follow
            self._as_word(t)
            return "should", Word(t.text)
        occur = {"+": "must", "-": "must_not"}.get(t.sign, "should")
        if t.kind == "atom":
            return occur, t.value
        if t.kind == ")":
            self.messages.append("an unmatched ')' was ignored")
            return None
        # "(" … ")"
        if self.depth >= MAX_DEPTH:
            self.messages.append("parentheses nested too deeply; read as words")
            return None
        self.depth += 1
        inner = self.or_expr()
        self.depth -= 1
        if self.peek() is not None and self.peek().kind == ")":
            self.take()
        else:
            self.messages.append("a '(' was not closed; closed it at the end")
        if inner is None:
            return None
        return occur, inner

    def _as_word(self, t: _Tok) -> None:
        self.messages.append(f"'{t.text}' has nothing to join here; searched as a word")

    def parse(self) -> Node | None:
        node = self.or_expr()
        while self.peek() is not None:  # a stray ")" stopped the top level
            self.take()
            self.messages.append("an unmatched ')' was ignored")
            more = self.or_expr()
            if more is not None:
                node = more if node is None else Group(should=(node, more))
        return node


def parse(text: str) -> Parsed:
    """Parse ``text``; never raises."""
    messages: list[str] = []
    text = text or ""
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        messages.append(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
    filters: dict[str, str] = {}
    try:
        toks = _tokens(text, messages, filters)
        node = _Parser(toks, messages).parse()
    except Exception as e:  # a parser bug must never cost the user the search
        messages.append(f"the query could not be parsed ({type(e).__name__}); searched as plain words")
        node = Group(should=tuple(Word(w) for w in text.split() if w.strip("()")))
        node = node if node.should else None
    return Parsed(node, filters, list(dict.fromkeys(messages)))


def plain_words(node: Node | None) -> list[str]:
    """Every word of the tree that is not excluded, in order (for suggestions)."""
    out: list[str] = []

    def walk(n):
        if isinstance(n, Word):
            if n.kind == "word":
                out.append(n.text)
        elif isinstance(n, Phrase):
            out.extend(n.words)
        elif isinstance(n, Group):
            for c in (*n.must, *n.should):
                walk(c)

    walk(node)
    return out
