"""The compiled loops (index/_accel.pyx) give exactly what the Python ones give."""
from __future__ import annotations

import gzip
import json
import random
import re
import sqlite3
from contextlib import contextmanager
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import index.forward as forward
from index import accel
import index.highlight as highlight
from conftest import DATA
from index.forward import decode_spans, encode, encode_spans
from index.highlight import KIND_WEIGHT, Snippet, fragment_spans, locate, marked, matched_words, snippet
from index.query import compile_query

KINDS = list(KIND_WEIGHT)
WORD = re.compile(r"\w+")


@contextmanager
def python_loops():
    """Run highlight and forward on their Python loops inside the block."""
    accel.use_compiled(False)
    try:
        yield
    finally:
        accel.use_compiled(True)


def both(f, *args, **kwargs):
    """``f``'s answer on the compiled loops and on the Python ones."""
    fast = f(*args, **kwargs)
    with python_loops():
        slow = f(*args, **kwargs)
    return fast, slow


def test_the_compiled_loops_are_built():
    # `make install` builds them (it installs a C compiler when there is none).
    assert accel.use_compiled(), \
        "index/_accel.pyx is not built: reinstall with a C compiler (make install)"


def test_arguments_of_another_shape_are_refused():
    """The compiled loops read their arguments without checks: each kind is checked first."""
    with pytest.raises(TypeError, match="fragment"):
        accel.built.snippet_fragments("قال التهجير", {"التهجير": "exact"}, [[0, 11]], 2)
    with pytest.raises(TypeError, match="word found"):
        accel.built.locate("قال 11", {11: "exact"})
    with pytest.raises(TypeError, match="segment"):
        accel.built.marked_texts([[("قال",)]])
    with pytest.raises(TypeError):
        accel.built.marked_texts([("قال", "exact")])
    with pytest.raises(TypeError, match="row"):
        accel.built.matched_words(["x"], np.zeros((1, 3), np.uint16), np.zeros(1, np.uint32), [["x"]],
                                  forward.BLOCK, lambda s: ("", "", "", False), set(), set(), set())
    with pytest.raises(TypeError):
        accel.built.locate(None, {})


def test_a_build_of_another_version_is_not_used(monkeypatch):
    import index._accel
    assert accel.compiled() is index._accel
    monkeypatch.setattr(index._accel, "INTERFACE", accel.INTERFACE + 1)
    assert accel.compiled() is None


def _news(n: int) -> list[str]:
    with gzip.open(DATA / "saudinewsnet" / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line)["body"] for line in islice(f, n)]


def _found(text: str, rng: random.Random, k: int) -> dict[str, str]:
    """Some words of ``text``, pieces of words and a word it lacks, each with a kind."""
    words = WORD.findall(text)
    picked = rng.sample(words, min(k, len(words))) if words else []
    picked += [w[:max(1, len(w) // 2)] for w in picked[:2]]  # also found inside longer words
    picked.append("كلمةغائبة")
    return {w: rng.choice(KINDS) for w in picked}


def test_snippets_of_real_articles_are_the_same_compiled():
    rng = random.Random(7)
    compared = 0
    for text in _news(300):
        for k in (1, 3, 12):
            found = _found(text, rng, k)
            fragments = fragment_spans(text)
            assert both(locate, text, found)[0] == both(locate, text, found)[1]
            fast, slow = both(snippet, text, None, found=found, fragments=fragments)
            assert fast == slow
            for n in (1, 3):
                fast, slow = both(snippet, text, None, n, found=found, fragments=fragments)
                assert fast == slow
            fast, slow = both(marked, text[:90], found)
            assert fast == slow
            compared += 1
    assert compared == 900


# Letters, diacritics and joiners (word characters), spaces, sentence and clause
# marks, digits, Latin, and characters beyond U+FFFF (a letter and an emoji).
_ALPHABET = st.sampled_from(list("تهجيرالمن") + ["\u064e", "\u0651", "\u200c", "\u200d", "\u00ad", "\ufeff",
                                                 "\u200f"] + list(" \n.،؟!:;") + list("19aZ_") + ["𝐀", "😀"])


@st.composite
def _text_and_found(draw):
    text = "".join(draw(st.lists(_ALPHABET, max_size=600)))
    pieces = draw(st.lists(st.tuples(st.integers(0, max(len(text) - 1, 0)), st.integers(1, 8),
                                     st.sampled_from(KINDS)), max_size=8))
    # The words found are words (as the analyzer cuts them): runs of word characters.
    found = {w: kind for i, n, kind in pieces if (w := text[i:i + n]) and all(map(highlight.WORD_CHAR.match, w))}
    return text, found


@settings(max_examples=400, deadline=None)
@given(_text_and_found(), st.integers(1, 3))
def test_snippets_of_any_text_are_the_same_compiled(case, max_fragments):
    text, found = case
    fragments = fragment_spans(text)
    fast, slow = both(locate, text, found)
    assert fast == slow
    fast, slow = both(snippet, text, None, max_fragments, found=found, fragments=fragments)
    assert fast == slow
    title = Snippet([marked(text[:50], found)])
    words, python_words = both(matched_words, title, fast)
    assert words == python_words
    fast, slow = both(marked, text, found)
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=300), st.lists(st.text(_ALPHABET, min_size=1, max_size=6), max_size=9))
def test_any_words_are_located_the_same_compiled(text, words):
    """Words with spaces or marks in them too (the analyzer makes none), few or many."""
    found = dict.fromkeys(words + [text[i:i + 3] for i in range(0, len(text), 40)], "stem")
    fast, slow = both(locate, text, found)
    assert fast == slow


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 70_000), st.integers(0, 70_000)), max_size=40),
       st.sampled_from([10, 70_000]))
def test_fragments_decode_the_same_compiled(pairs, body_length):
    limit = body_length if body_length >= 1 << 16 else 1 << 16
    spans = [(min(a, limit - 1), min(b, limit - 1)) for a, b in pairs]
    row = encode_spans(spans, body_length)
    assert accel.built.fragments(row, body_length) == decode_spans(row, body_length) == spans


# Words to number: same-root forms, a stop word, words of other roots.
_WORDS = ["تهجير", "التهجير", "بتهجير", "المهجرين", "هجرة", "في", "من", "مخيم", "المخيمات", "اليرموك",
          "قوات", "النظام", "السوري", "لبنان", "بيروت", "الأمم", "المتحدة", "درعا", "قال", "الذي"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.lists(st.integers(0, 5000), max_size=60, unique=True),  # narrow gaps
                          st.lists(st.integers(0, 200_000), max_size=8, unique=True)),  # wide gaps
                max_size=12),
       st.sampled_from(["تهجير", "مخيم اليرموك", "في لبنان", "root:هجر", "قوات النظام السوري"]),
       st.integers(0, 2 ** 32 - 1))
def test_matched_words_are_the_same_compiled(tmp_path_factory, word_lists, query, seed):
    """Rows of any widths, words whose hashes collide with the query's terms or
    not: the same words judged, the same kinds."""
    rng = np.random.default_rng(seed)
    index = forward.ForwardIndex(tmp_path_factory.mktemp("fw"))
    count = 200_001
    index._surfaces = [[_WORDS[(b * forward.BLOCK + j) % len(_WORDS)] for j in range(forward.BLOCK)]
                       for b in range(count // forward.BLOCK + 1)]
    matches = compile_query(query).matches
    terms = forward.term_hashes([t for view in ("exact", "stem", "root") for t in getattr(matches, view)])
    hashes = rng.integers(0, 1 << 16, size=(count, 3), dtype=np.uint16)
    collide = rng.random(count) < 0.5  # half the words pass the filter, whether they match or not
    hashes[collide, rng.integers(0, 3)] = rng.choice(terms & 0xFFFF, size=int(collide.sum()))
    index._hashes = hashes
    rows = [encode(ids) for ids in word_lists]
    db = sqlite3.connect(":memory:")
    db.executescript(forward.SCHEMA)  # (no words written: the hashes above are all there is)
    fast, slow = both(index._found, db, rows, matches)
    assert fast == slow
    if any(word_lists):  # a word beyond the hashes read, and none to read: none judged
        index._hashes = hashes[:max(max(ids) for ids in word_lists if ids)]
        assert index._found(db, rows, matches) is None
        index._hashes = hashes[:max(max(ids) for ids in word_lists if ids)]
        with python_loops():
            assert index._found(db, rows, matches) is None


def test_searches_are_the_same_compiled(lib):
    """Whole pages (hits, snippets, titles, matched words) on either loops, both engines."""
    marks = 0
    for query in ["تهجير", "مخيم اليرموك", "قوات النظام السوري", "هجر", "\"مخيم اليرموك\"",
                  "الامم المتحدة", "تهج*", "بيروت لبنان", "root:هجر"]:
        fast, slow = both(lambda: [h.to_dict() for h in lib.search(query, limit=20).hits])
        assert fast == slow, query
        marks += sum(len(h["highlights"]) for h in fast)
    assert marks > 50
