"""The analyzer: text → tokens with their three search views.

For each word of a text the analyzer gives its surface (as written), its
normalized form (the *exact* view), its light stem and its root, its
character offsets and its position.  Word-level analysis is a pure function
of the surface string, and news vocabulary is Zipfian, so it is memoized:
most words of a new article have been seen before.
"""
from __future__ import annotations

import threading
from typing import Iterator, NamedTuple

from . import lexicon, morph
from .normalize import normalize, normalize_keep_hamza
from .root import root
from .stem import light_stem
from .stopwords import is_stopword
from .tokenize import WORD


_HAMZA_LETTERS = frozenset("أإآؤئء")


class WordAnalysis(NamedTuple):
    normalized: str
    stem: str
    root: str
    stop: bool


class Token(NamedTuple):
    """One word of a text: as written, its three views, offsets, position.
    (A named tuple: immutable, and cheap to make by the million.)"""
    surface: str
    normalized: str
    stem: str
    root: str
    start: int
    end: int
    pos: int
    stop: bool

    def to_dict(self) -> dict:
        return self._asdict()


class Analyzer:
    """Thread-safe, memoizing analyzer.  Use the module-level :data:`analyzer`."""

    def __init__(self, cache_size: int = 500_000):
        self._cache: dict[str, WordAnalysis] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def word(self, surface: str) -> WordAnalysis:
        a = self._cache.get(surface)
        if a is None:
            a = self._analyze_word(surface)
            if len(self._cache) >= self._cache_size:
                with self._lock:
                    self._cache.clear()
            self._cache[surface] = a
        return a

    @staticmethod
    def _analyze_word(surface: str) -> WordAnalysis:
        # A stop word is analyzed like any word; its flag keeps it out of
        # the stem and root views (the index and the query side check it).
        n = normalize(surface)
        stop = is_stopword(n)
        if n and "\u0621" <= n[0] <= "\u064A":
            m = morph.analyze(n, hamza=not _HAMZA_LETTERS.isdisjoint(surface))
            if m is not None:
                return WordAnalysis(n, m[0], m[1], stop)
        # Unknown to the dictionary (often a name): the rule-based light stem,
        # and a root only if it is one the dictionary knows (بيروت stays whole).
        s = light_stem(n)
        h = normalize_keep_hamza(surface)
        r = root(h)
        if r not in lexicon.ROOTS:
            r = root(light_stem(h))
            if r not in lexicon.ROOTS:
                r = s
        return WordAnalysis(n, s, r, stop)

    def tokens(self, text: str) -> Iterator[Token]:
        pos = 0
        get = self._cache.get
        new = tuple.__new__
        for m in WORD.finditer(text):
            surface = m.group()
            a = get(surface) or self.word(surface)
            if a[0]:  # normalized form not empty
                start, end = m.span()
                yield new(Token, (surface, a[0], a[1], a[2], start, end, pos, a[3]))
                pos += 1

    def analyze(self, text: str) -> list[Token]:
        out: list[Token] = []
        append = out.append
        get = self._cache.get
        new = tuple.__new__
        for m in WORD.finditer(text):
            surface = m.group()
            a = get(surface) or self.word(surface)
            if a[0]:
                start, end = m.span()
                append(new(Token, (surface, a[0], a[1], a[2], start, end, len(out), a[3])))
        return out


analyzer = Analyzer()
