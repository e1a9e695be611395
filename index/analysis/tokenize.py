"""Splitting text into words with their character offsets.

A word is a run of letters and digits together with the marks that sit on
them, so a vowelled word such as ``قُتِلَ`` or ``وصدّوا`` stays whole (Whoosh's
``\\w`` does not match Arabic diacritics and would break it).  The underscore
separates words, so a hashtag ``#عاصي_الحلاني`` gives ``عاصي`` and
``الحلاني``.  Offsets index the original string, which is what lets a snippet
highlight a word exactly as the article wrote it.
"""
from __future__ import annotations

import re
from typing import Iterator

from .normalize import INVISIBLES, MARKS

# [^\W_] = letters and digits of any script; then marks and invisible
# controls that may sit inside a word.
WORD = re.compile(f"(?:[^\\W_]|[{MARKS}{INVISIBLES}])+")


def spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(surface, start, end)`` for every word of ``text``."""
    for m in WORD.finditer(text):
        yield m.group(), m.start(), m.end()
