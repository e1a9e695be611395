""""Did you mean": a common spelling for a query word the archive barely knows.

A query word is *rare* when it occurs, as typed (normalized), in at most
:data:`RARE_DF` articles.  Its candidates are the normalized forms one edit
away (a letter deleted, inserted, replaced, or two swapped): ``تهجر`` →
``تهجير``.  Edits are tried on the word as typed and on its light stem,
so ``بالتهجر`` still finds ``تهجير`` under its clitics.  A candidate is
suggested when its stem family is in at least :data:`MIN_DF` articles,
:data:`MIN_RATIO` times the word's count, and more than the word's own
stem family; candidates that share the typed word's root come first.  Counts come
from the engine's term statistics (:meth:`Engine.doc_frequencies`), so the
suggestion always names something the archive has.

A search looks for a suggestion only where one can help (:func:`may_help`):
a short query (a typo there is most of the query) or one with few results.
A long question with a rare word in it (usually a name) and a full page of
results is left alone: looking for a correction costs hundreds of term
lookups per rare word.
"""
from __future__ import annotations

from typing import Callable, Protocol

from .analysis import analyzer

RARE_DF = 2
MIN_DF = 2
MIN_RATIO = 5
MIN_LETTERS = 3
MAX_LETTERS = 15  # longer words are left alone (and would cost many lookups)
MAX_WORDS = 3  # rare words of one query looked at
SHORT_QUERY = 4  # words typed: up to this many, a search always looks for a suggestion
FEW_RESULTS = 10  # results: below this many, a search always looks for a suggestion
PREFILTER_FROM = 16
ARABIC = "ءابتثجحخدذرزسشصضطظعغفقكلمنهويؤئ"
LATIN = "abcdefghijklmnopqrstuvwxyz"


class TermStats(Protocol):
    def doc_frequencies(self, field: str, terms: list[str]) -> list[int]: ...


class Prefiltered:
    """Term statistics that ask the engine only about the terms that some indexed
    word may have: ``may_have(view, terms)`` gives False for a term surely absent
    (counted 0 without asking), or None when it cannot tell for that view (see
    :meth:`index.forward.ForwardIndex.term_filter`).

    Most of a word's hundreds of edits are no word at all, and each engine
    look-up costs a microsecond or more; batches of fewer than
    :data:`PREFILTER_FROM` terms are asked as they are.  ``term_filter``
    gives ``may_have`` (or None: no filter), asked for at the first big batch
    only: most searches that look for a suggestion find no rare word and
    never need it."""

    def __init__(self, stats: TermStats, term_filter: Callable[[], Callable | None]):
        self._stats, self._term_filter, self._may_have = stats, term_filter, _UNASKED

    def doc_frequencies(self, field: str, terms: list[str]) -> list[int]:
        if len(terms) < PREFILTER_FROM:
            return self._stats.doc_frequencies(field, terms)
        if self._may_have is _UNASKED:
            self._may_have = self._term_filter()
        maybe = self._may_have(field.partition("_")[2], terms) if self._may_have else None
        if maybe is None:
            return self._stats.doc_frequencies(field, terms)
        asked = [t for t, m in zip(terms, maybe) if m]
        counts = iter(self._stats.doc_frequencies(field, asked) if asked else ())
        return [next(counts) if m else 0 for m in maybe]


_UNASKED = object()


def edits(word: str) -> set[str]:
    """Every string one edit away from ``word`` (in its own script)."""
    letters = LATIN if word.isascii() else ARABIC
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(word)
    return {w for w in out if len(w) >= MIN_LETTERS - 1}


def _df(stats: TermStats, view: str, term: str) -> int:
    """Articles with ``term`` in a view (the larger of the title and body counts)."""
    return max(stats.doc_frequencies(f"body_{view}", [term])[0], stats.doc_frequencies(f"title_{view}", [term])[0])


def _known(stats: TermStats, view: str, terms: list[str]) -> dict[str, int]:
    """The terms that some article body has in ``view``, with their counts (one batch)."""
    return {t: n for t, n in zip(terms, stats.doc_frequencies(f"body_{view}", terms)) if n}


def correct(word: str, stats: TermStats) -> str | None:
    """A much more common spelling of ``word`` (normalized), or None.

    The word must be rare as typed; a candidate must exist as typed and its
    stem family must be more common than the word's own (so a rare but
    correct inflection of a common word is left alone)."""
    toks = analyzer.analyze(word)
    if len(toks) != 1 or toks[0].stop or len(toks[0].normalized) < MIN_LETTERS:
        return None
    t = toks[0]
    if t.normalized.isdigit() or len(t.normalized) > MAX_LETTERS:
        return None
    word_df = _df(stats, "exact", t.normalized)
    if word_df > RARE_DF:
        return None
    need = max(MIN_DF, MIN_RATIO * word_df, _df(stats, "stem", t.stem) + 1)
    # A typo usually stays in its word's family: a candidate with the typed
    # word's root (تهجر → تهجير, root هجر) beats a more common one with
    # another root (تحجر, root حجر); frequency decides among equals.
    best, best_key = None, (False, 0)
    for cand in sorted(_known(stats, "exact", list(edits(t.normalized)))):
        ct = analyzer.analyze(cand)
        if len(ct) != 1 or ct[0].stop:
            continue
        df = _df(stats, "stem", ct[0].stem)
        key = (ct[0].root == t.root, df)
        if df >= need and key > best_key:
            best, best_key = cand, key
    if best is None and t.stem != t.normalized and t.stem in t.normalized:
        for cand, df in sorted(_known(stats, "stem", list(edits(t.stem))).items()):
            df = max(df, _df(stats, "stem", cand))
            ct = analyzer.analyze(cand)
            key = (len(ct) == 1 and ct[0].root == t.root, df)
            if df >= need and key > best_key:
                best, best_key = t.normalized.replace(t.stem, cand, 1), key
    return best


def may_help(words: int, total: int) -> bool:
    """Whether a search of ``words`` typed words that found ``total`` articles looks for a suggestion."""
    return words <= SHORT_QUERY or total < FEW_RESULTS


def did_you_mean(query: str, typed: list[str], stats: TermStats) -> str | None:
    """``query`` with each rare word replaced by its common spelling, or None if none is.

    Only the first :data:`MAX_WORDS` rare words are looked at (each costs a few
    hundred term lookups)."""
    out, changed = query, False
    words = [w for w in dict.fromkeys(typed) if w in query]
    rare = [w for w, n in zip(words, _exact_counts(stats, words)) if n <= RARE_DF]
    for w in rare[:MAX_WORDS]:
        c = correct(w, stats)
        if c and w in out:
            out = out.replace(w, c)
            changed = True
    return out if changed else None


def _exact_counts(stats: TermStats, words: list[str]) -> list[int]:
    """Each word's count as typed (normalized), in one batch; many for words never corrected."""
    keys = []
    for w in words:
        toks = analyzer.analyze(w)
        ok = len(toks) == 1 and not toks[0].stop and MIN_LETTERS <= len(toks[0].normalized) <= MAX_LETTERS
        keys.append(toks[0].normalized if ok else None)
    looked = [k for k in keys if k]
    counts = dict(zip(looked, stats.doc_frequencies("body_exact", looked))) if looked else {}
    return [counts.get(k, 0) if k else RARE_DF + 1 for k in keys]
