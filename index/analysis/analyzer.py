"""The analyzer: text → tokens with their three search views.

For each word of a text the analyzer gives its surface (as written), its
normalized form (the *exact* view), its light stem and its root, its
character offsets and its position.  Word-level analysis is a pure function
of the surface string, and news vocabulary is Zipfian, so it is memoized:
most words of a new article have been seen before.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Iterator, NamedTuple

from . import morph
from .normalize import normalize
from .root import root
from .stem import light_stem
from .stopwords import is_stopword
from .tokenize import spans


class WordAnalysis(NamedTuple):
    normalized: str
    stem: str
    root: str
    stop: bool


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    normalized: str
    stem: str
    root: str
    start: int
    end: int
    pos: int
    stop: bool

    def to_dict(self) -> dict:
        return asdict(self)


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
        n = normalize(surface)
        if is_stopword(n):
            return WordAnalysis(n, n, n, True)
        if n and "\u0621" <= n[0] <= "\u064A":
            m = morph.analyze(n)
            if m is not None:
                return WordAnalysis(n, m[0], m[1], False)
        s = light_stem(n)
        return WordAnalysis(n, s, root(s), False)

    def tokens(self, text: str) -> Iterator[Token]:
        pos = 0
        for surface, start, end in spans(text):
            a = self.word(surface)
            if not a.normalized:
                continue
            yield Token(surface, a.normalized, a.stem, a.root, start, end, pos, a.stop)
            pos += 1

    def analyze(self, text: str) -> list[Token]:
        return list(self.tokens(text))


analyzer = Analyzer()
