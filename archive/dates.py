"""Publication dates written in Arabic text: ``21 مايو 2018``, ``19 نيسان/أبريل 2018``, ``الاثنين 21/5/2018``.

Arabic news names months three ways: Egyptian/Gulf (يناير … ديسمبر, يونيه),
Levantine (كانون الثاني … كانون الأول) and Maghrebi (جانفي … ديسمبر), often
two at once (``نيسان/أبريل``), with Western or Arabic-Indic digits.
:func:`find_date` looks for a full day–month–year date in an article's
byline area (its first lines) and then its last lines, where sites print
it – never deep in the body, where dates are those of the events reported.
The candidate is parsed by ``dateparser`` (which knows Arabic but not the
Levantine and Maghrebi names, so those are translated first) and returned
as ISO ``YYYY-MM-DD``.
"""
from __future__ import annotations

import re
from datetime import date as _date
from functools import lru_cache

HEAD_LINES = 6
TAIL_LINES = 3

#: Month names dateparser does not know → the Egyptian name it does.
LEVANTINE = {
    "كانون الثاني": "يناير", "شباط": "فبراير", "آذار": "مارس", "اذار": "مارس",
    "نيسان": "أبريل", "أيار": "مايو", "ايار": "مايو", "حزيران": "يونيو", "تموز": "يوليو",
    "آب": "أغسطس", "اب": "أغسطس", "أيلول": "سبتمبر", "ايلول": "سبتمبر",
    "تشرين الأول": "أكتوبر", "تشرين الاول": "أكتوبر", "تشرين الثاني": "نوفمبر",
    "كانون الأول": "ديسمبر", "كانون الاول": "ديسمبر",
}
MAGHREBI = {
    "جانفي": "يناير", "فيفري": "فبراير", "أفريل": "أبريل", "افريل": "أبريل", "ماي": "مايو",
    "جوان": "يونيو", "جويلية": "يوليو", "جويليه": "يوليو", "أوت": "أغسطس", "اوت": "أغسطس",
}
EGYPTIAN = [
    "يناير", "فبراير", "مارس", "أبريل", "ابريل", "إبريل", "مايو", "يونيو", "يونيه", "يوليو",
    "يوليه", "أغسطس", "اغسطس", "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر",
]
_TRANSLATE = {**LEVANTINE, **MAGHREBI}
_NAMES = sorted(set(EGYPTIAN) | set(_TRANSLATE), key=len, reverse=True)
_MONTH = "(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in _NAMES) + ")"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# 21 مايو 2018 · 19 نيسان/أبريل 2018 · 3 أيار (مايو) 2018 · 121 مايو 2018 (a count glued on)
_NAMED = re.compile(
    rf"(?<![0-9])([0-9]{{1,4}})\s*[-–]?\s*({_MONTH})"
    rf"(?:\s*[/\\(-]\s*{_MONTH}\s*\)?)?\s*[,،]?\s*(?:عام|سنة)?\s*([0-9]{{4}})(?![0-9])")
# 21/5/2018 · 21-05-2018 · 21.5.2018 (day first, as in Arabic bylines)
_DMY = re.compile(r"(?<![0-9])([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})(?![0-9])")
# 2018-05-21 · 2018/05/21
_YMD = re.compile(r"(?<![0-9])([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])")


def _day(digits: str) -> str | None:
    """``121`` → ``21``: bylines glue a comment count to the day."""
    for k in (len(digits), 2, 1):
        d = digits[-k:]
        if 1 <= int(d) <= 31:
            return d
    return None


def _plausible(year: int) -> bool:
    return 1900 <= year <= 2100


@lru_cache(maxsize=4096)
def _parse(text: str) -> str | None:
    import dateparser

    d = dateparser.parse(text, languages=["ar", "en"],
                         settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
                                   "PREFER_LOCALE_DATE_ORDER": False})
    return d.date().isoformat() if d and _plausible(d.year) else None


def parse_date(text: str) -> str | None:
    """The first full date in ``text`` as ``YYYY-MM-DD``, or None."""
    t = text.translate(_DIGITS)
    for m in _NAMED.finditer(t):
        day = _day(m.group(1))
        month = re.sub(r"\s+", " ", m.group(2))
        month = _TRANSLATE.get(month, month)
        if day and _plausible(int(m.group(3))):
            iso = _parse(f"{day} {month} {m.group(3)}")
            if iso:
                return iso
    for m in _YMD.finditer(t):
        try:
            return _date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat() \
                if _plausible(int(m.group(1))) else None
        except ValueError:
            continue
    for m in _DMY.finditer(t):
        if _plausible(int(m.group(4))):
            iso = _parse(f"{m.group(1)}/{m.group(3)}/{m.group(4)}")
            if iso:
                return iso
    return None


def find_date(body: str) -> str | None:
    """The article's date from its byline area (first lines), else its last lines."""
    lines = [l for l in body.split("\n") if l.strip()]
    for chunk in (lines[:HEAD_LINES], lines[HEAD_LINES:][-TAIL_LINES:]):
        for line in chunk:
            if len(line) > 400:  # a paragraph, not a byline
                continue
            iso = parse_date(line)
            if iso:
                return iso
    return None


def normalize_date(value: str) -> str:
    """An explicit date: ISO values are kept as given; Arabic ones become ``YYYY-MM-DD``."""
    v = value.strip()
    try:
        _date.fromisoformat(v[:10])
        return v
    except ValueError:
        return parse_date(v) or v
