"""Duplicates: the same story stored twice, exactly or lightly edited.

*Exact duplicates* have the same normalized body (Unicode form, diacritics,
tatweel, hamza forms, punctuation and spacing ignored): :func:`body_key`.
*Near duplicates* – the same wire story lightly edited by several outlets –
have similar sets of word 3-grams.  Their Jaccard similarity is estimated
with MinHash signatures (those of ``datasketch``'s ``MinHash``, computed
many bodies at a time), and candidates are found by
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
_WORD = re.compile(r"[^\W_]+")


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` of the :data:`NUM_PERM` permutations h → a·h + b (mod 2³²),
    drawn as datasketch draws those of ``MinHash(num_perm=NUM_PERM, seed=1)``
    in its ``affine32`` scheme, so the signatures are datasketch's (a test
    compares them).  Drawn here rather than taken from datasketch: importing
    it pulls in scipy, about a second of every ingest."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd: a bijection
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b

_MASK = np.uint64(0xFFFFFFFF)


def words(text: str) -> list[str]:
    """The words of a text as two copies of one body share them: Unicode form,
    diacritics, tatweel, hamza seats, case, punctuation and spacing ignored."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    t = _MARKS.sub("", text)
    for a, b in _FOLD:  # str.replace is much faster than str.translate on Arabic text
        t = t.replace(a, b)
    out: list[str] = []
    add, extend, find = out.append, out.extend, _WORD.findall
    for piece in t.casefold().split():  # = _WORD.findall(...), faster: see below
        if piece.isalnum():  # str.isalnum is exactly [^\W_] for every character
            add(piece)
        else:
            extend(find(piece))
    return out


def normalize(text: str) -> str:
    """Text reduced to its words, one space apart: what two copies of one body have in common."""
    return " ".join(words(text))


def body_key(body: str, normalized: str | None = None) -> str | None:
    """Hash of the normalized body; None for bodies too short to call duplicates."""
    norm = normalize(body) if normalized is None else normalized
    return _key(norm.encode("utf-8"), _word_count(norm))


def _word_count(norm: str) -> int:
    """How many words a :func:`normalize` string has (one space apart)."""
    return norm.count(" ") + 1 if norm else 0


def _key(encoded: bytes, words: int) -> str | None:
    """:func:`body_key` of a normalized body of ``words`` words, as UTF-8."""
    return hashlib.sha1(encoded).hexdigest() if words >= MIN_WORDS else None


def _crc_table() -> np.ndarray:
    """The byte table of CRC-32 (reflected, polynomial 0xEDB88320: zlib's)."""
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> np.uint32(1)) ^ np.uint32(0xEDB88320), t >> np.uint32(1)).astype(np.uint32)
    return t


_CRC_TABLE = _crc_table()
_LONG_WORD = 64  # bytes: a word longer than this is hashed by zlib, alone


def word_crcs(data: bytes) -> np.ndarray:
    """The CRC-32 (``zlib.crc32``) of each word of ``data``, UTF-8 words one
    space apart, as uint32: all the words at once, a byte position at a time.

    A news body has hundreds of words and an archive hundreds of thousands of
    distinct ones: hashing each word in Python, even through a memo, cost
    more than the rest of its signature (a lookup in a dict of millions of
    words misses the CPU caches), where this costs a few NumPy steps per byte
    of the longest word for a whole batch of bodies."""
    b = np.frombuffer(data, dtype=np.uint8)
    gaps = np.flatnonzero(b == 32)
    starts = np.empty(len(gaps) + 1, dtype=np.int64)
    starts[0], starts[1:] = 0, gaps + 1
    lengths = np.empty(len(gaps) + 1, dtype=np.int64)
    lengths[:-1], lengths[-1] = gaps, len(b)
    lengths -= starts
    long = np.flatnonzero(lengths > _LONG_WORD)  # (a "word" can be a pasted blob of any length)
    if len(long):
        lengths = np.minimum(lengths, _LONG_WORD)
    # Longest first, so the words still being read at each position are a prefix.
    order = np.argsort((_LONG_WORD - lengths).astype(np.uint8), kind="stable")  # (a radix sort)
    pos = starts[order]
    reading = np.bincount(lengths)[::-1].cumsum()[::-1]  # [k]: words of k bytes or more
    crc = np.full(len(pos), 0xFFFFFFFF, dtype=np.uint32)
    byte = np.empty(len(pos), dtype=np.uint8)
    for n in reading[1:]:
        c, p, t = crc[:n], pos[:n], byte[:n]
        np.take(b, p, out=t)
        p += 1
        t ^= c.astype(np.uint8)  # the low byte
        c >>= np.uint32(8)
        c ^= _CRC_TABLE[t]
    out = np.empty_like(crc)
    out[order] = crc ^ np.uint32(0xFFFFFFFF)
    if len(long):
        ends = np.append(gaps, len(b))
        out[long] = [zlib.crc32(data[s:e]) for s, e in zip(starts[long].tolist(), ends[long].tolist())]
    return out


def _combine(w: np.ndarray) -> np.ndarray:
    """The 32-bit hash of each word 3-gram (as uint64) from its words' CRC-32s."""
    h = w[:-2] * np.uint64(0x9E3779B1) ^ w[1:-1] * np.uint64(0x85EBCA77) ^ w[2:]
    h ^= h >> np.uint64(29)
    return h & _MASK


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (what datasketch's ``affine32``
    scheme applies to each input hash before its permutations)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


_ROWS_PER_STEP = 16_384  # words hashed per NumPy step (bounds the 4 MB matrix of permuted hashes)


def signatures(bodies: list[str], normalized: list | None = None) -> list[bytes | None]:
    """The MinHash signatures of many bodies' word 3-grams, packed; None for short bodies.

    The same values as datasketch's ``MinHash(num_perm=NUM_PERM, seed=1)`` fed
    each body's shingle hashes (``normalized``: each body's :func:`normalize` string
    or :func:`words` list, when already known) (its ``affine32`` scheme: ``min(a·fmix(h) + b)``
    per permutation, modulo 2³²), computed for many bodies in each NumPy step
    instead of one MinHash object per body: the words of a group of bodies are
    hashed as one array, the 3-grams that would straddle two bodies dropped.
    A 3-gram repeated in a body is permuted twice, which leaves the minimum
    as it is (cheaper than sorting the hashes to drop repeats)."""
    norms = normalized if normalized is not None else [words(b) for b in bodies]
    return _signatures(*_packed([n if isinstance(n, str) else " ".join(n) for n in norms]))


def _packed(texts: list[str]) -> tuple[list[bytes], list[int]]:
    """Normalized bodies (:func:`normalize` strings) as UTF-8, and their word counts."""
    return [t.encode("utf-8") for t in texts], [_word_count(t) for t in texts]


def _signatures(encoded: list[bytes], sizes: list[int]) -> list[bytes | None]:
    """:func:`signatures` of bodies given as their normalized UTF-8 text and word counts."""
    a, b = _permutations()
    out: list[bytes | None] = [None] * len(encoded)
    todo = [i for i, n in enumerate(sizes) if n >= MIN_SHINGLE_WORDS]
    start = 0
    while start < len(todo):
        stop, rows = start, 0
        while stop < len(todo) and (rows == 0 or rows + sizes[todo[stop]] <= _ROWS_PER_STEP):
            rows += sizes[todo[stop]]
            stop += 1
        group = todo[start:stop]
        minima = _group_minima(b" ".join([encoded[i] for i in group]), [sizes[i] for i in group], a, b)
        for i, row in zip(group, minima):
            out[i] = row.astype("<u4").tobytes()
        start = stop
    return out


def _group_minima(data: bytes, group_sizes: list[int], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One row of permuted minima per body of a group (each at least 3 words):
    ``data`` is their normalized texts one space apart, ``group_sizes`` their word counts."""
    sizes = np.array(group_sizes, dtype=np.int64)
    h = _combine(word_crcs(data).astype(np.uint64))
    ends = np.cumsum(sizes)[:-1]  # where each body but the first starts
    keep = np.ones(len(h), dtype=bool)
    keep[ends - 2] = keep[ends - 1] = False  # the 3-grams across two bodies
    phv = np.multiply.outer(_fmix32(h[keep].astype(np.uint32)), a)
    phv += b  # uint32 arithmetic wraps: modulo 2^32
    starts = np.concatenate(([0], np.cumsum(sizes - 2)[:-1]))
    return np.minimum.reduceat(phv, starts, axis=0)


def signature(body: str, normalized: str | None = None) -> bytes | None:
    """The MinHash signature of one body (see :func:`signatures`)."""
    return signatures([body], None if normalized is None else [normalized])[0]


def fingerprints(body: str) -> tuple[str | None, bytes | None]:
    """(body_key, signature) with one normalization."""
    return fingerprints_many([body])[0]


def fingerprints_many(bodies: list[str]) -> list[tuple[str | None, bytes | None]]:
    """``(body_key, signature)`` of each body, the signatures computed as one batch."""
    encoded, sizes = _packed([normalize(b) for b in bodies])
    sigs = _signatures(encoded, sizes)
    return [(_key(e, n), s) for e, n, s in zip(encoded, sizes, sigs)]


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
