"""Search results as the library returns them and as JSON shows them.

The CLI's ``--json`` and the web API's ``/api/search`` both print
:meth:`SearchResults.to_dict`, so the two always agree.  Besides the hits:
``messages`` (how the query was read), ``did_you_mean`` (a corrected query
or null), ``collapsed`` (duplicates folded into better hits, each hit's
``also_in`` naming them) and, when asked for, ``facets`` (counts per
source, category, year and month over all matching articles).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from archive.records import Article

from .highlight import Snippet


@dataclass
class Hit:
    article: Article
    score: float
    snippet: Snippet
    title: Snippet  # the whole title, with its matches marked
    matched: list[str]
    also_in: list[dict] = field(default_factory=list)  # duplicates: {"id", "title", "source", "date", "url", "exact"}

    def to_dict(self) -> dict:
        a = self.article
        return {
            "id": a.id, "title": a.title, "date": a.date, "source": a.source,
            "url": a.url, "category": a.category,
            "score": round(self.score, 4),
            "snippet": self.snippet.html(),
            "snippet_text": self.snippet.text(),
            "highlights": [list(h) for h in self.snippet.highlights()],
            "title_html": self.title.html() if self.title.fragments else html.escape(a.title),
            "matched": self.matched,
            "also_in": self.also_in,
        }


@dataclass
class SearchResults:
    query: str
    mode: str
    total: int
    hits: list[Hit]
    offset: int = 0
    limit: int = 10
    sort: str = "relevance"
    took_ms: float = 0.0
    messages: list[str] = field(default_factory=list)
    facets: dict[str, dict[str, int]] | None = None  # only when asked for
    did_you_mean: str | None = None
    collapsed: int = 0  # duplicates folded into a better hit (among those read)

    @property
    def page(self) -> int:
        """1-based page number of these hits, with ``limit`` hits per page."""
        return self.offset // self.limit + 1

    def to_dict(self) -> dict:
        return {
            "query": self.query, "mode": self.mode, "sort": self.sort,
            "total": self.total, "offset": self.offset, "limit": self.limit,
            "took_ms": round(self.took_ms, 2),
            "messages": self.messages,
            "did_you_mean": self.did_you_mean,
            "collapsed": self.collapsed,
            **({"facets": self.facets} if self.facets is not None else {}),
            "hits": [h.to_dict() for h in self.hits],
        }
