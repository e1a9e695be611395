"""More like this: the articles closest to a given one.

An article is summarized by its most distinctive light stems: each stem's
count in the article times its inverse document frequency in the index
(stems in most articles say nothing about this one).  The top
:data:`MAX_TERMS` stems, weighted so, become one OR query on the stem view
of titles and bodies, which the engine ranks like any search.
"""
from __future__ import annotations

import math
from collections import Counter

from archive.records import Article

from .analysis import analyzer
from .query import MatchSet, ir
from .ranking import TEXT_FIELDS, field_name, weight

MAX_TERMS = 25
MIN_LETTERS = 3


def more_like_this(article: Article, engine) -> tuple[ir.Query | None, MatchSet]:
    counts: Counter[str] = Counter()
    for text, w in ((article.title or "", 2), (article.body or "", 1)):
        for t in analyzer.tokens(text):
            if not t.stop and len(t.stem) >= MIN_LETTERS and not t.stem.isdigit():
                counts[t.stem] += w
    matches = MatchSet()
    if not counts:
        return None, matches
    n = max(engine.count(), 1)
    scored = []
    stems = list(counts)
    for stem, df in zip(stems, engine.doc_frequencies(field_name("body", "stem"), stems)):
        tf = counts[stem]
        if df <= 1 and n > 2:  # only in this article: nothing to share
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        scored.append((tf * idf, stem))
    scored.sort(reverse=True)
    top = scored[:MAX_TERMS]
    if not top:
        return None, matches
    best = top[0][0]
    should = []
    for s, stem in top:
        matches.add("stem", stem)
        for f in TEXT_FIELDS:
            should.append(ir.TermQ(field_name(f, "stem"), stem, weight(f, "stem") * s / best))
    return ir.BoolQ(should=tuple(should)), matches
