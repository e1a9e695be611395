"""Which outlet an article comes from, when nobody labelled it, and one name per outlet.

:func:`find_source` reads the conventions of Arabic news text, in order:

1. a source line: ``المصدر : الجزيرة`` (anywhere, usually last);
2. a dateline in the article's first lines: a line that is only
   ``حرية برس:``, a ``PLACE – AGENCY:`` opening such as ``دمشق – وكالات:``,
   or a wire opening such as ``دمشق (رويترز) -``.

:class:`SourceAliases` maps the spellings of one outlet (``الجزيرة نت``,
``Al Jazeera``, ``الجزيرة.نت``) to one name.  The built-in table covers the
big wire agencies and broadcasters; a JSON file ``{"name": ["spelling", …]}``
adds to or overrides it (``arshif ingest --aliases FILE``, or
``aliases.json`` in the archive's home).
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

HEAD_LINES = 5
MAX_WORDS = 4

DEFAULT_ALIASES: dict[str, list[str]] = {
    "الجزيرة": ["الجزيرة نت", "الجزيرة.نت", "الجزيرة مباشر", "قناة الجزيرة", "Al Jazeera",
                "Aljazeera", "aljazeera.net", "الجزيره"],
    "رويترز": ["Reuters", "وكالة رويترز", "رويترز للأنباء"],
    "فرانس برس": ["وكالة فرانس برس", "فرانس برس", "أ ف ب", "أ.ف.ب", "ا ف ب", "AFP"],
    "أسوشيتد برس": ["وكالة أسوشيتد برس", "أسوشييتد برس", "اسوشيتد برس", "أ ب", "AP",
                    "Associated Press"],
    "الأناضول": ["وكالة الأناضول", "الاناضول", "Anadolu"],
    "سانا": ["الوكالة السورية للأنباء", "الوكالة العربية السورية للأنباء", "وكالة سانا", "SANA"],
    "وكالات": ["الوكالات", "وكالات الأنباء", "وكالات أنباء"],
    "العربية": ["العربية نت", "العربية.نت", "قناة العربية", "Al Arabiya"],
    "بي بي سي": ["بي بي سي عربي", "BBC Arabic", "BBC عربي"],
    "سكاي نيوز عربية": ["سكاي نيوز", "Sky News Arabia"],
    "المرصد السوري لحقوق الإنسان": ["المرصد السوري"],
}

_MARKS = re.compile("[\u064B-\u065F\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})
_STRIP = " \t\u200f\u200e.:،,؛;-–—|*\"'«»()[]“”’‘"


def alias_key(name: str) -> str:
    """Spelling-insensitive key: Unicode form, diacritics, hamza/ta marbuta, case, spacing."""
    k = unicodedata.normalize("NFKC", name)
    k = _MARKS.sub("", k).translate(_FOLD).casefold()
    k = re.sub(r"[\s._]+", " ", k).strip(_STRIP)
    return k


def clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(_STRIP)


class SourceAliases:
    """Spellings of an outlet → its one name."""

    def __init__(self, table: dict[str, list[str]] | None = None):
        self._map: dict[str, str] = {}
        self.update(DEFAULT_ALIASES if table is None else table)

    def update(self, table: dict[str, list[str]]) -> None:
        for name, spellings in table.items():
            self._map[alias_key(name)] = name
            for s in spellings:
                self._map[alias_key(s)] = name

    @classmethod
    def load(cls, path: Path | None) -> "SourceAliases":
        """The built-in table plus a JSON file ``{"name": ["spelling", …]}``; ValueError if bad."""
        aliases = cls()
        if path is None:
            return aliases
        try:
            table = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as e:
            raise ValueError(f"{path}: cannot read aliases: {e.strerror or e}") from None
        except ValueError as e:
            raise ValueError(f"{path}: not valid JSON: {e}") from None
        if not isinstance(table, dict) or not all(
                isinstance(v, list) and all(isinstance(s, str) for s in v) for v in table.values()):
            raise ValueError(f'{path}: expected a JSON object {{"name": ["spelling", ...]}}')
        aliases.update(table)
        return aliases

    def canonical(self, name: str | None) -> str | None:
        if not name or not name.strip():
            return None
        return self._map.get(alias_key(name), clean_name(name))


_SOURCE_LINE = re.compile(r"^\s*(?:ال)?مصدر\s*[:：]\s*(.+?)\s*$", re.M)
# a line that is only "حرية برس:"
_DATELINE_ALONE = re.compile(r"^\s*([^:：\n]{2,40}?)\s*[:：]\s*$")
# "دمشق – وكالات: قتل …"
_PLACE_AGENCY = re.compile(r"^\s*[^:：\n–—\-]{2,30}?\s+[–—\-]\s+([^:：\n–—\-]{2,40}?)\s*[:：]")
# "دمشق (رويترز) - …"
_WIRE = re.compile(r"^\s*[^()\n:]{2,30}?\s*\(([^()\n]{2,40})\)\s*[–—\-:]")
# words that open reported speech, not a dateline ("وقال المتحدث:")
_SPEECH = re.compile(r"^(?:و|ف)?(?:قال|قالت|أضاف|اضاف|أضافت|أكد|اكد|أكدت|أعلن|اعلن|أعلنت|"
                     r"أوضح|اوضح|أوضحت|تابع|تابعت|ذكر|ذكرت|أشار|اشار|أشارت|كتب|كتبت|"
                     r"يقول|تقول|صرح|صرحت|حيث|كما|لكن|إذ|اذ|وهو|وهي|ملاحظة|تنويه|"
                     r"المصدر|الصورة|صورة|فيديو|شاهد|اقرأ|تحديث|ملخص|نص|رابط)")


def _plausible_name(name: str) -> bool:
    words = name.split()
    return (0 < len(words) <= MAX_WORDS and not _SPEECH.match(name.strip())
            and not any(ch.isdigit() for ch in name))


def find_source(body: str) -> str | None:
    """The outlet named in the text, or None."""
    m = None
    for m in _SOURCE_LINE.finditer(body):
        pass
    if m:
        name = clean_name(m.group(1))
        if _plausible_name(name):
            return name
    lines = [l for l in body.split("\n") if l.strip()][:HEAD_LINES]
    for line in lines:
        for pattern in (_DATELINE_ALONE, _PLACE_AGENCY, _WIRE):
            m = pattern.match(line)
            if m:
                name = clean_name(m.group(1))
                if _plausible_name(name):
                    return name
    return None
