"""How many hits a folded page fetches first (index.fetch)."""
from __future__ import annotations

import pytest

from index.fetch import MIN_SEEN, SPARE, WINDOW, FetchSizer


def test_until_it_has_seen_enough_pages_it_fetches_three_times_the_page_and_ten():
    f = FetchSizer(3000)
    assert f.first(10) == 40
    for _ in range(MIN_SEEN - 1):
        f.record(10, 10)
    assert f.first(10) == 40
    f.record(10, 10)
    assert f.first(10) == 10 + SPARE  # pages needed only themselves


@pytest.mark.parametrize("deep, first", [(6, 10 + SPARE), (7, 40 + SPARE)])
def test_the_first_fetch_covers_nine_in_ten_of_the_recent_pages(deep, first):
    f = FetchSizer(3000)
    for _ in range(WINDOW - deep):
        f.record(10, 10)
    for _ in range(deep):  # pages whose story had many copies
        f.record(10, 40)
    assert f.first(10) == first  # 6 of 64 is under a tenth, 7 is over


def test_it_scales_with_the_page_forgets_old_pages_and_stays_under_the_cap():
    f = FetchSizer(100)
    for _ in range(WINDOW):
        f.record(10, 25)
    assert f.first(20) == 50 + SPARE
    assert f.first(1000) == 100
    for _ in range(WINDOW):  # the archive changed: its copies were removed
        f.record(10, 10)
    assert f.first(10) == 10 + SPARE
