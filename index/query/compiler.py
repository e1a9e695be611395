"""Compile a parsed query into the engine-independent tree, and say what to highlight.

Each word is analyzed exactly as the index was (same normalizer, stemmer,
root extractor), then searched in the views allowed by the mode, weighted
by the ranking policy.  The compiler also returns the :class:`MatchSet`, the
terms per view that the highlighter looks for in the article text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import analyzer
from ..ranking import TEXT_FIELDS, field_name, views_for, weight
from . import ir
from .parser import Clause, Phrase, Word, parse


@dataclass
class MatchSet:
    """Terms to highlight, per view."""

    exact: set[str] = field(default_factory=set)
    stem: set[str] = field(default_factory=set)
    root: set[str] = field(default_factory=set)

    def add(self, view: str, term: str) -> None:
        getattr(self, view).add(term)

    def __bool__(self) -> bool:
        return bool(self.exact or self.stem or self.root)


@dataclass
class Compiled:
    query: ir.Query | None  # None: nothing searchable in the text
    matches: MatchSet
    words: list[str]  # the normalized query words, for suggestions


def _word_query(text: str, views, matches: MatchSet, words: list[str]) -> ir.Query | None:
    toks = analyzer.analyze(text)
    parts = []
    for t in toks:
        words.append(t.normalized)
        should = []
        for view in views:
            if t.stop and view != "exact":
                continue
            term = {"exact": t.normalized, "stem": t.stem, "root": t.root}[view]
            matches.add(view, term)
            for f in TEXT_FIELDS:
                should.append(ir.TermQ(field_name(f, view), term, weight(f, view)))
        if should:
            parts.append(ir.BoolQ(should=tuple(should)))
    if not parts:
        return None
    # "وزارة-الخارجية" or "14.5" may give several tokens: all are required.
    return parts[0] if len(parts) == 1 else ir.BoolQ(must=tuple(parts))


def _phrase_query(words: tuple[str, ...], views, matches: MatchSet, qwords: list[str]) -> ir.Query | None:
    toks = analyzer.analyze(" ".join(words))
    for t in toks:
        qwords.append(t.normalized)
    # Phrases match on stems (so "مخيم اليرموك" finds بمخيم اليرموك), or on the
    # exact view in exact mode.  Stop words are not in the stem view; they
    # loosen the phrase by one position each.
    view = "exact" if views == ("exact",) else "stem"
    if view == "exact":
        terms = [t.normalized for t in toks]
        gaps = 0
    else:
        terms = [t.stem for t in toks if not t.stop]
        gaps = sum(t.stop for t in toks)
    if not terms:
        return None
    for t in toks:
        if view == "exact" or not t.stop:
            matches.add(view, t.normalized if view == "exact" else t.stem)
    if len(terms) == 1:
        return ir.BoolQ(should=tuple(ir.TermQ(field_name(f, view), terms[0], weight(f, view))
                                     for f in TEXT_FIELDS))
    return ir.BoolQ(should=tuple(
        ir.PhraseQ(field_name(f, view), tuple(terms), slop=1 + gaps, boost=weight(f, view) * 2)
        for f in TEXT_FIELDS))


def compile_query(text: str, mode: str = "all") -> Compiled:
    views = views_for(mode)
    matches = MatchSet()
    words: list[str] = []
    must, should, must_not = [], [], []
    for clause in parse(text):
        ignore = MatchSet() if clause.occur == "must_not" else matches
        if isinstance(clause.node, Word):
            q = _word_query(clause.node.text, views, ignore, words if clause.occur != "must_not" else [])
        else:
            q = _phrase_query(clause.node.words, views, ignore, words if clause.occur != "must_not" else [])
        if q is None:
            continue
        {"must": must, "should": should, "must_not": must_not}[clause.occur].append(q)
    if not must and not should:
        return Compiled(None, matches, words)
    return Compiled(ir.BoolQ(tuple(must), tuple(should), tuple(must_not)), matches, words)
