"""The analyzer: text → tokens with their three search views.

For each word of a text the analyzer gives its surface (as written), its
normalized form (the *exact* view), its light stem and its root, its
character offsets and its position.  Word-level analysis is a pure function
of the surface string, and news vocabulary is Zipfian, so it is memoized:
most words of a new article have been seen before.

The memo can be saved and loaded (:meth:`Analyzer.save`, :meth:`Analyzer.load`):
the indexer keeps it beside the index, so a new process (a CLI ingest, a
reindex) starts warm instead of analysing every word of the archive again.
The file's name carries :data:`~index.analysis.ANALYSIS_VERSION`'s value
given by the caller, so a changed analysis never reads old answers.
"""
from __future__ import annotations

import gc
import marshal
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

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


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a block that makes many objects and
    no reference cycles (loading the memo, indexing), on again after it if it
    was on: the collections such a block sets off only walk what it keeps."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Analyzer:
    """Thread-safe, memoizing analyzer.  Use the module-level :data:`analyzer`."""

    def __init__(self, cache_size: int = 1_500_000):
        self._cache: dict[str, WordAnalysis] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._saved = 0  # entries in the cache when it was last loaded or saved

    @property
    def cached(self):
        """``cached(surface)``: the memoized analysis of a word, or None (no analysis done)."""
        return self._cache.get

    def load(self, path: Path) -> int:
        """Add the word analyses saved in ``path`` (if it exists) to the memo; how many.

        About a million objects for 428,000 words, made with the collector
        paused: the collections they set off took a third of the time
        (1.35-1.65 s against 0.85-1.04 s)."""
        with collector_paused():
            return self._load(path)

    def _load(self, path: Path) -> int:
        try:
            entries = marshal.loads(Path(path).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return 0  # missing or unreadable: it is only a cache
        if not isinstance(entries, dict):
            return 0
        room = self._cache_size - len(self._cache)
        new = tuple.__new__
        with self._lock:
            for k, v in entries.items():
                if room <= 0:
                    break
                if k not in self._cache:
                    self._cache[k] = new(WordAnalysis, v)
                    room -= 1
            self._saved = len(self._cache)
        return len(entries)

    def save(self, path: Path, min_new: int = 1000) -> bool:
        """Write the memo to ``path`` (atomically) when it grew by ``min_new`` words since
        it was loaded or saved; True if written."""
        if len(self._cache) - self._saved < min_new:
            return False
        with self._lock:
            data = marshal.dumps({k: tuple(v) for k, v in self._cache.items()})
            self._saved = len(self._cache)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True

    def analyze_new(self, texts: Iterable[str]) -> dict[str, tuple]:
        """Analyse the words of ``texts`` not memoized yet (memoizing them); their
        analyses as plain tuples, ``{surface: (normalized, stem, root, stop)}``:
        what another process can :meth:`learn` instead of analysing them again."""
        cache = self._cache
        pieces: set[str] = set()
        for text in texts:
            pieces.update(text.split())
        fresh: dict[str, tuple] = {}
        # Most pieces are one word, memoized already (a set difference in C).
        for piece in pieces.difference(cache):
            for w in WORD.findall(piece):
                if w not in cache:
                    fresh[w] = tuple(self.word(w))
        return fresh

    def learn(self, entries: dict[str, tuple]) -> None:
        """Memoize analyses made elsewhere (:meth:`analyze_new` in another process)."""
        new, cache = tuple.__new__, self._cache
        with self._lock:
            if len(cache) + len(entries) >= self._cache_size:
                return  # (a full memo is cleared by word(); these are only a head start)
            for k, v in entries.items():
                if k not in cache:
                    cache[k] = new(WordAnalysis, v)

    def word(self, surface: str) -> WordAnalysis:
        a = self._cache.get(surface)
        if a is None:
            # Spellings of one word that differ only in what normalization
            # removes (harakat, tatweel, ى/ي, ة/ه …) have one analysis: that of
            # the word with its hamza seats kept (which is all the analysis
            # reads), unless that form has a hamza the surface lacks (NFKC of
            # a presentation form).  A quarter of an archive's new words are
            # such spellings, and one in seven has been analysed under
            # another one (at 72,716 news articles, 63,500 of 428,000).
            h = normalize_keep_hamza(surface)
            shared = h != surface and _HAMZA_LETTERS.isdisjoint(h) == _HAMZA_LETTERS.isdisjoint(surface)
            a = self._cache.get(h) if shared else None
            if a is None:
                a = self._analyze_word(surface, h)
                if shared:
                    self._cache[h] = a
            if len(self._cache) >= self._cache_size:
                with self._lock:
                    self._cache.clear()
                    self._saved = 0
            self._cache[surface] = a
        return a

    @staticmethod
    def _analyze_word(surface: str, kept: str | None = None) -> WordAnalysis:
        """The analysis of ``surface``; ``kept``: its :func:`normalize_keep_hamza`, if known."""
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
        h = normalize_keep_hamza(surface) if kept is None else kept
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
