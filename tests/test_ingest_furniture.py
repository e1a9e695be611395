"""Site furniture leaves the body; the archive's raw copy keeps it."""
from __future__ import annotations

import pytest

from archive.furniture import strip_furniture
from conftest import SEEDS


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix,gone", [
    ("001", ["التعليقات", "عذراً التعليقات مغلقة", "عاجل", "آخر تحديث"]),
    ("002", ["0 7", "You might also like", "Leave A Reply", "Your email address"]),
    ("003", ["شاهد أيضاً", "«مصالحة سورية» برعاية الاستخبارات المصرية"]),
    ("004", ["\n42\n"]),
])
def test_seed_furniture_removed_from_body_kept_in_raw(lib, seed_ids, prefix, gone):
    doc_id = seed_ids[prefix]
    body = "\n" + lib.article(doc_id).body + "\n"
    raw = lib.store.raw(doc_id)
    assert raw == seed_text(prefix)
    for line in gone:
        assert line in raw
        assert line not in body, line


def test_article_text_is_kept(lib, seed_ids):
    body = lib.article(seed_ids["001"]).body
    assert body.startswith("عنصر من قوات الأسد في معارك جنوبي دمشق")
    assert body.endswith("الذي يحضن نفسه في المنطقة.")
    assert "حرية برس:" in body
    body2 = lib.article(seed_ids["002"]).body
    assert body2.endswith("وسط مدينة الرقة شمال سورية.")


def test_only_whole_lines_are_furniture():
    text = ("وقال إن التعليقات مغلقة منذ أمس.\nشارك 40 شخصا في المسيرة\n"
            "مشاركة\n1 2\nالنص الأخير")
    assert strip_furniture(text) == ("وقال إن التعليقات مغلقة منذ أمس.\n"
                                     "شارك 40 شخصا في المسيرة\nالنص الأخير")


def test_tail_marker_cuts_the_rest():
    assert strip_furniture("الخبر\n\nاقرأ أيضاً:\nخبر آخر\nوآخر") == "الخبر"
    assert strip_furniture("الخبر\nRelated posts\nx") == "الخبر"
