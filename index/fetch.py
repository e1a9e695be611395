"""How many hits to fetch for a page when duplicates are folded into their best hit.

Folding drops the copies of a story from the ranked list, so a page of ten
needs more than ten hits, and how many more depends on the archive: over the
bench's queries at 72,716 news articles, 81% of first pages needed no more
than ten and 99% no more than seventeen; at 300,000 articles, most of them
with copies, many needed over forty.  Fetching too few costs a second search;
fetching too many costs reading ids that are never shown (about 4 µs each in
tantivy).  A :class:`FetchSizer` learns the need from the searches it has
seen: the first fetch covers :data:`QUANTILE` of the recent ones, and the
search fetches again when a page still comes out short.  The engines break
ties by document, so the hits never depend on how many were fetched.
"""
from __future__ import annotations

import math
import threading
from collections import deque

WINDOW = 64  # recent searches remembered
MIN_SEEN = 8  # searches seen before the first fetch is sized from them
QUANTILE = 0.9
SPARE = 5  # hits fetched beyond the estimate


class FetchSizer:
    """Sizes the first fetch of a folded page from the pages it was told about (thread-safe)."""

    def __init__(self, most: int):
        self.most = most  # the largest fetch (MAX_FETCH)
        self._needs: deque[float] = deque(maxlen=WINDOW)  # hits needed / hits wanted
        self._lock = threading.Lock()

    def first(self, want: int) -> int:
        """How many hits to fetch first for a page that ends at hit ``want``."""
        with self._lock:
            needs = sorted(self._needs)
        if len(needs) < MIN_SEEN:  # nothing learnt yet: the old rule, three times and ten
            return min(want * 3 + 10, self.most)
        ratio = needs[min(int(QUANTILE * len(needs)), len(needs) - 1)]
        return min(max(math.ceil(want * ratio), want) + SPARE, self.most)

    def record(self, want: int, needed: int) -> None:
        """A page ending at hit ``want`` was full after ``needed`` hits (a page that
        could not fill, the query having fewer hits, tells nothing and is not recorded)."""
        if want > 0:
            with self._lock:
                self._needs.append(needed / want)
