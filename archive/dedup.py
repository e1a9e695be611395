"""Duplicates: the same story stored twice, exactly or lightly edited.

*Exact duplicates* have the same normalized body (Unicode form, diacritics,
tatweel, hamza forms, punctuation and spacing ignored): :func:`body_key`.
*Near duplicates* – the same wire story lightly edited by several outlets –
have similar sets of word 3-grams.  Their Jaccard similarity is estimated
with MinHash signatures (``datasketch``), and candidates are found by
locality-sensitive hashing: the signature is cut into :data:`BANDS` bands
and articles sharing any band's hash are compared
(:func:`band_keys`, :func:`similarity`).  Pairs at or above
:data:`NEAR_THRESHOLD` are the same story.

Bodies shorter than :data:`MIN_WORDS` words are never linked: short
boilerplate ("جميع المقالات المنشورة تمثل رأي كتابها فقط") repeats under
many distinct articles.

Storage of the keys, signatures and groups is the store's job
(:mod:`archive.store`); this module only computes them.
"""
from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import zlib
from functools import cache

import numpy as np

MIN_WORDS = 10  # for exact duplicates
MIN_SHINGLE_WORDS = 25  # for near duplicates
SHINGLE = 3
NUM_PERM = 64
BANDS, ROWS = 16, 4  # BANDS * ROWS == NUM_PERM; candidate threshold ≈ (1/16)^(1/4) = 0.5
NEAR_THRESHOLD = 0.7

_MARKS = re.compile("[\u064B-\u065F\u0670\u0640]")
_FOLD = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
_NON_WORD = re.compile(r"[\W_]+")


@cache
def _minhash():
    """datasketch's MinHash and the fixed permutations, loaded on first use: importing
    datasketch pulls in scipy (seconds), which searching never needs."""
    from datasketch import MinHash
    seed = MinHash(num_perm=NUM_PERM, seed=1)
    return MinHash, seed.permutations, seed.scheme

_MASK = np.uint64(0xFFFFFFFF)


def normalize(text: str) -> str:
    """Text reduced to its words: what two copies of one body have in common."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    t = _MARKS.sub("", text)
    for a, b in _FOLD:  # str.replace is much faster than str.translate on Arabic text
        t = t.replace(a, b)
    return _NON_WORD.sub(" ", t.casefold()).strip()


def body_key(body: str, normalized: str | None = None) -> str | None:
    """Hash of the normalized body; None for bodies too short to call duplicates."""
    norm = normalize(body) if normalized is None else normalized
    if norm.count(" ") + 1 < MIN_WORDS:
        return None
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()


def _shingle_hashes(words: list[str]) -> list[int]:
    """32-bit hashes of the word 3-grams, combined from per-word CRC-32s (vectorized)."""
    w = np.fromiter((zlib.crc32(x.encode("utf-8")) for x in words), dtype=np.uint64,
                    count=len(words))
    h = w[:-2] * np.uint64(0x9E3779B1) ^ w[1:-1] * np.uint64(0x85EBCA77) ^ w[2:]
    h ^= h >> np.uint64(29)
    return np.unique(h & _MASK).tolist()


def _identity(x: int) -> int:
    return x


def signature(body: str, normalized: str | None = None) -> bytes | None:
    """The MinHash signature of the body's word 3-grams, packed; None for short bodies."""
    words = (normalize(body) if normalized is None else normalized).split()
    if len(words) < MIN_SHINGLE_WORDS:
        return None
    minhash, permutations, scheme = _minhash()
    m = minhash(num_perm=NUM_PERM, hashfunc=_identity, permutations=permutations, scheme=scheme)
    m.update_batch(_shingle_hashes(words))
    return np.asarray(m.hashvalues, dtype="<u4").tobytes()


def fingerprints(body: str) -> tuple[str | None, bytes | None]:
    """(body_key, signature) with one normalization."""
    norm = normalize(body)
    return body_key(body, norm), signature(body, norm)


def band_keys(sig: bytes) -> list[int]:
    """One signed 64-bit key per band (the band's number is part of the hash)."""
    out = []
    step = ROWS * 4
    for b in range(BANDS):
        h = hashlib.blake2b(sig[b * step:(b + 1) * step], digest_size=8, salt=struct.pack("<q", b))
        out.append(struct.unpack("<q", h.digest())[0])
    return out


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two packed signatures (MinHash's estimator:
    the share of equal hash values, as ``MinHash.jaccard`` computes it)."""
    x, y = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(x == y)) / NUM_PERM
