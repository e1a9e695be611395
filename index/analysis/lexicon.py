"""A lexicon of Arabic lemmas and their roots, for dictionary-checked stemming.

A light stemmer that only cuts affixes by rule cannot tell the dual ending of
مفاوضان from the last letters of لبنان, nor join a broken plural (قوات، دول)
to its singular.  A dictionary can: Arramooz (the ``arramooz-pysqlite``
package, GPL, Taha Zerrouki) lists about 30,000 nouns and 14,000 verbs with
their roots, which plurals are broken plurals of which singular, and which
inflections each noun accepts.  This module turns it into three in-memory
tables, keyed by the normalized (see :func:`.normalize.normalize`) form:

* :data:`NOUNS` – form → tuple of :class:`Entry` (lemma, root, flags);
* :data:`VERBS` – past-tense form → tuple of :class:`Entry`;

(keys are normalized forms with the hamza seats ؤ ئ folded, see :data:`KEY`)
* :func:`frequency` – how common a form is in the dictionary's word
  frequency list (used only to break ties).

Building the tables from the package's SQLite files takes a second or two,
so the result is kept in a cache file (``$XDG_CACHE_HOME/arshif``, or
``ARSHIF_CACHE_DIR``), rebuilt whenever the package or this module changes; later processes load it in a fraction of that.  Loading is
thread-safe.  Nothing here reads any evaluation data.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
import threading
from importlib import metadata, resources
from pathlib import Path
from typing import NamedTuple

from .normalize import normalize, strip_marks

# Noun flags (columns of Arramooz's ``nouns`` table).
FEMININE = 1        # takes ة
DUAL = 2            # takes ان / ين
MASC_PLURAL = 4     # takes ون / ين
FEM_PLURAL = 8      # takes ات
PRONOUN = 16        # takes pronoun suffixes
ARTICLE = 32        # takes ال (and كال)
PROPER = 64         # a proper noun (place, month, …): never cut
BROKEN = 128        # the form is a broken plural of the lemma
VERB = 256          # a verb entry

_HAMZA = str.maketrans({"أ": "ء", "إ": "ء", "ؤ": "ء", "ئ": "ء", "آ": "ء"})


class Entry(NamedTuple):
    lemma: str   # normalized lemma (singular noun, or past-tense verb)
    root: str    # consonantal root, hamza folded to ء ("" when the dictionary has none)
    flags: int


NOUNS: dict[str, tuple[Entry, ...]] = {}
VERBS: dict[str, tuple[Entry, ...]] = {}
_FREQ: dict[str, int] = {}
#: every root the dictionary knows (to check a rule-extracted root)
ROOTS: set[str] = set()
_lock = threading.Lock()
_loaded = False


def _norm(vocalized_or_plain: str) -> str:
    return normalize(strip_marks(vocalized_or_plain or "").strip())


def _root(r: str) -> str:
    """The dictionary's root, first alternative, hamza folded; doubled roots
    written with two letters (رد) get their third (ردد).  Not a root — a
    borrowed word's "root" is the word itself, and a root has no ة or ى —:
    empty."""
    r = strip_marks(r or "").replace("،", ",").split(",")[0].translate(_HAMZA)
    r = "".join(c for c in r if "\u0621" <= c <= "\u064A")
    if len(r) == 2:
        r += r[1]
    if not 3 <= len(r) <= 4 or any(c in r for c in "ةى"):
        return ""
    return r


def _db(name: str) -> sqlite3.Connection:
    path = resources.files("arramooz") / "data" / name
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


#: Lookup keys fold the hamza seats ؤ ئ to ء: a hamza's seat moves with the
#: case ending and suffixes (زملاء، زملائهم، زملاؤهم), its word does not.
KEY = str.maketrans({"ؤ": "ء", "ئ": "ء"})


def _sound_plural(plural: str, single: str) -> bool:
    """طلبات of طلب، ذكريات of ذكرى، زيارات of زيارة: the singular + ات."""
    return plural.endswith("ات") and plural[:-2] in (single, single[:-1])


def _add(table: dict, form: str, entry: Entry) -> None:
    form = form.translate(KEY)
    if not form:
        return
    old = table.get(form, ())
    if entry not in old:
        table[form] = old + (entry,)


def _build() -> tuple[dict, dict, dict]:
    """The tables, from Arramooz's SQLite files."""
    nouns: dict[str, tuple[Entry, ...]] = {}
    verbs: dict[str, tuple[Entry, ...]] = {}
    freq: dict[str, int] = {}
    con = _db("arabicdictionary.sqlite")
    try:
        rows = con.execute(
            "SELECT unvocalized, root, wordtype, number, single, broken_plural,"
            " feminable, dualable, masculin_plural, feminin_plural, hm_suffix,"
            " kal_prefix FROM nouns ORDER BY id")
        for (form, root, wtype, number, single, broken, fem, dual, mpl, fpl,
             hm, kal) in rows:
            form_n = _norm(form)
            root_n = _root(root)
            flags = ((FEMININE if fem else 0) | (DUAL if dual else 0)
                     | (MASC_PLURAL if mpl else 0) | (FEM_PLURAL if fpl else 0)
                     | (PRONOUN if hm else 0) | (ARTICLE if kal else 0)
                     | (PROPER if (wtype or "").startswith("علم") else 0))
            # A broken plural is its own lemma (أعمال is not عمل), as in
            # the usual lemma conventions; the root view joins them.  A
            # "plural" that is only the singular + ات is a sound plural.
            if number == "جمع تكسير":
                sing = _norm((single or "").split(";")[0])
                if sing and _sound_plural(form_n, sing):
                    _add(nouns, form_n, Entry(sing, root_n, PRONOUN | ARTICLE))
                    continue
                flags = (flags | BROKEN) & ~(FEMININE | DUAL | MASC_PLURAL | FEM_PLURAL)
            _add(nouns, form_n, Entry(form_n, root_n, flags))
            for plural in (broken or "").split(";"):
                plural = _norm(plural)
                if _sound_plural(plural, form_n):
                    _add(nouns, plural, Entry(form_n, root_n, PRONOUN | ARTICLE))
                else:
                    _add(nouns, plural, Entry(plural, root_n, PRONOUN | ARTICLE | BROKEN))
        for form, root in con.execute("SELECT unvocalized, root FROM verbs ORDER BY id"):
            form_n = _norm(form)
            _add(verbs, form_n, Entry(form_n, _root(root), VERB))
    finally:
        con.close()
    # Form IV (أفعل) joins form I (فعل) when both exist: without vowels
    # their imperfects are one word (يسقط), so their forms cannot be told apart.
    for form, entries in verbs.items():
        if form.startswith("ا") and len(form) == 4 and form[1:] in verbs:
            base = verbs[form[1:]][0]
            verbs[form] = tuple(Entry(base.lemma, e.root or base.root, e.flags)
                                for e in entries)
    # A relative adjective (nisba) listed with itself as root takes the
    # root of its base noun: قمري → قمر، اسلامي → اسلام → سلم.
    for form, entries in nouns.items():
        fixed = []
        for e in entries:
            if e.lemma.endswith("ي") and len(e.lemma) >= 5 and e.root in ("", e.lemma):
                base = [b.root for b in nouns.get(e.lemma[:-1].translate(KEY), ()) if b.root]
                if base:
                    e = Entry(e.lemma, base[0], e.flags)
            fixed.append(e)
        nouns[form] = tuple(fixed)
    con = _db("wordfreq.sqlite")
    try:
        for form, n in con.execute("SELECT unvocalized, freq FROM wordfreq"):
            f = _norm(form)
            f = f.translate(KEY)
            freq[f] = max(freq.get(f, 0), int(n or 0))
    finally:
        con.close()
    return nouns, verbs, freq


#: The cache file's format (with a hash of this module: see :func:`_cache_file`).
FORMAT = 1


def _cache_file() -> Path | None:
    base = os.environ.get("ARSHIF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "arshif")
    try:
        version = metadata.version("arramooz-pysqlite")
    except metadata.PackageNotFoundError:
        version = "unknown"
    # The code that builds the tables is part of the key: a changed build
    # never reads an old cache.
    code = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
    return Path(base) / f"lexicon-{FORMAT}-{code}-arramooz-{version}.marshal"


def _read_cache(path: Path):
    try:
        with open(path, "rb") as f:
            nouns, verbs, freq = marshal.load(f)
        make = Entry._make
        return ({k: tuple(map(make, v)) for k, v in nouns.items()},
                {k: tuple(map(make, v)) for k, v in verbs.items()}, freq)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _write_cache(path: Path, tables) -> None:
    nouns, verbs, freq = tables
    plain = ({k: tuple(map(tuple, v)) for k, v in nouns.items()},
             {k: tuple(map(tuple, v)) for k, v in verbs.items()}, freq)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            marshal.dump(plain, f)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: build the tables every time


def load() -> None:
    """Fill the tables (once per process, from the cache file when it is there)."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        path = _cache_file()
        tables = _read_cache(path)
        if tables is None:
            tables = _build()
            _write_cache(path, tables)
        nouns, verbs, freq = tables
        ROOTS.update(e.root for es in list(nouns.values()) + list(verbs.values())
                     for e in es if e.root)
        NOUNS.update(nouns)
        VERBS.update(verbs)
        _FREQ.update(freq)
        _loaded = True


def frequency(form: str) -> int:
    load()
    return _FREQ.get(form.translate(KEY), 0)
