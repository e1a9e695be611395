"""Root extraction: the tier below the light stem.

Words of one root (هجر: تهجير، المهجرين، هجرة، مهاجر) share meaning only
loosely, so the root view is searched with the lowest weight.  The root is
extracted by Tashaphyne from the light stem (fewer mistakes than from the
raw word) with two fixes:

* ties between candidate roots are broken in a fixed order (Tashaphyne's
  ``max(set(...))`` depends on ``PYTHONHASHSEED``, so two processes could give
  one word two roots);
* Tashaphyne's stemmer keeps the last word on the instance, so each thread
  gets its own.

and one saving: the root of each candidate stem (the letters between a
cut's prefix and suffix) is remembered, as the candidate stems of one word
are those of many (40 → 27 µs a new word's root, the same roots).
"""
from __future__ import annotations

import threading
from functools import lru_cache

from tashaphyne import arabicstopwords
from tashaphyne.stemming import ArabicLightStemmer


class _DeterministicStemmer(ArabicLightStemmer):
    def root_of(self, word: str) -> str:
        """What ``light_stem(word)`` then ``get_root()`` give, without their
        unused work: the root needs only the segmentation (not the star form
        or the chosen stem) and, of each candidate affix tuple, only its root."""
        self.segment(word)
        return self.get_root()

    def _choose_root(self):
        # Tashaphyne's own, but each segmentation's root is extracted alone
        # (get_affix_list also builds its prefix, suffix, stem and star stem).
        if arabicstopwords.is_stop(self.word):
            return arabicstopwords.stop_root(self.word)
        if not self.segment_list:
            self.segment(self.word)
        roots = [self._root_between(left, right) for left, right in self.segment_list]
        roots = [r for r in roots if self.is_root_length_valid(r)] or roots
        roots = [r for r in roots if self.is_root(r)] or roots
        return self.most_common(roots)

    def _root_between(self, left: int, right: int) -> str:
        """``extract_root(left, right)``, remembered by the letters between: it
        depends on nothing else, and the candidate stems of one word are
        those of many (a new word's root cost about 40 µs, most of it here)."""
        key = (self.word[left:right], self.unvocalized[left:right])
        r = _STEM_ROOTS.get(key)
        if r is None:
            if len(_STEM_ROOTS) >= STEM_ROOTS_KEPT:
                _STEM_ROOTS.clear()
            r = _STEM_ROOTS[key] = self.extract_root(left, right)
        return r

    @staticmethod
    def most_common(lst):
        tri = [x for x in lst if len(x) == 3]
        if tri:
            lst = tri
        # Most frequent; among equals, the first candidate Tashaphyne produced.
        return max(dict.fromkeys(lst), key=lst.count)


_local = threading.local()
STEM_ROOTS_KEPT = 500_000
_STEM_ROOTS: dict[tuple[str, str], str] = {}  # (letters, unvocalized) → root (see _root_between)

# Hamza seats are folded to ء in roots (أمن، ءمن، ئمن are one root).
_HAMZA = str.maketrans({"أ": "ء", "إ": "ء", "ؤ": "ء", "ئ": "ء", "آ": "ء"})


def _stemmer() -> _DeterministicStemmer:
    s = getattr(_local, "stemmer", None)
    if s is None:
        s = _local.stemmer = _DeterministicStemmer()
    return s


@lru_cache(maxsize=200_000)
def root(stem: str) -> str:
    """Return the root of a light stem (the stem itself for non-Arabic or short words).

    Memoized: Tashaphyne's extraction is the costliest step of analysing a
    new word, and the forms of one name or word share their light stem."""
    if len(stem) < 3 or not ("\u0621" <= stem[0] <= "\u064A"):
        return stem
    r = _stemmer().root_of(stem) or stem
    return r.translate(_HAMZA)
