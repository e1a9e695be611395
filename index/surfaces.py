"""The words of articles already seen, indexed by their views, for fast highlighting.

Highlighting must decide, for every word of a hit's text, whether one of its
views (exact, stem, root) is among the query's terms.  Analyzing each word
of ten articles for every query costs milliseconds, yet the words of news
repeat from article to article and from query to query.  So this module
keeps, for the whole process:

* every whitespace-separated *chunk* of text seen so far (``التهجير،``,
  ``(الأمم``) with the words in it and their analyses, and
* for each view, which chunks hold a word with a given term (the chunk
  itself when there is one, most terms, else a set).

A text is then judged with set operations done in C: its chunks (``str.split``)
minus the chunks already known are analyzed and learnt; its chunks that hold a
query term are the intersection of its chunks with that term's chunks.  No
character of a word is whitespace, so the words of the chunks are exactly the
words of the text (:mod:`.analysis.tokenize`).

The memory is bounded: past :data:`MAX_CHUNKS` chunks everything is forgotten
and learnt again.
"""
from __future__ import annotations

import re
import threading

from .analysis import analyzer
from .analysis.normalize import INVISIBLES, MARKS

# The words of tokenize.WORD as one character class; "_" separates words
# there, so runs are split at it.
WORD_RUN = re.compile(f"[\\w{MARKS}{INVISIBLES}]+")
MAX_CHUNKS = 300_000  # about 150 MB

# A word as judged: (surface, normalized, stem, root, stop).  A plain tuple of
# strings: the garbage collector stops tracking it, so a large index does not
# lengthen its pauses.
Word = tuple[str, str, str, str, bool]


def chunk_words(chunk: str) -> tuple[Word, ...]:
    """The analyzed words of one chunk (words with an empty normalized form left out)."""
    out = []
    for run in WORD_RUN.findall(chunk):
        for surface in run.split("_") if "_" in run else (run,):
            if surface:
                n, s, r, stop = analyzer.word(surface)
                if n:
                    out.append((chunk if surface == chunk else surface, n, s, r, stop))
    return tuple(out)


class SurfaceIndex:
    def __init__(self, max_chunks: int = MAX_CHUNKS):
        self.max_chunks = max_chunks
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        # New objects rather than clear(): a thread still judging keeps the old ones.
        self.words: dict[str, tuple[Word, ...]] = {}
        self.by_view: dict[str, dict[str, str | set[str]]] = {"exact": {}, "stem": {}, "root": {}}

    def judge(self, chunks: set[str], terms: dict[str, set[str]]) -> dict[str, tuple[Word, ...]]:
        """The chunks among ``chunks`` that hold a word with one of ``terms``
        (view → terms) in that view, with their words.  Chunks not seen
        before are analyzed and learnt first."""
        words, by_view = self._learn(chunks)
        found: set[str] = set()
        for view, wanted in terms.items():
            index = by_view[view]
            for t in wanted:
                held = index.get(t)
                if held is None:
                    continue
                if held.__class__ is str:  # one chunk only
                    if held in chunks:
                        found.add(held)
                else:
                    found |= chunks & held
        return {c: words[c] for c in found}

    def _learn(self, chunks: set[str]):
        """Learn the new chunks; returns the tables (which then hold all of ``chunks``)."""
        words, by_view = self.words, self.by_view
        new = chunks.difference(words)
        if not new:
            return words, by_view
        with self._lock:
            if self.words is not words:  # another thread started afresh meanwhile
                words, by_view = self.words, self.by_view
                new = chunks.difference(words)
            if len(words) + len(new) > self.max_chunks:
                self._reset()
                words, by_view = self.words, self.by_view
                new = chunks
            exact, stem, root = by_view["exact"], by_view["stem"], by_view["root"]
            for c in new:
                if c in words:  # learnt by another thread meanwhile
                    continue
                ws = chunk_words(c)
                for _, n, s, r, stop in ws:
                    for index, term in ((exact, n),) if stop else ((exact, n), (stem, s), (root, r)):
                        held = index.get(term)
                        if held is None:
                            index[term] = c  # most terms are in one chunk: no set for them
                        elif held.__class__ is str:
                            if held != c:
                                index[term] = {held, c}
                        else:
                            held.add(c)
                words[c] = ws  # last: a chunk in ``words`` is in every view's table
        return words, by_view


surfaces = SurfaceIndex()
