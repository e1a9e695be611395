"""The forward index's rows, encoded a batch at a time: each article's rows are those it would have alone."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import index.forward_rows
from index.forward_rows import RowBatch, decode_many, decode_places, decode_spans
from index.highlight import fragment_spans


def _article(draw_numbers, body_picks, sizes_cut):
    """An article from drawn values: distinct word numbers, body words drawn among them, fragments."""
    words = sorted(set(draw_numbers))
    body = [words[i % len(words)] for i in body_picks] if words else []
    cuts = sorted({c % (len(body) + 1) for c in sizes_cut} | {0, len(body)}) if body else [0]
    sizes = [b - a for a, b in zip(cuts, cuts[1:])]
    return words, body, sizes


ARTICLES = st.lists(st.builds(_article, st.lists(st.integers(0, 3_000_000), max_size=40),
                              st.lists(st.integers(0, 1000), max_size=80),
                              st.lists(st.integers(0, 1000), max_size=10)), max_size=8)


def _encode(articles, lengths=None):
    batch = RowBatch()
    for i, (words, body, sizes) in enumerate(articles):
        shuffled = list(reversed(words))  # the writer's order is a set's
        offsets = [(2 * k, 2 * k + 1) for k in range(len(sizes))]
        batch.add(shuffled, iter(body), sizes, offsets, lengths[i] if lengths else 1000)
    return batch.encode()


@settings(max_examples=300, deadline=None)
@given(ARTICLES)
def test_a_batch_decodes_to_each_article_as_added(articles):
    rows = _encode(articles)
    assert len(rows) == len(articles)
    ids, counts = decode_many([w for w, _, _ in rows])
    assert counts == [len(w) for w, _, _ in articles]
    assert ids.tolist() == [x for w, _, _ in articles for x in w]
    occurrences, where = decode_places([p for _, _, p in rows], counts)
    expected_counts, expected_where = [], []
    for words, body, sizes in articles:
        fragment = [f for f, n in enumerate(sizes) for _ in range(n)]
        expected_counts += [body.count(w) for w in words]
        expected_where += [fragment[i] for w in words for i, b in enumerate(body) if b == w]
    assert occurrences.tolist() == expected_counts
    assert where.tolist() == expected_where
    for (words, body, sizes), (_, fragments, _) in zip(articles, rows):
        assert decode_spans(fragments, 1000) == [(2 * k, 2 * k + 1) for k in range(len(sizes))]


@pytest.mark.parametrize("ids", [[], [5], [0, 70_000, 70_001], list(range(0, 300_000, 1000))])
def test_word_rows_take_the_narrowest_gaps(ids):
    row = _encode([(ids, [], [])] * 2)[1][0]  # (the second: its gaps start past the first's)
    assert decode_many([row])[0].tolist() == ids
    wide = any(b - a >= 1 << 16 for a, b in zip(ids, ids[1:]))
    assert len(row) == 8 + (4 if wide else 2) * max(len(ids) - 1, 0)
    assert np.frombuffer(row, dtype=np.uint32, count=2).tolist() == [2 if not ids else int(wide), ids[0] if ids else 0]


@pytest.mark.parametrize("repeats, fragments", [(1, 1), (300, 1), (1, 300), (300, 300)])
def test_place_rows_widen_only_what_overflows_a_byte(repeats, fragments):
    words = [3, 9, 40_000]
    body = [9] * repeats + [3, 40_000, 9]  # the 9s in the first fragment, the rest in the last
    sizes = [repeats + 3] if fragments == 1 else [repeats] + [0] * (fragments - 2) + [3]
    rows = _encode([([1, 2], [1], [1]), (words, body, sizes)])
    row = rows[1][2]
    assert row[0] == (1 if repeats + 1 > 255 else 0) | (2 if fragments > 256 else 0)
    occurrences, where = decode_places([row], [3])
    last = fragments - 1
    assert occurrences.tolist() == [1, repeats + 1, 1]
    assert where.tolist() == [last, *[0] * repeats, last, last]
    assert decode_places([rows[0][2]], [2])[0].tolist() == [1, 0]
    together = decode_places([rows[0][2], row, b""], [2, 3, 1])  # narrow, perhaps wide, empty
    assert together[0].tolist() == [1, 0, 1, repeats + 1, 1, 0]
    assert together[1].tolist() == [0, last, *[0] * repeats, last, last]


def test_an_article_without_body_words_has_an_empty_places_row():
    rows = _encode([([4, 8], [], []), ([1], [1], [1])])
    assert rows[0][2] == b"" and decode_places([rows[0][2]], [2])[0].tolist() == [0, 0]


def test_long_bodies_keep_wide_fragment_offsets():
    body = ("جملة طويلة جدا. " * 6000) + "تهجير في النهاية."
    spans = fragment_spans(body)
    batch = RowBatch()
    batch.add([1], [1], [1] + [0] * (len(spans) - 1), spans, len(body))
    batch.add([2], [2], [1], [(0, 5)], 5)
    (_, wide, _), (_, narrow, _) = batch.encode()
    assert len(body) > 1 << 16 and spans[-1][1] == len(body)
    assert decode_spans(wide, len(body)) == spans and len(wide) == 8 * len(spans)
    assert decode_spans(narrow, 5) == [(0, 5)] and len(narrow) == 4


def test_a_batch_too_big_for_the_sort_key_is_encoded_in_halves(monkeypatch):
    articles = [([i, i + 70_000], [i + 70_000] * 3 + [i], [2, 0, 2]) for i in range(9)]
    whole = _encode(articles)
    monkeypatch.setattr(index.forward_rows, "_KEY_BITS", 32 + 2 + 2)  # room for 4 articles a key
    assert _encode(articles) == whole
