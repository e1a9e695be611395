"""Decoding bytes to text: UTF-8, UTF-16, Windows-1256 or ISO-8859-6, never a guess.

Newsroom archives mix UTF-8 (with or without a byte-order mark), UTF-16
exports from Windows tools and old Windows-1256 / ISO-8859-6 text files.
:func:`decode` tries, in order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE) – decisive;
2. UTF-16 without a mark, recognised by its NUL bytes in every other position;
3. strict UTF-8 (ASCII is UTF-8);
4. the legacy Arabic code pages, ranked by ``charset-normalizer`` and each
   *checked*: the decoded text must be mostly Arabic letters and must not mix
   Arabic and Latin letters inside words (the signature of a wrong code page);
   when both pass (short texts), the one that yields more ``ال`` wins.

Whatever fails all of that is reported as undecodable: it is never stored as
mojibake and never silently read as Latin-1.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: The encodings Arshif accepts (Python codec names).
LEGACY = ("cp1256", "iso8859_6")
#: Minimum share of Arabic among the letters of a legacy-decoded text.
MIN_ARABIC_RATIO = 0.5
#: Maximum share of words mixing Arabic and Latin letters (mojibake).
MAX_MIXED_WORDS = 0.02

_ARABIC = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
_ARABIC_LETTER = re.compile(f"[{_ARABIC}]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
_MIXED = re.compile(f"(?=[^\\W\\d_]*[{_ARABIC}])(?=[^\\W\\d_]*[A-Za-z\u00C0-\u024F])[^\\W\\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0E-\x1F\x7F]")


class DecodeError(ValueError):
    """The bytes are not text in any accepted encoding (the message says why)."""


@dataclass
class Decoded:
    text: str
    encoding: str


def arabic_ratio(text: str) -> float:
    """Share of Arabic letters among all letters (0 when there are no letters)."""
    sample = text[:200_000]
    letters = len(_LETTER.findall(sample))
    return len(_ARABIC_LETTER.findall(sample)) / letters if letters else 0.0


def mixed_word_ratio(text: str) -> float:
    """Share of words that mix Arabic and Latin letters, e.g. ``ÚáÇ`` in cp1256 mojibake."""
    sample = text[:200_000]
    words = len(_WORD.findall(sample))
    return len(_MIXED.findall(sample)) / words if words else 0.0


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB (after UTF-16 was ruled out)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) * 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no mark: one byte of each pair is almost always 0x00 (ASCII) or 0x06 (Arabic)."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None

    def high(bs: bytes) -> float:
        return sum(1 for b in bs if b in (0, 6)) / len(bs)

    even, odd = high(head[0::2]), high(head[1::2])
    if odd > 0.9 and even < 0.5:
        return "utf-16-le"
    if even > 0.9 and odd < 0.5:
        return "utf-16-be"
    return None


def sniff_encoding(data: bytes) -> str:
    """The encoding of ``data`` (a whole file or its first megabytes); raises DecodeError."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if looks_binary(data):
        raise DecodeError("binary file (not text)")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # A cut in the middle of a character at the end of a sample is still UTF-8.
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            return "utf-8"
        utf8_error = e.start
    passing = []
    for rank, enc in enumerate(_legacy_candidates(data)):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if arabic_ratio(text) >= MIN_ARABIC_RATIO and mixed_word_ratio(text) <= MAX_MIXED_WORDS:
            passing.append((text.count("\u0627\u0644"), -rank, enc))
    if passing:
        # Both code pages can give Arabic letters for a short text; the right one
        # gives the definite article ال, by far the most frequent Arabic bigram.
        return max(passing)[2]
    raise DecodeError(f"cannot decode: not UTF-8 (bad byte at offset {utf8_error}), "
                      "not UTF-16, and not Arabic in Windows-1256 or ISO-8859-6")


def _legacy_candidates(data: bytes) -> list[str]:
    """The legacy code pages, most likely first according to charset-normalizer."""
    from charset_normalizer import from_bytes

    ranked = [m.encoding for m in from_bytes(data[:65536], cp_isolation=list(LEGACY))]
    return [e for e in ranked if e in LEGACY] + [e for e in LEGACY if e not in ranked]


def decode(data: bytes) -> Decoded:
    """Bytes → text in an accepted encoding; raises :class:`DecodeError` with a one-line reason."""
    if not data.strip():
        raise DecodeError("empty file")
    enc = sniff_encoding(data)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        raise DecodeError(f"cannot decode as {enc}: bad byte at offset {e.start}") from None
    if enc.startswith("utf-16") and _CONTROL.search(text[:8192]):
        raise DecodeError("binary file (not text)")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DecodeError("empty file")
    return Decoded(text, enc)
