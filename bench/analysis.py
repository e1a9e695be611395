"""Benchmark of Arshif's Arabic analysis against its peers, on gold data.

Run ``make bench-analysis`` (or ``python bench/analysis.py``).  It prints one
table with, for every analyzer:

* **conflation** – over all pairs of distinct words of a gold list, the
  precision / recall / F1 of "same stem" against "same lemma" (first lemma
  alternative, diacritics removed, أ إ آ ٱ→ا ى→ي ة→ه), on ``kabi_v2``,
  ``gold``, ``abdnormal`` and UD Arabic-PUD (surface words rebuilt from its
  clitic-split tokens; a word's class is the lemma of its one content token);
* **root accuracy** on ``kabi_v2`` and ``gold`` (a match with any ``;``
  alternative; hamza forms folded to ء as the gold does);
* **speed** – words per second for the analysis of real news text
  (SaudiNewsNet), pinned to one core: uncached for every peer, and for
  Arshif both cold (empty caches) and warm (second pass);
* **parity** with the Lucene normalization vectors and the PyArabic vectors
  that Arshif's normalizer claims to cover.

Peers are run from their own libraries: no stemming (normalized word),
Lucene's light10 ``ArabicStemmer`` (re-implemented below from its documented
rules and checked against Lucene's own test vectors), Snowball Arabic
(PyStemmer), ISRI (nltk) and Tashaphyne's default ``light_stem``/``get_root``.

The gold files are read here, and only here: product code never sees them.
Bench-only dependencies are in the ``bench`` extra: ``pip install -e '.[bench]'``.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("ARSHIF_DATA", ROOT.parent / "shared" / "data"))
GOLD = DATA / "arabic-stemmers-gold"

# ---------------------------------------------------------------- gold data

_DIAC = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_LEMMA_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_HAMZA_FOLD = str.maketrans({"أ": "ء", "إ": "ء", "آ": "ء", "ؤ": "ء", "ئ": "ء", "ٱ": "ء"})


def lemma_class(cell: str) -> str:
    return _DIAC.sub("", cell.split(";")[0].strip()).translate(_LEMMA_FOLD)


def read_tsv(name: str) -> list[dict]:
    with open(GOLD / name, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f, delimiter="\t")]


def conflation_list(rows: list[dict]) -> dict[str, str]:
    """word → lemma class, first row of each distinct word."""
    out: dict[str, str] = {}
    for r in rows:
        w = (r.get("word") or "").strip()
        lem = lemma_class(r.get("lemma") or "")
        if w and lem and w not in out:
            out[w] = lem
    return out


def root_list(rows: list[dict]) -> list[tuple[str, set[str]]]:
    out = []
    for r in rows:
        w = (r.get("word") or "").strip()
        alts = {a.strip().translate(_HAMZA_FOLD) for a in (r.get("root") or "").split(";") if a.strip()}
        if w and alts:
            out.append((w, alts))
    return out


CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "ADV"}


def pud_list() -> dict[str, str]:
    """Surface words of UD Arabic-PUD with the lemma of their one content token.

    The treebank splits clitics into rows and marks attachment with
    ``SpaceAfter=No``; a surface word is a maximal run of non-punctuation
    rows glued that way, diacritics removed.  Content tokens are nouns,
    proper nouns, verbs, adjectives and adverbs."""
    out: dict[str, str] = {}
    path = DATA / "ud-arabic-pud" / "ar_pud-ud-test.conllu.gz"

    def flush(group):
        if not group:
            return
        surface = _DIAC.sub("", "".join(g[0] for g in group))
        content = [g for g in group if g[2] in CONTENT]
        if len(content) == 1 and surface not in out:
            lem = lemma_class(content[0][1])
            if lem:
                out[surface] = lem

    group: list[tuple[str, str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                flush(group)
                group = []
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            form, lemma, upos, misc = cols[1], cols[2], cols[3], cols[9]
            if upos == "PUNCT":
                flush(group)
                group = []
                continue
            group.append((form, lemma, upos))
            if "SpaceAfter=No" not in misc:
                flush(group)
                group = []
    flush(group)
    return out


# ---------------------------------------------------------------- metrics

def _pairs(counter: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def conflation(words: dict[str, str], stem: Callable[[str], str]) -> tuple[float, float, float]:
    """Pairwise precision/recall/F1 of "same stem" vs "same lemma"."""
    stems = {w: stem(w) for w in words}
    both = _pairs(Counter((stems[w], lem) for w, lem in words.items()))
    predicted = _pairs(Counter(stems.values()))
    gold = _pairs(Counter(words.values()))
    p = both / predicted if predicted else 0.0
    r = both / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def root_accuracy(items: list[tuple[str, set[str]]], root: Callable[[str], str]) -> float:
    ok = sum(1 for w, alts in items if (root(w) or "").translate(_HAMZA_FOLD) in alts)
    return ok / len(items)


# The issue's consistency checks: each family must share one stem, and the
# names must not be cut.
FAMILIES = [
    "تهجير التهجير بتهجير للتهجير والتهجير تهجيرهم تهجيرا",
    "مفاوضات المفاوضات والمفاوضات بالمفاوضات للمفاوضات مفاوضاتهم",
    "المسلحين مسلحين المسلحون والمسلحين للمسلحين",
    "قوات القوات وقوات بقوات لقوات قواتها والقوات",
    "الهجوم هجوم والهجوم بالهجوم هجومه للهجوم",
    "السورية السوري والسورية بالسورية السوريين",
    "المعارضة معارضة والمعارضة للمعارضة بالمعارضة معارضتها",
    "الفلسطينيين الفلسطيني والفلسطينيين للفلسطينيين الفلسطينية",
]
NAMES = ["بيروت", "لبنان", "فلسطين"]


def consistency(stem: Callable[[str], str]) -> int:
    """How many of the 8 families share one stem, plus how many of the 3 names stay whole."""
    fams = sum(len({stem(w) for w in f.split()}) == 1 for f in FAMILIES)
    return fams + sum(stem(n) == n for n in NAMES)


# ---------------------------------------------------------------- peers

_LUCENE_NORM = str.maketrans({"آ": "ا", "أ": "ا", "إ": "ا", "ى": "ي", "ة": "ه"})
_LUCENE_MARKS = re.compile("[\u0640\u064B-\u0652]")


def lucene_normalize(word: str) -> str:
    """Lucene ``ArabicNormalizer``: آ أ إ→ا, ى→ي, ة→ه, tatweel and the eight harakat removed."""
    return _LUCENE_MARKS.sub("", word).translate(_LUCENE_NORM)


_L10_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_L10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def light10(word: str) -> str:
    """Lucene ``ArabicStemmer`` (Larkey's light10): first matching prefix
    (و needs 4+ letters, the others leave 2+), then every suffix in order
    while 2+ letters remain."""
    s = word
    for p in _L10_PREFIXES:
        if len(p) == 1 and len(s) < 4:
            continue
        if len(s) >= len(p) + 2 and s.startswith(p):
            s = s[len(p):]
            break
    for x in _L10_SUFFIXES:
        if len(s) >= len(x) + 2 and s.endswith(x):
            s = s[: -len(x)]
    return s


def lucene_stem(word: str) -> str:
    return light10(lucene_normalize(word.lower()))


def make_peers() -> dict[str, dict[str, Callable[[str], str]]]:
    """name → {"stem": f, "root": f (optional)}; every callable takes a raw word."""
    from index.analysis import analyzer
    from index.analysis.normalize import normalize

    peers: dict[str, dict[str, Callable[[str], str]]] = {
        "no stemming": {"stem": normalize},
        "Lucene light10": {"stem": lucene_stem},
    }
    try:
        import Stemmer
        snow = Stemmer.Stemmer("arabic")
        peers["Snowball (PyStemmer)"] = {"stem": snow.stemWord}
    except ImportError:
        print("PyStemmer missing: pip install -e '.[bench]'", file=sys.stderr)
    try:
        from nltk.stem.isri import ISRIStemmer
        isri = ISRIStemmer()
        peers["ISRI (nltk)"] = {"stem": isri.stem, "root": isri.stem}
    except ImportError:
        print("nltk missing: pip install -e '.[bench]'", file=sys.stderr)
    from tashaphyne.stemming import ArabicLightStemmer
    tash = ArabicLightStemmer()

    def tash_root(w: str) -> str:
        tash.light_stem(w)
        return tash.get_root()

    peers["Tashaphyne default"] = {"stem": tash.light_stem, "root": tash_root}
    peers["Arshif"] = {"stem": lambda w: analyzer.word(w).stem,
                       "root": lambda w: analyzer.word(w).root}
    return peers


# ---------------------------------------------------------------- speed

def news_words(limit: int) -> list[str]:
    """The words of the first SaudiNewsNet articles, in running order."""
    from index.analysis.tokenize import spans
    words: list[str] = []
    with gzip.open(DATA / "saudinewsnet" / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            for field in ("title", "body"):
                words.extend(s for s, _, _ in spans(a.get(field) or ""))
            if len(words) >= limit:
                break
    return words[:limit]


def news_texts(limit: int) -> list[str]:
    texts, n = [], 0
    with gzip.open(DATA / "saudinewsnet" / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            t = "\n".join(x for x in (a.get("title"), a.get("body")) if x)
            texts.append(t)
            n += len(t.split())
            if n >= limit:
                break
    return texts


def rate(fn: Callable[[str], object], words: list[str]) -> float:
    t = time.process_time()
    for w in words:
        fn(w)
    return len(words) / (time.process_time() - t)


def arshif_speed(texts: list[str]) -> tuple[float, float, int]:
    """Whole analysis (tokenize, normalize, stem, root, stop) of news text:
    cold (a new analyzer, empty word cache) and warm (the same texts again,
    best of three passes)."""
    from index.analysis.analyzer import Analyzer
    a = Analyzer()
    t = time.process_time()
    n = sum(len(a.analyze(x)) for x in texts)
    cold = n / (time.process_time() - t)
    warm = 0.0
    for _ in range(3):  # best of three warm passes: the machine is shared
        t = time.process_time()
        n = sum(len(a.analyze(x)) for x in texts)
        warm = max(warm, n / (time.process_time() - t))
    return cold, warm, n


# ---------------------------------------------------------------- parity

def parity() -> list[tuple[str, int, int, list[str]]]:
    """(suite, passed, total, failures) for each vector suite Arshif claims."""
    from index.analysis.normalize import normalize, strip_marks
    from index.analysis.tokenize import spans
    out = []
    rows = list(csv.DictReader(open(DATA / "lucene-arabic-tests" / "lucene_arabic_test_vectors.tsv",
                                    encoding="utf-8", newline=""), delimiter="\t"))
    for component, fn, label in (
        ("ArabicNormalizationFilter", normalize, "Lucene normalization → Arshif normalize"),
        ("ArabicStemFilter", light10, "Lucene stem → bench light10 (peer check)"),
    ):
        cases = [r for r in rows if r["component"].startswith(component)
                 and "Keyword" not in r["component"]]
        fails = [r["input"] for r in cases if fn(r["input"]) != r["expected_tokens"]]
        out.append((label, len(cases) - len(fails), len(cases), fails))
    # PyArabic: what Arshif's normalizer covers (all marks out, tatweel out,
    # tokenization into words; punctuation tokens are not words).
    claims = {
        "strip_tashkeel": strip_marks, "strip_tatweel": strip_marks, "strip_shadda": strip_marks,
    }
    cases, fails = 0, []
    for line in open(DATA / "pyarabic-tests" / "pyarabic_araby_vectors.jsonl", encoding="utf-8"):
        v = json.loads(line)
        if v["function"] in claims:
            cases += 1
            if claims[v["function"]](v["input"]) != v["expected"]:
                fails.append(v["input"])
        elif v["function"] == "tokenize":
            cases += 1
            words = [t for t in v["expected"] if re.search(r"\w", t)]
            if [s for s, _, _ in spans(v["input"])] != words:
                fails.append(v["input"])
    out.append(("PyArabic strip/tokenize → Arshif", cases - len(fails), cases, fails))
    return out


# ---------------------------------------------------------------- main

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--speed-words", type=int, default=300_000,
                    help="news words for the speed measurement (0 to skip)")
    ap.add_argument("--only", help="comma-separated peer names to run (substring match)")
    args = ap.parse_args(argv)
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass

    lists = {
        "kabi": conflation_list(read_tsv("kabi_v2.tsv")),
        "gold": conflation_list(read_tsv("gold.tsv")),
        "abdnormal": conflation_list(read_tsv("abdnormal.tsv")),
        "PUD": pud_list(),
    }
    roots = {"kabi": root_list(read_tsv("kabi_v2.tsv")), "gold": root_list(read_tsv("gold.tsv"))}
    peers = make_peers()
    if args.only:
        keep = [s.strip().lower() for s in args.only.split(",")]
        peers = {k: v for k, v in peers.items() if any(s in k.lower() for s in keep)}

    words = news_words(args.speed_words) if args.speed_words else []
    texts = news_texts(args.speed_words) if args.speed_words else []

    print(f"# Arshif analysis benchmark — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"# machine: {machine()}; pinned to one core")
    print("# gold words: " + ", ".join(f"{k} {len(v)}" for k, v in lists.items())
          + f"; news words for speed: {len(words)}")
    print()
    head = (["analyzer"] + [f"F1 {k}" for k in lists]
            + ["root kabi", "root gold", "consistency /11", "words/s"])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    detail = []
    for name, fns in peers.items():
        cells = [name]
        for k, wl in lists.items():
            p, r, f = conflation(wl, fns["stem"])
            cells.append(f"{f:.3f}")
            detail.append(f"{name:22s} {k:10s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        for k in ("kabi", "gold"):
            cells.append(f"{root_accuracy(roots[k], fns['root']):.3f}" if "root" in fns else "–")
        cells.append(str(consistency(fns["stem"])))
        if words:
            if name == "Arshif":
                cold, warm, _ = arshif_speed(texts)
                cells.append(f"{cold:,.0f} cold / {warm:,.0f} warm")
            else:
                f_stem, f_root = fns["stem"], fns.get("root")
                fn = (lambda w: (f_stem(w), f_root(w))) if f_root and f_root is not f_stem else f_stem
                cells.append(f"{rate(fn, words):,.0f}")
        else:
            cells.append("–")
        print("| " + " | ".join(cells) + " |", flush=True)
    print()
    print("Conflation detail (pairwise precision / recall / F1):")
    for line in detail:
        print("  " + line)
    print()
    print("Parity:")
    for label, ok, total, fails in parity():
        print(f"  {label}: {ok}/{total}" + (f"  (differs: {' '.join(fails)})" if fails else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
