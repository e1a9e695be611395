"""The rows of the forward index (:mod:`index.forward`): encoded a batch at a time, decoded a page at a time.

An article's row holds three blobs:

* *words*: its distinct word numbers, sorted, as a header ``(width, first
  number)`` and the gaps between them: uint16 (``_NARROW``), or uint32
  (``_WIDE``) when a gap is 65,536 or more; ``_EMPTY`` when it has no words;
* *fragments*: the ``(start, end)`` offsets of its body's fragments, uint16
  when the body is shorter than 65,536 characters, else uint32;
* *places*: for each of its distinct words (in the order of *words*), how
  many times the body has it, then the fragment of each occurrence, word
  after word and in text order.  A first byte says which of the two parts
  are uint16 (else uint8); a body without words has an empty row.

A writer collects a batch of articles in a :class:`RowBatch` and encodes
all their rows with a few NumPy operations on the whole batch (one sort of
their words and their bodies' words together), not a few for each
article: an article's rows are slices of the batch's bytes, and only an
article that needs the wide types is converted on its own.  A
reader decodes the rows of a page of hits together (:func:`decode_many`,
:func:`decode_places`).
"""
from __future__ import annotations

import struct
from itertools import chain
from typing import Iterable

import numpy as np

_NARROW, _WIDE, _EMPTY = 0, 1, 2  # words rows: gaps as uint16 or uint32; no words
_HEADER = struct.Struct("<II")  # width, first word number
_WIDE_COUNTS, _WIDE_FRAGMENTS = 1, 2  # places rows: flags of the first byte (uint16, else uint8)
_NARROW_MAX = (1 << 16) - 1  # the largest gap or offset a uint16 holds
_BYTE_MAX = 255  # the largest count or fragment a uint8 holds
_KEY_BITS = 63  # a sort key's bits: article, word number (below 2**32), fragment


def _array(values: list[int]) -> np.ndarray:
    """A list of ints as int64 (``fromiter`` skips the type discovery of ``np.array``)."""
    return np.fromiter(values, dtype=np.int64, count=len(values))


class RowBatch:
    """The rows of a batch of articles, added one by one and encoded together."""

    def __init__(self) -> None:
        self._words: list[int] = []  # every article's distinct word numbers, end to end
        self._word_counts: list[int] = []
        self._body: list[int] = []  # the number of each word of every body, in order
        self._body_counts: list[int] = []
        self._sizes: list[int] = []  # how many words each fragment of every body has
        self._fragment_counts: list[int] = []
        self._offsets: list[int] = []  # every fragment's start and end
        self._body_lengths: list[int] = []

    def __len__(self) -> int:
        return len(self._word_counts)

    def add(self, words: list[int], body: Iterable[int], fragment_sizes: list[int],
            fragments: list[tuple[int, int]], body_length: int) -> None:
        """One article: the numbers of its distinct ``words``, the number of each
        word of its ``body`` in order, how many of them each of its
        ``fragments`` holds, and the length of the body."""
        self._words += words
        self._word_counts.append(len(words))
        before = len(self._body)
        self._body += body
        self._body_counts.append(len(self._body) - before)
        self._sizes += fragment_sizes
        self._fragment_counts.append(len(fragment_sizes))
        self._offsets += chain.from_iterable(fragments)
        self._body_lengths.append(body_length)

    def encode(self) -> list[tuple[bytes, bytes, bytes]]:
        """``(words, fragments, places)`` of each article, in the order added.

        One sort does it: each distinct word is keyed ``(article, number,
        last)`` and each word of a body ``(article, number, its fragment)``,
        so that, sorted, every word's occurrences come in text order just
        before the key of the word itself (``last`` is more than any
        fragment), and the words of each article come in order of number."""
        n = len(self)
        counts = np.array(self._word_counts, dtype=np.int64)
        body_counts = np.array(self._body_counts, dtype=np.int64)
        fragment_counts = np.array(self._fragment_counts, dtype=np.int64)
        bits = max(int(fragment_counts.max(initial=0)).bit_length(), 1)
        last = (1 << bits) - 1
        shift = 32 + bits
        if n > 1 and n >= 1 << (_KEY_BITS - shift):  # too many articles for the key: in halves
            return self._halves()
        fragment = (np.arange(int(fragment_counts.sum()), dtype=np.int64)
                    - np.repeat(np.cumsum(fragment_counts) - fragment_counts, fragment_counts))
        article = np.arange(n, dtype=np.int64) << shift
        keys = np.concatenate([
            np.repeat(article, counts) | (_array(self._words) << bits) | last,
            np.repeat(article, body_counts) | (_array(self._body) << bits)
            | np.repeat(fragment, _array(self._sizes))])
        keys.sort()
        word = (keys & last) == last
        at = np.flatnonzero(word)  # the words, (article, number) in order
        number = (keys[at] >> bits) & 0xFFFFFFFF
        occurrences = np.diff(at, prepend=-1) - 1  # (a word's occurrences come just before it)
        where = keys[~word] & last
        starts = np.cumsum(counts) - counts
        words = self._word_rows(number, starts, counts)
        places = self._place_rows(occurrences, where, starts, counts, body_counts)
        offsets = _array(self._offsets)
        narrow = offsets.astype(np.uint16).tobytes()
        fragments, at = [], 0
        for length, k in zip(self._body_lengths, self._fragment_counts):
            k *= 2
            fragments.append(narrow[2 * at:2 * (at + k)] if length <= _NARROW_MAX
                             else offsets[at:at + k].astype(np.uint32).tobytes())
            at += k
        return list(zip(words, fragments, places))

    def _halves(self) -> list[tuple[bytes, bytes, bytes]]:
        half = len(self) // 2
        out = []
        words = body = sizes = offsets = 0
        for part in (range(half), range(half, len(self))):
            b = RowBatch()
            for i in part:
                w, m, f = self._word_counts[i], self._body_counts[i], self._fragment_counts[i]
                b.add(self._words[words:words + w], self._body[body:body + m], self._sizes[sizes:sizes + f],
                      list(zip(self._offsets[offsets:offsets + 2 * f:2], self._offsets[offsets + 1:offsets + 2 * f:2])),
                      self._body_lengths[i])
                words, body, sizes, offsets = words + w, body + m, sizes + f, offsets + 2 * f
            out += b.encode()
        return out

    @staticmethod
    def _word_rows(number: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> list[bytes]:
        gaps = np.diff(number)
        end = starts + counts - 1
        gaps[end[(counts > 0) & (end < len(gaps))]] = 0  # from one article's last word to the next's first
        wide = np.zeros(len(counts), dtype=bool)
        several = counts > 1
        if several.any():  # (the segment of an article runs on over the zeros that follow it)
            wide[several] = np.maximum.reduceat(gaps, starts[several]) > _NARROW_MAX
        narrow = gaps.astype(np.uint16).tobytes()
        first = number[np.minimum(starts, max(len(number) - 1, 0))].tolist() if len(number) else [0] * len(counts)
        rows = []
        pack = _HEADER.pack
        for s, k, f, w in zip(starts.tolist(), counts.tolist(), first, wide.tolist()):
            if not k:
                rows.append(pack(_EMPTY, 0))
            elif w:
                rows.append(pack(_WIDE, f) + gaps[s:s + k - 1].astype(np.uint32).tobytes())
            else:
                rows.append(pack(_NARROW, f) + narrow[2 * s:2 * (s + k - 1)])
        return rows

    @staticmethod
    def _place_rows(occurrences: np.ndarray, where: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                    body_counts: np.ndarray) -> list[bytes]:
        n = len(counts)
        if not body_counts.any():
            return [b""] * n
        body_starts = np.cumsum(body_counts) - body_counts
        has = body_counts > 0
        flags = np.zeros(n, dtype=np.int64)
        flags[has] = (np.where(np.maximum.reduceat(occurrences, starts[has]) > _BYTE_MAX, _WIDE_COUNTS, 0)
                      | np.where(np.maximum.reduceat(where, body_starts[has]) > _BYTE_MAX, _WIDE_FRAGMENTS, 0))
        counts8, where8 = occurrences.astype(np.uint8).tobytes(), where.astype(np.uint8).tobytes()
        rows = []
        for s, k, b, m, f in zip(starts.tolist(), counts.tolist(), body_starts.tolist(),
                                 body_counts.tolist(), flags.tolist()):
            if not m:
                rows.append(b"")
                continue
            rows.append(bytes((f,))
                        + (occurrences[s:s + k].astype(np.uint16).tobytes() if f & _WIDE_COUNTS
                           else counts8[s:s + k])
                        + (where[b:b + m].astype(np.uint16).tobytes() if f & _WIDE_FRAGMENTS
                           else where8[b:b + m]))
        return rows


def decode_many(rows: list[bytes]) -> tuple[np.ndarray, list[int]]:
    """The word numbers of several rows, end to end, and how many each row has."""
    parts, counts = [], []
    for row in rows:
        kind, first = _HEADER.unpack_from(row)
        if kind == _EMPTY:
            counts.append(0)
            continue
        gaps = np.frombuffer(row, dtype=np.uint16 if kind == _NARROW else np.uint32, offset=_HEADER.size)
        parts.append(np.array((first,), dtype=np.uint32))
        parts.append(gaps)
        counts.append(len(gaps) + 1)
    if not parts:
        return np.zeros(0, dtype=np.int64), counts
    total = np.cumsum(np.concatenate(parts), dtype=np.int64)
    # each row's gaps run on from the row before: take away what that row reached
    starts = np.cumsum(counts) - counts
    reached = np.where(starts > 0, total[np.maximum(starts - 1, 0)], 0)
    return total - np.repeat(reached, counts), counts


def decode_places(rows: list[bytes], counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The places of several rows (each of ``counts`` distinct words), end to
    end: each word's number of occurrences, and the fragments of all of them."""
    occurrences, fragments = [], []
    for row, n in zip(rows, counts):
        if not row:
            occurrences.append(np.zeros(n, dtype=np.uint8))
            continue
        flags = row[0]
        c = np.frombuffer(row, dtype=np.uint16 if flags & _WIDE_COUNTS else np.uint8, count=n, offset=1)
        occurrences.append(c)
        fragments.append(np.frombuffer(row, dtype=np.uint16 if flags & _WIDE_FRAGMENTS else np.uint8,
                                       offset=1 + c.nbytes))
    return (np.concatenate(occurrences) if occurrences else np.zeros(0, dtype=np.uint8),
            np.concatenate(fragments) if fragments else np.zeros(0, dtype=np.uint8))


def decode_spans(row: bytes, body_length: int) -> list[tuple[int, int]]:
    """The fragments of a row: ``(start, end)`` pairs."""
    offsets = iter(memoryview(row).cast("H" if body_length <= _NARROW_MAX else "I").tolist())
    return list(zip(offsets, offsets))
