"""Snippets: the best passages of an article with the matched words marked.

Highlighting is engine-independent.  The words of the article text (from
the archive) are analyzed with the same analyzer (once per process, see
:mod:`.surfaces`), and each word is marked when one of
its views is in the query's :class:`MatchSet`: *exact* if its normalized form
matches, else *stem*, else *root*.  The mark covers the word exactly as the
article wrote it (بتهجير، المهجرين, with its diacritics), and its kind is
kept, so formatters can show the three tiers differently (HTML
``<mark class="exact|stem|root">``, terminal colours).

As in Whoosh: a fragmenter cuts the text into sentences (``. ! ? ؟ ؛ …``
followed by a space, and line breaks, end one; the dot of ``14.5`` does
not), a sentence too long for a snippet is cut at its clauses (``، , : ;``)
and only then at spaces; a scorer prefers fragments with more distinct and
stronger matches (only fragments that hold a match are scored, and only
the chosen ones are built); formatters render the chosen fragments as plain text,
HTML or, in the CLI, terminal styles.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from . import accel
from .analysis.normalize import INVISIBLES, MARKS
from .query import MatchSet
from .surfaces import surfaces

# The last query highlighted: its MatchSet, the terms to look for, the
# chunks judged so far that match it (with their matched words), and every
# chunk judged so far.
_last: tuple = (None, {}, {}, set())
WORD_CHAR = re.compile(f"[^\\W_]|[{MARKS}{INVISIBLES}]")  # one character of a word (see tokenize.WORD)
# The characters of WORD_CHAR that are not letters or digits (``str.isalnum``
# is exactly ``[^\W_]``): a word character is ``c.isalnum() or c in _JOINERS``.
_JOINERS = frozenset(c for c in map(chr, (*range(0x0600, 0x0700), *range(0x2000, 0x2070), 0xFEFF, 0x00AD))
                     if WORD_CHAR.match(c) and not c.isalnum())
KIND_WEIGHT = {"exact": 3.0, "stem": 2.0, "root": 1.0}
# A sentence runs to an end mark followed by a space (or the end), or to a line break.
# (Runs of ordinary characters are taken at once: the same sentences as one
# character at a time, since the end of a sentence never needs backtracking.)
SENTENCE = re.compile(r"(?:[^\n.!?؟؛…]+|[.!?؟؛…](?=[^\s.!?؟؛…]))+(?:[.!?؟؛…]+|(?=\n)|$)")
CLAUSE = re.compile(r"[^،,:;]+[،,:;]*")
MAX_FRAGMENT = 220
_end = itemgetter(1)
_score, _start = itemgetter(0), itemgetter(1)  # of a scored fragment (score, start, end)
_AFTER_ALL = float("inf")  # sorts after every end offset
ELLIPSIS = " … "


class Segment(NamedTuple):  # a tuple: snippets make many, and cheaply
    text: str
    kind: str | None = None  # None, "exact", "stem" or "root"


if accel.built is not None:  # the compiled loops make snippets as defined here
    accel.built.configure(_JOINERS, Segment, KIND_WEIGHT, MAX_FRAGMENT)


# Segment's own constructor is a Python function; tuple.__new__ builds the same
# tuple without it (a query's snippets make about 150 segments).
_new_tuple = tuple.__new__


@dataclass
class Snippet:
    fragments: list[list[Segment]]

    @property
    def matched(self) -> list[str]:
        return matched_words(self)

    def text(self, before: str = "", after: str = "") -> str:
        return ELLIPSIS.join(
            "".join(f"{before}{s.text}{after}" if s.kind else s.text for s in frag)
            for frag in self.fragments)

    def html(self) -> str:
        return ELLIPSIS.join(
            "".join(f'<mark class="{s.kind}">{html.escape(s.text)}</mark>' if s.kind
                    else html.escape(s.text) for s in frag)
            for frag in self.fragments)

    def highlights(self) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` of each mark in :meth:`text` (no markers)."""
        out, pos = [], 0
        for i, frag in enumerate(self.fragments):
            if i:
                pos += len(ELLIPSIS)
            for s in frag:
                if s.kind:
                    out.append((pos, pos + len(s.text), s.kind))
                pos += len(s.text)
        return out


def match_kind(token, matches: MatchSet) -> str | None:
    if token.normalized in matches.exact:
        return "exact"
    if not token.stop:
        if token.stem in matches.stem:
            return "stem"
        if token.root in matches.root:
            return "root"
    return None


def marks(text: str, matches: MatchSet) -> list[tuple[int, int, str]]:
    """Every matched word of ``text`` as ``(start, end, kind)``.

    The same words as :meth:`Analyzer.tokens` finds, found faster: the
    chunks of the text that hold a query term come from the process-wide
    :data:`~index.surfaces.surfaces` (set operations), each is judged once
    per query, and only the matched words are then located; an occurrence
    counts when it is a whole word (no word character on either side),
    which is exactly a token."""
    if not matches:
        return []
    global _last
    last_matches, terms, judged, seen = _last
    if last_matches is not matches:  # a new query
        terms = {"exact": matches.exact, "stem": matches.stem, "root": matches.root}
        terms = {v: t for v, t in terms.items() if t}
        judged, seen = {}, set()
        _last = (matches, terms, judged, seen)
    chunks = set(text.split())
    fresh = chunks - seen  # chunks of the query's earlier hits are judged already
    if fresh:
        seen |= fresh
        for chunk, words in surfaces.judge(fresh, terms).items():
            judged[chunk] = tuple((w[0], k) for w in words if (k := word_kind(w, matches)) is not None)
    found: dict[str, str] = {}
    for chunk in judged.keys() & chunks:
        found.update(judged[chunk])
    return locate(text, found)


def locate(text: str, found: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every occurrence in ``text`` of the words ``found`` (``{surface: kind}``)
    as a whole word, ``(start, end, kind)`` in text order: the marks, once the
    matching words are known (from :func:`marks`'s judgement, or the
    forward index's, :mod:`index.forward`)."""
    loops = accel.active
    if loops is not None:
        return loops.locate(text, found)
    out = []
    append, find, joiners, length = out.append, text.find, _JOINERS, len(text)
    for surface, kind in found.items():
        n, i = len(surface), find(surface)
        while i >= 0:
            e = i + n
            if ((i == 0 or not (text[i - 1].isalnum() or text[i - 1] in joiners))
                    and (e == length or not (text[e].isalnum() or text[e] in joiners))):
                append((i, e, kind))
            i = find(surface, e)
    out.sort()
    return out


def marked(text: str, found: dict[str, str]) -> list[Segment]:
    """``text`` whole, cut into segments at the words ``found`` (a title)."""
    loops = accel.active
    if loops is not None:
        return loops.title_segments(text, found)
    return segments(text, locate(text, found))


def matched_words(*snippets: Snippet) -> list[str]:
    """The marked words of ``snippets`` (a hit's title and body), each once, in order."""
    loops = accel.active
    if loops is not None:
        return loops.marked_texts([f for sn in snippets for f in sn.fragments])
    return list(dict.fromkeys(s.text for sn in snippets for f in sn.fragments for s in f if s.kind))


def word_kind(word, matches: MatchSet) -> str | None:
    """:func:`match_kind` of a judged word ``(surface, normalized, stem, root, stop)``."""
    _, n, s, r, stop = word
    if n in matches.exact:
        return "exact"
    if not stop:
        if s in matches.stem:
            return "stem"
        if r in matches.root:
            return "root"
    return None


def segments(text: str, spans: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> list[Segment]:
    end = len(text) if end is None else end
    out, pos = [], start
    # spans are in text order and apart: skip those that end before start
    first = bisect_left(spans, start, key=_end) if spans and spans[0][1] <= start else 0
    for s, e, kind in spans[first:] if first else spans:
        if s >= end:
            break
        if e <= start:
            continue
        if s > pos:
            out.append(_new_tuple(Segment, (text[pos:s], None)))
        out.append(_new_tuple(Segment, (text[s:e], kind)))
        pos = e
    if pos < end:
        out.append(_new_tuple(Segment, (text[pos:end], None)))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def fragment_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every fragment of ``text``, in order: what a snippet
    scores (kept by the forward index, so that a snippet need not cut them)."""
    return list(_all_fragments(text))


def _holding(fragments: list[tuple[int, int]], starts: list[int]):
    """The fragments among ``fragments`` (sorted, apart) that hold one of the
    sorted positions ``starts``: what cutting the sentences with a match gives."""
    end = -1
    for p in starts:
        if p < end:  # in the fragment found last
            continue
        i = bisect_right(fragments, (p, _AFTER_ALL)) - 1  # the last fragment starting at or before p
        if i >= 0 and p < fragments[i][1]:
            end = fragments[i][1]
            yield fragments[i]


def _all_fragments(text: str):
    """Fragments: sentences, and long sentences cut into runs of whole clauses."""
    for m in SENTENCE.finditer(text):
        yield from _fragments(text, m.start(), m.end())


def _sentences_with(text: str, starts: list[int]):
    """``(start, end)`` of the sentences (as :data:`SENTENCE` cuts the whole
    text) that hold one of the sorted positions ``starts``.

    No sentence spans a line break, so the sentences of a line are found by
    scanning that line alone: only lines with a match are scanned."""
    n, j = len(starts), 0
    while j < n:
        line_start = text.rfind("\n", 0, starts[j]) + 1
        line_end = text.find("\n", starts[j])
        if line_end < 0:
            line_end = len(text)
        for m in SENTENCE.finditer(text, line_start):
            ms, me = m.span()
            if ms >= line_end:
                break
            j = bisect_left(starts, ms, j)
            if j < n and starts[j] < me:
                yield ms, me
        j = bisect_left(starts, line_end, j)


def _fragments(text: str, start: int, end: int):
    """The fragments of one sentence ``text[start:end]``."""
    s, e = _trim(text, start, end)
    if e <= s:
        return ()
    if e - s <= MAX_FRAGMENT:
        return ((s, e),)
    return _clause_runs(text, s, e)


def _clause_runs(text: str, s: int, e: int):
    """A long (trimmed) sentence ``text[s:e]`` cut into runs of whole clauses."""
    lo = hi = None
    for c in CLAUSE.finditer(text, s, e):
        cs, ce = _trim(text, c.start(), c.end())
        if ce <= cs:
            continue
        if lo is None:
            lo, hi = cs, ce
        elif ce - lo <= MAX_FRAGMENT:
            hi = ce
        else:
            yield lo, hi
            lo, hi = cs, ce
    if lo is not None:
        yield lo, hi


def _window(text: str, s: int, e: int, spans) -> tuple[int, int]:
    """Cut a long sentence to MAX_FRAGMENT characters around its first match, at word edges."""
    if e - s <= MAX_FRAGMENT:
        return s, e
    first = next((a for a, b, _ in spans if a >= s and b <= e), s)
    lo = max(s, first - MAX_FRAGMENT // 3)
    hi = min(e, lo + MAX_FRAGMENT)
    if lo > s:
        sp = text.find(" ", lo)
        lo = sp + 1 if 0 <= sp < first else lo
    if hi < e:
        sp = text.rfind(" ", lo, hi)
        hi = sp if sp > first else hi
    return lo, hi


def _opening(text: str) -> Snippet:
    """The first fragment, unmarked (an article without a match)."""
    first = next(_all_fragments(text), None)
    if first is None:
        return Snippet([])
    s, e = _window(text, *first, [])
    return Snippet([segments(text, [], s, e)])


def snippet(text: str, matches: MatchSet, max_fragments: int = 2,
            found: dict[str, str] | None = None,
            fragments: list[tuple[int, int]] | None = None) -> Snippet:
    """The best ``max_fragments`` passages of ``text`` for ``matches``; ``found``,
    when known, gives the matching words (see :func:`locate`) and ``fragments``
    the text's :func:`fragment_spans`."""
    loops = accel.active
    if found is not None and fragments is not None and loops is not None:
        frags = loops.snippet_fragments(text, found, fragments, max_fragments)
        return _opening(text) if frags is None else Snippet(frags)
    spans = marks(text, matches) if found is None else locate(text, found)
    if not spans:
        return _opening(text)
    # Score only the fragments that hold a match: sentences without one are
    # skipped unsplit, and the walk stops after the last match.
    scored = []
    starts = [a for a, _, _ in spans]
    if fragments is None:
        holding = (f for ms, me in _sentences_with(text, starts) for f in _fragments(text, ms, me))
    else:
        holding = _holding(fragments, starts)
    j = 0
    for s, e in holding:
        j = bisect_left(starts, s, j)
        k = bisect_left(starts, e, j)
        if k == j + 1:  # one match: the common case
            a, b, kind = spans[j]
            if b <= e:
                scored.append((KIND_WEIGHT[kind] + 0.1, s, e))
            continue
        distinct: dict[str, float] = {}
        inside = 0
        for a, b, kind in spans[j:k]:
            if b <= e:
                w = text[a:b]
                distinct[w] = max(distinct.get(w, 0), KIND_WEIGHT[kind])
                inside += 1
        if inside:
            scored.append((sum(distinct.values()) + 0.1 * inside, s, e))
    if not scored:
        return _opening(text)
    best = sorted(scored, key=_score, reverse=True)[:max_fragments]  # (stable: ties keep text order)
    best.sort(key=_start)
    frags = []
    for _, s, e in best:
        lo, hi = _window(text, s, e, spans)
        frags.append(segments(text, spans, lo, hi))
    return Snippet(frags)

