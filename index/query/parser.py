"""The query language: what a journalist types → a small syntax tree.

Supported forms:

* plain words: ``تهجير القلمون`` (ranked; more matching words rank higher);
* phrases in ``"…"``, ``«…»`` or curly quotes ``“…”``;
* ``+word`` (required) and ``-word`` (excluded), also on phrases.

The parser never fails: text it cannot make sense of is searched as words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

MAX_QUERY_CHARS = 1000

QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“", "‘": "’"}


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


Node = Union[Word, Phrase]


@dataclass(frozen=True)
class Clause:
    occur: str  # "should" | "must" | "must_not"
    node: Node


_OPEN = "".join(re.escape(q) for q in QUOTES)
_TOKEN = re.compile(
    r"(?P<sign>[+-]?)(?:(?P<open>[" + _OPEN + r"])(?P<phrase>[^" + _OPEN + "".join(
        re.escape(c) for c in QUOTES.values()) + r"]*)[" + "".join(
        re.escape(c) for c in QUOTES.values()) + r"]?|(?P<word>\S+))"
)


def parse(text: str) -> list[Clause]:
    text = (text or "")[:MAX_QUERY_CHARS]
    clauses: list[Clause] = []
    for m in _TOKEN.finditer(text):
        occur = {"+": "must", "-": "must_not"}.get(m.group("sign"), "should")
        if m.group("open") is not None:
            words = tuple(m.group("phrase").split())
            if not words:
                continue
            node: Node = Phrase(words) if len(words) > 1 else Word(words[0])
        else:
            node = Word(m.group("word"))
        clauses.append(Clause(occur, node))
    return clauses
