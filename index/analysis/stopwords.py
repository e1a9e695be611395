"""Arabic stop words, normalized like index terms.

Stop words are dropped from the stem and root views only: the exact view keeps
every word so that phrases and highlights still see them.  The list is the
``arabic-stopwords`` package's (which includes clitic forms such as بأنه),
passed through :func:`normalize`.
"""
from __future__ import annotations

from functools import lru_cache

from arabicstopwords import arabicstopwords

from .normalize import normalize


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(normalize(w) for w in arabicstopwords.stopwords_list())


def is_stopword(normalized_word: str) -> bool:
    return normalized_word in stopwords()
