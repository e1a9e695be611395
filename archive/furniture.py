"""Site furniture: the lines a scraper picks up that are not the article.

Comment-section headers, "related articles" blocks, share counters and
subscription prompts end up in scraped text.  :func:`strip_furniture`
removes them from an article's body (the raw copy in the archive keeps
them).  Two kinds of rule, both on whole lines only, so a sentence that
merely contains such words is never touched:

* *tail markers* (``شاهد أيضاً``, ``You might also like``, ``التعليقات``…):
  the marker and everything after it is the page's tail, not the article;
* *furniture lines* (share counts such as ``0 7``, ``عاجل``, "last updated"
  bylines…): dropped wherever they are.
"""
from __future__ import annotations

import re

_DIGITS = "0-9\u0660-\u0669\u06F0-\u06F9"

#: Lines after which the rest of the page is not the article.
TAIL_MARKERS = [
    r"شاهد أيضا", r"شاهد ايضا", r"اقرأ أيضا", r"اقرأ ايضا", r"إقرأ أيضا", r"اقرا ايضا",
    r"مواضيع ذات صلة", r"أخبار ذات صلة", r"اخبار ذات صلة", r"مقالات ذات صلة", r"ذات صلة",
    r"المزيد من الأخبار", r"قد يعجبك أيضا", r"قد يهمك أيضا", r"قد يهمك",
    r"التعليقات", r"تعليقات", r"أضف تعليق", r"اضف تعليق", r"أضف تعليقك", r"اترك تعليقا",
    r"عذرا التعليقات مغلقة", r"التعليقات مغلقة",
    r"you might also like", r"you may also like", r"related posts?", r"related articles?",
    r"leave a reply", r"leave a comment", r"comments are closed", r"read more",
]

#: Lines that are furniture wherever they appear.
FURNITURE_LINES = [
    rf"[{_DIGITS}]+(?:[\s,.]+[{_DIGITS}]+)*",  # share / view / comment counts: "0 7", "42"
    r"عاجل", r"شارك", r"مشاركة", r"شارك الخبر", r"شارك هذا المقال", r"طباعة", r"إرسال",
    r"تابعنا", r"تابعونا", r"اشترك", r"النشرة البريدية", r"الرئيسية",
    r"share", r"tweet", r"print", r"email", r"facebook", r"twitter", r"whatsapp",
    r"your email address will not be published\.?", r"required fields are marked \*?",
    r".{0,60}آخر تحديث\s*:?",  # "فريق التحرير21 مايو 2018آخر تحديث :"
]

_PUNCT = " \t.:!…،,؛-–—*•|>«»\"'()[]"
# Hamza and final-letter forms that site templates spell either way.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ً": None, "ٌ": None, "ٍ": None,
                       "َ": None, "ُ": None, "ِ": None, "ّ": None, "ْ": None, "ـ": None})


def _compile(patterns: list[str]) -> re.Pattern:
    folded = [p.translate(_FOLD) for p in patterns]
    return re.compile("(?:" + "|".join(folded) + ")", re.IGNORECASE)


_TAIL = _compile(TAIL_MARKERS)
_LINE = _compile(FURNITURE_LINES)


#: Furniture lines are short; longer lines are article text and are not examined.
MAX_LINE = 80


def _key(line: str) -> str:
    if len(line) > MAX_LINE * 2 or len(line.strip()) > MAX_LINE:
        return ""
    return line.translate(_FOLD).strip(_PUNCT)


def is_tail_marker(line: str) -> bool:
    k = _key(line)
    return bool(k) and _TAIL.fullmatch(k) is not None


def is_furniture(line: str) -> bool:
    k = _key(line)
    return bool(k) and _LINE.fullmatch(k) is not None


def strip_furniture(body: str) -> str:
    """The body without site furniture; blank-line runs collapsed, ends trimmed."""
    out: list[str] = []
    for line in body.split("\n"):
        if is_tail_marker(line):
            break
        if is_furniture(line):
            continue
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip()
