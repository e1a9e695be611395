"""Ranking policy: how much each view, each field and each kind of clause counts.

A query word is searched in all three views at once.  An article that has
the word as typed also matches its stem and root (1 + 2 + 1), one that
has only a same-stem form also matches the root (2 + 1), one with only a
same-root word gets 1: the tiers fall in order, exact > stem > root.
A title is a short field, so BM25 already scores a title match high; its
weight only scales that.

Beyond single words:

* stop words (في، من، ما، متى …) and the interrogatives of
  :data:`QUESTION_WORDS` (لماذا، ماهي …, which the stop list lacks) are
  searched as typed only (their stems and roots would match far too
  much), scaled by :data:`STOPWORD_WEIGHT` when the query has other words;
  there, a stop word that many articles have (more than
  :data:`STOPWORD_MAX_SHARE` of them: في، من، على، ما … in news) is left
  out: it would match much of the archive and add little to any article's
  score (its idf is small), yet its postings are the longest the engine
  reads and its marks the most common in snippets;
* in a long query (:data:`LONG_QUERY_WORDS` words or more that are not stop
  words), a root that more than :data:`ROOT_MAX_SHARE` of the articles
  share is not searched: the word's exact and stem forms still are, and a
  tier that holds much of the archive ranks little;
* query words that stand near each other in an article add a proximity
  bonus (:data:`PROXIMITY_WEIGHT`, within :data:`PROXIMITY_SLOP` positions);
* phrases in quotes count double (:data:`PHRASE_BOOST`).

The policy is engine-independent: every engine receives the same weighted
query.  The weights are global constants, the best of a grid on the ARCD
*train* questions (``bench/tune_ranking.py``; ``bench/quality.py`` reports
train and test apart); nothing here depends on a particular query.
"""
from __future__ import annotations

VIEW_WEIGHTS = {"exact": 1.0, "stem": 2.0, "root": 1.0}
FIELD_WEIGHTS = {"title": 0.5, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_WEIGHTS)
MODES = ("all", "exact", "stem", "root")

STOPWORD_WEIGHT = 1.0
# Share of the articles above which a stop word is left out of a query with
# other words (counted in the bodies' exact view; 1.0 keeps every stop word).
# On ARCD and XQuAD-ar MRR@10 0.8125 / 0.9465 -> 0.8122 / 0.9464 (ARCD train
# 0.8169 -> 0.8163); at 72,716 news articles it cuts a query's work by a
# quarter (bench/README.md).
STOPWORD_MAX_SHARE = 0.3
# In a query of at least LONG_QUERY_WORDS words that are not stop words, a
# word's root is not searched when more than ROOT_MAX_SHARE of the articles
# share it (قول، جمع، عمل … in news). On ARCD train MRR@10 the same (0.8163;
# 0.3 gave 0.8149), XQuAD-ar 0.9464 -> 0.9469; 5% of a query's work at 72,716 articles.
LONG_QUERY_WORDS = 3
ROOT_MAX_SHARE = 0.4
# Interrogatives (normalized) as people type them, fused forms included, and
# the bare article "ال" left by a stray space.  Query side only.
QUESTION_WORDS = frozenset({
    "لماذا", "ماذا", "ماهي", "ماهو", "ماهم", "مالذي", "ماالذي", "متي", "كيف", "اين", "هل",
    "كم", "من", "ما", "اي", "ايهما", "ايها", "بكم", "لمن", "لما", "ال",
})
PROXIMITY_WEIGHT = 0.0  # off: no gain on ARCD train with the current analysis
PROXIMITY_SLOP = 3
PHRASE_BOOST = 2.0


def views_for(mode: str) -> tuple[str, ...]:
    if mode == "all":
        return tuple(VIEW_WEIGHTS)
    if mode not in VIEW_WEIGHTS:
        raise ValueError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    return (mode,)


def field_name(field: str, view: str) -> str:
    return f"{field}_{view}"


def weight(field: str, view: str) -> float:
    return FIELD_WEIGHTS[field] * VIEW_WEIGHTS[view]
