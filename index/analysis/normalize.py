"""Orthographic normalization of Arabic (and Latin) text for search.

One regular expression removes the marks that never change a word's identity
(harakat, Quranic marks, superscript alef, tatweel, zero-width and bidi
controls); one ``str.translate`` table folds the letters that writers use
interchangeably.  Both the index and the query side call :func:`normalize`,
so a query typed with or without hamza, diacritics or tatweel meets the same
terms.

Folding, in the spirit of Lucene's ``ArabicNormalizer``:

* أ إ آ ٱ → ا, ى → ي, ة → ه (ؤ ئ ء are kept: they distinguish words);
* Persian/Urdu ی ی ک ہ → Arabic ي ي ك ه;
* Arabic-Indic and Extended Arabic-Indic digits → 0-9;
* presentation forms (ﻻ, ﺍ, …) → their base letters (NFKC, only when present);
* Latin is case-folded.
"""
from __future__ import annotations

import re
import unicodedata

# Harakat, Quranic annotation marks, superscript alef, tatweel.
MARKS = "\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640"
# Zero-width and bidi controls, BOM.
INVISIBLES = "\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u00AD"

_STRIP = re.compile(f"[{MARKS}{INVISIBLES}]+")
_PRESENTATION = re.compile("[\uFB50-\uFDFF\uFE70-\uFEFE]")

_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ة": "ه",
    "ی": "ي", "ۍ": "ي", "ې": "ي",  # Persian/Urdu/Pashto yeh
    "ک": "ك", "ڪ": "ك",  # Persian/Sindhi kaf
    "ہ": "ه", "ە": "ه", "ۀ": "ه",  # Urdu heh, Kurdish ae, heh with yeh
}
_FOLD.update({chr(0x0660 + d): str(d) for d in range(10)})  # ٠١٢…
_FOLD.update({chr(0x06F0 + d): str(d) for d in range(10)})  # ۰۱۲…
_TABLE = str.maketrans(_FOLD)
# The same folding with the hamza seats kept, for root extraction (أمن → ءمن).
_TABLE_HAMZA = str.maketrans({k: v for k, v in _FOLD.items() if k not in "أإآ"})


def normalize(text: str) -> str:
    """Return ``text`` in the normalized form used for every index term."""
    if _PRESENTATION.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _STRIP.sub("", text).translate(_TABLE).casefold()


def strip_marks(text: str) -> str:
    """Remove diacritics, tatweel and invisible controls, keeping letters as written."""
    return _STRIP.sub("", text)


def normalize_keep_hamza(text: str) -> str:
    """:func:`normalize`, but أ إ آ stay as written (roots need the hamza)."""
    if _PRESENTATION.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _STRIP.sub("", text).translate(_TABLE_HAMZA).casefold()
