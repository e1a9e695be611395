"""A consistent rule-based light stemmer, for words the dictionary lacks.

(Words the :mod:`.lexicon` knows are stemmed by :mod:`.morph`; this is the
fallback for names and new words.)

A light stem removes what is attached to a word (conjunctions, prepositions,
the article, pronoun suffixes) and its regular inflection (dual, sound
plurals, feminine ending, tanween alef), but not the derivational pattern.
It must be *consistent*: every form that a journalist would accept as "the
same word" gets the same stem, so تهجير، التهجير، بتهجير، للتهجير، تهجيرهم
and تهجيرا all stem to تهجير.  (Tashaphyne's default stem is not: it strips
the verb prefix ت from تهجير but not from التهجير.)

The input is a word already passed through :func:`normalize` (so ة is ه and
ى is ي).  Rules are tried in a fixed order and every cut must leave a stem
long enough to still be a word; single-letter proclitics are only removed
from long words, which keeps names such as بيروت، لبنان، فلسطين whole.
"""
from __future__ import annotations

# Proclitic chains that carry the article: removed whenever 2+ letters remain.
ARTICLE_PREFIXES = sorted(
    {c + p + "ال" for c in ("", "و", "ف") for p in ("", "ب", "ك")} | {"لل", "ولل", "فلل"},
    key=len, reverse=True,
)
# Prepositions and future particle without the article (بتهجير، لتهجير، كدولة).
PREPOSITIONS = ("ب", "ل", "ك")

# Pronoun suffixes, longest first.
PRONOUNS = ("كما", "هما", "تها", "ها", "هم", "هن", "كم", "كن", "نا", "ه", "ك")
# Inflectional endings, longest first.  ه here is the normalized ة.
INFLECTIONS = ("يين", "ات", "ون", "ين", "ان", "يه", "ه", "ي", "ا")

MIN_STEM = 3


def _looks_inflected(rest: str) -> bool:
    """A 4-letter remainder after a one-letter proclitic is only trusted when
    it carries a plural/feminine ending or a م/ت pattern prefix (لقوات، بمخيم),
    so that names such as لبنان and بيروت are not cut."""
    return rest.endswith(("ات", "ون", "ين", "ه")) or rest[:1] in ("م", "ت")


def _strip_prefix(word: str) -> str:
    for p in ARTICLE_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            return word[len(p):]
    w = word
    # و + 4 letters is "and …"; before alef only with 6+ letters left, so that
    # names such as واشنطن، وائل stay whole.
    if w[:1] == "و" and len(w) - 1 >= (6 if w[1:2] == "ا" else 4):
        w = w[1:]
    elif w[:1] == "ف" and w[1:2] in PREPOSITIONS and len(w) - 2 >= 4 and _looks_inflected(w[2:]):
        w = w[1:]
    if w[:1] in PREPOSITIONS:
        rest = w[1:]
        if len(rest) >= 5 or (len(rest) == 4 and _looks_inflected(rest)):
            w = rest
    return w


def _strip_suffix(word: str) -> str:
    had_pronoun = False
    for s in PRONOUNS:
        if word.endswith(s) and len(word) - len(s) >= MIN_STEM + 1:
            word = word[: -len(s)]
            had_pronoun = True
            break
    # ة written as ت before a pronoun: حكومتها → حكومت → حكوم (as حكومة → حكوم).
    if had_pronoun and word.endswith("ت") and not word.endswith("ات") and len(word) - 1 >= MIN_STEM:
        return word[:-1]
    for s in INFLECTIONS:
        # The dual ان needs a longer stem: لبنان and بيان are not duals.
        if word.endswith(s) and len(word) - len(s) >= MIN_STEM + (s == "ان"):
            return word[: -len(s)]
    return word


def light_stem(word: str) -> str:
    """Return the light stem of a normalized word (non-Arabic words unchanged)."""
    if not word or not ("\u0621" <= word[0] <= "\u064A"):
        return word
    return _strip_suffix(_strip_prefix(word))
