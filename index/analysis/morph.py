"""Dictionary-checked segmentation: a word → its lemma-like stem and root.

Arabic glues conjunctions, prepositions, the article, verb markers and
pronouns onto a word (وبالمفاوضات، سيعلمونكم، حكومتها).  This module lists
every way a normalized word can be cut into *proclitics + core + suffixes*,
for nouns and for verbs, keeps the cuts whose core the :mod:`.lexicon` knows
(with the inflection that entry accepts), and picks the one with the
longest core, then the most common lemma.  The answer is the lemma (a broken
plural gives its singular: قوات → قوة), without its feminine ending so that
masculine and feminine forms meet (مسافر، مسافرة), and the lemma's root.

Words the dictionary does not know (names, new words) return ``None``; the
caller then falls back to the rule-based :func:`.stem.light_stem`.  Longest
core first keeps names whole: لبنان is a country, not the dual of لبن.
"""
from __future__ import annotations

from functools import cache
from itertools import chain

from . import lexicon as lx
from .root import root as rule_root

# ---- nouns: proclitics (→ has article) and suffixes (→ inflection, pronoun?)
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ك", "ل")
NOUN_PREFIXES: dict[str, bool] = {}
for c in _CONJ:
    for p in _PREP:
        NOUN_PREFIXES.setdefault(c + p, False)
        NOUN_PREFIXES[c + ("لل" if p == "ل" else p + "ال")] = True

_PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "ي", "نا")
# inflection → (how it is written before a pronoun, flag the lemma needs)
_INFL = {
    "": ("", 0),
    "ه": ("ت", lx.FEMININE),
    "ات": ("ات", lx.FEM_PLURAL),
    "ان": ("ا", lx.DUAL),
    "ين": ("ي", lx.DUAL | lx.MASC_PLURAL),
    "ون": ("و", lx.MASC_PLURAL),
    "تان": ("تا", lx.DUAL | lx.FEMININE),
    "تين": ("تي", lx.DUAL | lx.FEMININE),
}
# suffix string → list of (inflection, pronoun?)
NOUN_SUFFIXES: dict[str, list[tuple[str, bool]]] = {}
for infl, (bound, _flag) in _INFL.items():
    NOUN_SUFFIXES.setdefault(infl, []).append((infl, False))
    for pr in _PRONOUNS:
        NOUN_SUFFIXES.setdefault(bound + pr, []).append((infl, True))
NOUN_SUFFIXES.setdefault("ا", []).append(("", False))  # tanween alef: كتابا
NOUN_SUFFIXES.setdefault("و", []).append(("ون", False))  # construct plural: مستخدمو

# ---- verbs
_VERB_PRE: dict[str, bool] = {}  # prefix → imperfect?
for c in _CONJ:
    _VERB_PRE.setdefault(c, False)
    for part in ("", "س", "ل"):
        for imp in ("ي", "ت", "ن", "ا"):
            _VERB_PRE[c + part + imp] = True
_SUBJ_PAST = ("", "ت", "تا", "تم", "تما", "تن", "نا", "وا", "ا", "ن")
_SUBJ_IMPF = ("", "ون", "ان", "ين", "وا", "ا", "ن", "ي")
_OBJ = ("", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "ني", "نا")


def _verb_suffixes(subjects) -> set[str]:
    out = set()
    for s in subjects:
        for o in _OBJ:
            if o and s == "وا":
                out.add("و" + o)
            elif o and s == "تم":
                out.add("تمو" + o)
            else:
                out.add(s + o)
    return out


VERB_SUFFIX_PAST = _verb_suffixes(_SUBJ_PAST)
VERB_SUFFIX_IMPF = _verb_suffixes(_SUBJ_IMPF)
_MAXPRE = max(map(len, list(NOUN_PREFIXES) + list(_VERB_PRE)))
_ANY_SUFFIX = frozenset(NOUN_SUFFIXES) | VERB_SUFFIX_PAST | VERB_SUFFIX_IMPF
_MAXSUF = max(map(len, _ANY_SUFFIX))

MIN_CORE = 2
# An imperfect-verb reading (تعلمون → علم) beats a one-letter-longer noun
# reading (تعلم, the masdar) when its lemma is this many times more common.
RATIO = 4
ARTICLE_BONUS = 1


def _lemma_stem(lemma: str, root: str = "") -> str:
    """The stem shown for a lemma: without its feminine ending (مفاوضه →
    مفاوض), and a relative adjective joins the noun it comes from, when the
    dictionary gives both the same root (اقتصادي → اقتصاد، عربي → عرب; but
    سوري stays: سور, a wall, is another root)."""
    if lemma.endswith("ه") and len(lemma) >= 4:
        lemma = lemma[:-1]
    if lemma.endswith("ي") and len(lemma) >= 4 and root:
        if any(e.root == root for e in lx.NOUNS.get(lemma[:-1].translate(lx.KEY), ())):
            lemma = lemma[:-1]
    return lemma


def _weak_verb(core: str) -> tuple:
    """Past-tense entries for an imperfect stem whose weak letter changed or
    fell: يقول → قال، يريد → أراد، يجد → وجد، يبكي → بكى، يدل → دل."""
    out: tuple = ()
    V = lx.VERBS
    if len(core) == 2:
        out = V.get(core, ()) + V.get("و" + core, ()) + V.get(core + "ي", ()) + V.get(core + "ا", ())
    elif len(core) == 3 and core[1] in "وي":
        hollow = core[0] + "ا" + core[2]
        out = V.get(hollow, ()) + V.get("ا" + hollow, ())
    elif len(core) == 3 and core[2] == "ي":
        out = V.get(core[:2] + "ي", ())
    return out


def _noun_entries(core: str, infl: str, article: bool, pronoun: bool):
    need = _INFL[infl][1]
    found = []
    for e in lx.NOUNS.get(core, ()):
        if e.flags & lx.PROPER and (infl or pronoun):
            continue
        if e.flags & lx.BROKEN:
            if infl:
                continue
        elif need and not (e.flags & need):
            continue
        found.append(e)
    if infl in ("ات", "تان", "تين"):  # مفاوضات → مفاوضة
        found.extend(lx.NOUNS.get(core + "ه", ()))
    return found


@cache
def _cores() -> frozenset[str]:
    """Every core a reading can look up: the entries' keys, nouns' without
    their final ه (مفاوضات → مفاوضة) and verbs' without their initial ا."""
    lx.load()
    return frozenset(chain(lx.NOUNS, lx.VERBS, (k[:-1] for k in lx.NOUNS if k.endswith("ه")),
                           (k[1:] for k in lx.VERBS if k.startswith("ا"))))


def analyze(word: str, hamza: bool = False) -> tuple[str, str] | None:
    """``(stem, root)`` of a normalized Arabic word the dictionary knows, else
    ``None``.  ``hamza`` says the word was written with a hamza (أ إ ؤ ئ ء)."""
    lx.load()
    word = word.translate(lx.KEY)
    n = len(word)
    best = None  # (core length, -affix pieces, freq, stem, root)
    vbest = None  # best imperfect-verb reading: ((core length, freq, weak root ok), lemma, root, weak?)
    frequency, cores = lx.frequency, _cores()
    pres = [word[:i] for i in range(0, min(_MAXPRE, n - MIN_CORE) + 1)]
    # Only the endings some reading can have (most of a word's endings are none).
    sufs = [(suf, len(suf)) for j in range(0, min(_MAXSUF, n - MIN_CORE) + 1)
            if (suf := word[n - j:] if j else "") in _ANY_SUFFIX]
    for pre in pres:
        article = NOUN_PREFIXES.get(pre)
        vimpf = _VERB_PRE.get(pre)
        if article is None and vimpf is None:
            continue
        lp = len(pre)
        for suf, ls in sufs:  # shortest first
            if lp + ls > n - MIN_CORE:
                break
            core = word[lp:n - ls]
            if (lp or ls) and len(core) < 3:
                if vimpf and len(core) == 2 and suf in VERB_SUFFIX_IMPF and pre[-1] != "ا":
                    # يجد، يصلون، تدل، يبكون
                    for e in _weak_verb(core):
                        f = frequency(e.lemma)
                        key = (2, f, True)
                        if vbest is None or key > vbest[0]:
                            vbest = (key, e.lemma, e.root, True)
                continue
            cands = []
            if core in cores:  # else no entry has it, nor it with ه or ا added
                if article is not None and suf in NOUN_SUFFIXES:
                    for infl, pron in NOUN_SUFFIXES[suf]:
                        if article and pron:
                            continue
                        cands.extend(_noun_entries(core, infl, article, pron))
                if vimpf is not None and not article:
                    if vimpf and suf in VERB_SUFFIX_IMPF:
                        cands.extend(lx.VERBS.get(core, ()))
                        cands.extend(lx.VERBS.get("ا" + core, ()))
                    elif not vimpf and suf in VERB_SUFFIX_PAST:
                        cands.extend(lx.VERBS.get(core, ()))
            for e in cands:
                # The article is strong evidence of a noun: it counts as one
                # letter of core (الامن is ال+امن, not the verb الام+ن).
                # Among entries of one lemma, prefer a root with a hamza when
                # the word was written with one (سأل: سءل, not سال's سيل), then
                # a three-letter root.
                key = (len(core) + ARTICLE_BONUS * bool(article), -(lp > 0) - (ls > 0),
                       frequency(e.lemma), e.lemma,
                       hamza and "ء" in e.root, len(e.root) == 3, e.root, e.flags)
                if best is None or key > best:
                    best = key
            if vimpf and not article and len(core) >= 3 and suf in VERB_SUFFIX_IMPF:
                direct = lx.VERBS.get(core, ())
                for e in direct + _weak_verb(core):
                    weak = e not in direct
                    # A hollow reading (يقول → قال) has the root's weak letter
                    # in the middle (قول), not ردد for يريد → راد.
                    key = (len(core), frequency(e.lemma), not weak or e.root[1:2] in ("و", "ي"))
                    if vbest is None or key > vbest[0]:
                        vbest = (key, e.lemma, e.root, weak)
    if best is None:
        if vbest is None:
            return None
        best = (vbest[0][0], 0, vbest[0][1], vbest[1], False, True, vbest[2], lx.VERB)
    lemma, root = best[3], best[6]
    # A verb reading one letter shorter (تعلمون → علم, not the masdar تعلم),
    # or as long but through a weak letter (يقول → قال, not قوّل), wins when
    # its lemma is much more common.
    if (vbest is not None and vbest[1] != lemma
            and (vbest[0][0] == best[0] - 1 or (vbest[3] and vbest[0][0] == best[0]))
            and vbest[0][1] >= RATIO * max(best[2], 1)):
        lemma, root = vbest[1], vbest[2]
    stem = _lemma_stem(lemma, root)
    if best[7] & lx.PROPER and lemma == best[3]:
        root = stem  # a name is its own root: لبنان is not لبن
    elif not root:  # a borrowed word: its root is itself, unless
        root = rule_root(stem)  # a rule finds one the dictionary knows
        if root not in lx.ROOTS:
            root = stem
    return stem, root
