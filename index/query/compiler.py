"""Compile a parsed query into the engine-independent tree, and say what to highlight.

Each word is analyzed exactly as the index was (same normalizer, stemmer,
root extractor), then searched in the views allowed by the mode, weighted
by the ranking policy (:mod:`index.ranking`).  The compiler also returns the
:class:`MatchSet`, the terms per view that the highlighter looks for in the
article text, the filters written in the query, and messages for the user.

Wildcards (``تهج*``, ``م؟مد``) are expanded here into the index's own terms,
through a :class:`Lexicon` (the engine's term listing), to at most
:data:`MAX_EXPANSIONS` terms per view, most frequent first, so that the
highlighter knows exactly which words matched.  The lexicon also says how
many articles have a word: a stop word that more than
:data:`~index.ranking.STOPWORD_MAX_SHARE` of them have is left out of a
query with other words, and in a long query a root that more than
:data:`~index.ranking.ROOT_MAX_SHARE` share is not searched (without a
lexicon every term is searched).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import Protocol

from .. import ranking
from ..analysis import analyzer, normalize
from ..analysis.root import root as root_of
from ..analysis.stem import light_stem
from ..ranking import TEXT_FIELDS, field_name, views_for, weight
from . import dates, ir
from .parser import Group, Node, Phrase, Word, parse, plain_words

MAX_EXPANSIONS = 50
MAX_WILDCARDS = 5  # wildcard words expanded per query; later ones are searched as words
MIN_WILDCARD_PREFIX = 2  # letters before a "*" (one is enough before "?")
_WILD = re.compile(r"[*?؟]")


class Lexicon(Protocol):
    """What the compiler needs from an engine: its terms, to expand wildcards, and
    how common a word is, to leave out the stop words most articles have."""

    def terms(self, field: str, prefix: str = "") -> list[tuple[str, int]]:
        """``(term, document frequency)`` of every term of ``field`` starting with ``prefix``."""

    def doc_frequencies(self, field: str, terms: list[str]) -> list[int]:
        """How many documents have each of ``terms`` in ``field``."""

    def count(self) -> int:
        """How many documents there are."""


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
    filters: ir.Filters = field(default_factory=ir.Filters)
    messages: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)  # plain words as typed, for "did you mean"


class _Compiler:
    def __init__(self, mode: str, lexicon: Lexicon | None, node: Node | None):
        self.views = views_for(mode)
        self.mode = mode
        self.lexicon = lexicon
        self.matches = MatchSet()
        self.words: list[str] = []
        self.typed: list[str] = []
        self.messages: list[str] = []
        self.wildcards = 0
        self._common: dict[tuple[str, str], bool] = {}
        self._articles: int | None = None
        self._tokens: dict[str, list] = {}
        # a long query: roots most articles share are left out
        self.long = sum(not is_stop(t) for w in plain_words(node)
                        for t in self.analyze(w)) >= ranking.LONG_QUERY_WORDS

    def analyze(self, text: str) -> list:
        """The analyzer's tokens of ``text``, once per query (a word is looked at
        for its stop words, its length and its terms)."""
        toks = self._tokens.get(text)
        if toks is None:
            toks = self._tokens[text] = analyzer.analyze(text)
        return toks

    # -- nodes -------------------------------------------------------------
    def node(self, n: Node, negated: bool = False, soft: bool = False) -> ir.Query | None:
        if isinstance(n, Group):
            return self.group(n, negated)
        if isinstance(n, Phrase):
            return self.phrase(n, negated)
        if n.kind == "root":
            return self.root(n, negated)
        if n.kind == "wildcard":
            return self.wildcard(n, negated)
        return self.word(n, negated, soft)

    def group(self, g: Group, negated: bool) -> ir.Query | None:
        # Stop words count little when the group has other words to go on.
        stop = [self.only_stop(c) for c in g.should]
        content = not all(stop) or any(not self.only_stop(c) for c in g.must)
        must = [q for c in g.must if (q := self.node(c, negated)) is not None]
        should = [q for c, only_stop in zip(g.should, stop)
                  if (q := self.node(c, negated, soft=content and only_stop)) is not None]
        must_not = [q for c in g.must_not if (q := self.node(c, True)) is not None]
        if not must and not should:
            if not must_not or negated:
                return None
            must = [ir.MatchAllQ()]  # "-داعش source:…": everything else
        should.extend(self.proximity([c for c in (*g.must, *g.should) if isinstance(c, Word)]))
        if not must and not must_not and len(should) == 1:
            return should[0]
        return ir.BoolQ(tuple(must), tuple(should), tuple(must_not))

    def word(self, w: Word, negated: bool, soft: bool = False) -> ir.Query | None:
        toks = self.analyze(w.text)
        if not negated:
            self.typed.append(w.text)
        fields = _fields(w.field)
        factor = ranking.STOPWORD_WEIGHT if soft else 1.0
        parts = []
        for t in toks:
            if not negated:
                self.words.append(t.normalized)
            if factor <= 0 or soft and self.too_common("exact", t.normalized, ranking.STOPWORD_MAX_SHARE):
                continue
            stop = is_stop(t)
            should = []
            for view in self.views:
                if stop and view != "exact" and (soft or t.stop):
                    continue
                if (view == "root" and self.long and len(self.views) > 1
                        and self.too_common("root", t.root, ranking.ROOT_MAX_SHARE)):
                    continue
                term = _TERM_OF[view](t)
                if not negated:
                    self.matches.add(view, term)
                should += [ir.TermQ(name, term, boost * factor) for name, boost in _targets(fields, view)]
            if should:
                parts.append(ir.BoolQ(should=tuple(should)))
        if not parts:
            return None
        # "وزارة-الخارجية" or "14.5" may give several tokens: all are required.
        return parts[0] if len(parts) == 1 else ir.BoolQ(must=tuple(parts))

    def only_stop(self, n: Node) -> bool:
        """A plain word whose every token is a stop word."""
        if not isinstance(n, Word) or n.kind != "word":
            return False
        toks = self.analyze(n.text)
        return bool(toks) and all(is_stop(t) for t in toks)

    def too_common(self, view: str, term: str, share: float) -> bool:
        """True if more than ``share`` of the articles have ``term`` in their body's
        ``view`` (asked of the lexicon once per term; never without a lexicon)."""
        common = self._common.get((view, term))
        if common is None:
            if self.lexicon is None:
                return False
            if self._articles is None:
                self._articles = self.lexicon.count()
            df = self.lexicon.doc_frequencies(field_name("body", view), [term])[0]
            common = self._common[view, term] = df > share * self._articles
        return common

    def phrase(self, p: Phrase, negated: bool) -> ir.Query | None:
        toks = analyzer.analyze(" ".join(p.words))
        if not negated:
            self.words.extend(t.normalized for t in toks)
        # Phrases match on stems (so "مخيم اليرموك" finds بمخيم اليرموك), or on
        # the exact view in exact mode.  Stop words are not in the stem view;
        # they loosen the phrase by one position each.
        view = "exact" if self.views == ("exact",) else "stem"
        if view == "exact":
            terms = [t.normalized for t in toks]
            gaps = 0
        else:
            terms = [t.stem for t in toks if not t.stop]
            gaps = sum(t.stop for t in toks)
        if not terms:
            return None
        if not negated:
            for term in terms:
                self.matches.add(view, term)
        fields = _fields(p.field)
        if len(terms) == 1:
            return _any(ir.TermQ(field_name(f, view), terms[0], weight(f, view)) for f in fields)
        return _any(ir.PhraseQ(field_name(f, view), tuple(terms), slop=1 + gaps,
                               boost=weight(f, view) * ranking.PHRASE_BOOST) for f in fields)

    def root(self, w: Word, negated: bool) -> ir.Query | None:
        n = normalize(w.text)
        if not n:
            return None
        roots = dict.fromkeys([n, root_of(light_stem(n))])
        if not negated:
            self.words.append(n)
            self.matches.root.update(roots)
        return _any(ir.TermQ(field_name(f, "root"), r, weight(f, "root")) for r in roots for f in TEXT_FIELDS)

    def wildcard(self, w: Word, negated: bool) -> ir.Query | None:
        pattern = normalize(w.text).rstrip("?؟")
        prefix = _WILD.split(pattern, 1)[0]
        need = MIN_WILDCARD_PREFIX if "*" in pattern else 1
        if len(prefix) < need:
            self.messages.append(f"'{w.text}': a wildcard needs {need} letter{'s' if need > 1 else ''} "
                                 "before it; searched as a word")
            return self.word(Word(_WILD.sub("", w.text), field=w.field), negated)
        self.wildcards += 1
        if self.wildcards > MAX_WILDCARDS:
            self.messages.append(f"at most {MAX_WILDCARDS} wildcards are expanded; the others were searched as words")
            return self.word(Word(_WILD.sub("", w.text), field=w.field), negated)
        if self.lexicon is None:
            return self.word(Word(_WILD.sub("", w.text), field=w.field), negated)
        rx = re.compile("".join(".*" if c == "*" else "." if c in "?؟" else re.escape(c) for c in pattern))
        views = [v for v in self.views if v in ("exact", "stem")] or ["stem"]
        should, capped = [], False
        for view in views:
            dfs: dict[str, int] = {}
            for f in _fields(w.field):
                for term, df in self.lexicon.terms(field_name(f, view), prefix):
                    if rx.fullmatch(term):
                        dfs[term] = dfs.get(term, 0) + df
            chosen = sorted(dfs, key=lambda t: (-dfs[t], t))
            capped |= len(chosen) > MAX_EXPANSIONS
            for term in chosen[:MAX_EXPANSIONS]:
                if not negated:
                    self.matches.add(view, term)
                for f in _fields(w.field):
                    should.append(ir.TermQ(field_name(f, view), term, weight(f, view)))
        if capped:
            self.messages.append(f"'{w.text}' matches many words; searched the {MAX_EXPANSIONS} most common")
        if not should:
            self.messages.append(f"'{w.text}' matches no word in the archive")
            return ir.BoolQ(should=(ir.TermQ(field_name("body", "exact"), pattern),))
        if not negated:
            self.words.append(prefix)
        return ir.BoolQ(should=tuple(should))

    def proximity(self, words: list[Word]) -> list[ir.Query]:
        """Bonus clauses for consecutive content words that stand near each other."""
        if ranking.PROXIMITY_WEIGHT <= 0 or "stem" not in self.views:
            return []
        stems = []
        for w in words:
            if w.kind != "word" or w.field:
                continue
            stems.extend(t.stem for t in self.analyze(w.text) if not is_stop(t))
        out = []
        for a, b in zip(stems, stems[1:]):
            if a != b:
                out.append(ir.PhraseQ(field_name("body", "stem"), (a, b), slop=ranking.PROXIMITY_SLOP,
                                      boost=ranking.PROXIMITY_WEIGHT))
        return out


_TERM_OF = {"exact": attrgetter("normalized"), "stem": attrgetter("stem"), "root": attrgetter("root")}


@cache  # (a handful of combinations, asked for by every word of every query)
def _targets(fields: tuple[str, ...], view: str) -> tuple[tuple[str, float], ...]:
    """``(index field, weight)`` of a view of ``fields``: what a word's term is searched in."""
    return tuple((field_name(f, view), weight(f, view)) for f in fields)


def _fields(only: str | None) -> tuple[str, ...]:
    return (only,) if only in TEXT_FIELDS else TEXT_FIELDS


def _any(queries) -> ir.Query:
    qs = tuple(queries)
    return qs[0] if len(qs) == 1 else ir.BoolQ(should=qs)


def is_stop(t) -> bool:
    """A token that says nothing about the topic: a stop word or an interrogative."""
    return t.stop or t.normalized in ranking.QUESTION_WORDS


def _filters(raw: dict[str, str], messages: list[str]) -> ir.Filters:
    values: dict = {"source": raw.get("source"), "category": raw.get("category")}
    for name in ("date", "since", "until"):
        v = raw.get(name)
        if v is None:
            continue
        try:
            if name == "date":
                since, until = dates.day_range(v)
                values["since"], values["until"] = since, until
            else:
                values[name] = dates.day(v, end=name == "until")
        except ValueError as e:
            messages.append(f"{name}: {e}; filter ignored")
    return ir.Filters(**values)


def compile_query(text: str, mode: str = "all", lexicon: Lexicon | None = None) -> Compiled:
    """Parse and compile ``text``; never raises for any text (an unknown mode is a ValueError)."""
    parsed = parse(text)
    c = _Compiler(mode, lexicon, parsed.node)
    c.messages.extend(parsed.messages)
    filters = _filters(parsed.filters, c.messages)
    q = c.node(parsed.node) if parsed.node is not None else None
    if isinstance(q, ir.BoolQ) and not q.must and not q.should:
        q = None
    return Compiled(q, c.matches, c.words, filters, list(dict.fromkeys(c.messages)), c.typed)
