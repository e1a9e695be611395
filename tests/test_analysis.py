"""Arabic analysis: consistent stems, roots, tokenization, stop words, parity
with Lucene's and PyArabic's test vectors, determinism and thread safety."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings, strategies as st

from conftest import DATA, ROOT, SEEDS
from index.analysis import analyzer, normalize
from index.analysis.analyzer import Analyzer
from index.analysis.normalize import strip_marks
from index.analysis.tokenize import spans

FAMILIES = [
    "تهجير التهجير بتهجير للتهجير والتهجير تهجيرهم تهجيرا",
    "مفاوضات المفاوضات والمفاوضات بالمفاوضات للمفاوضات مفاوضاتهم",
    "المسلحين مسلحين المسلحون والمسلحين للمسلحين",
    "قوات القوات وقوات بقوات لقوات قواتها والقوات",
    "الهجوم هجوم والهجوم بالهجوم هجومه للهجوم",
    "السورية السوري والسورية بالسورية السوريين",
    "المعارضة معارضة والمعارضة للمعارضة بالمعارضة معارضتها",
    "الفلسطينيين الفلسطيني والفلسطينيين للفلسطينيين الفلسطينية فلسطينيون",
]


def stem(w: str) -> str:
    return analyzer.word(w).stem


def root(w: str) -> str:
    return analyzer.word(w).root


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_shares_one_stem(family):
    stems = {w: stem(w) for w in family.split()}
    assert len(set(stems.values())) == 1, stems


def test_families_do_not_merge_with_each_other():
    assert len({stem(f.split()[0]) for f in FAMILIES}) == len(FAMILIES)


@pytest.mark.parametrize("name", ["بيروت", "لبنان", "فلسطين", "واشنطن", "دمشق"])
def test_proper_nouns_stay_whole(name):
    assert stem(name) == name
    assert stem("و" + name) == name or name == "واشنطن"


def test_roots_join_derivations():
    assert root("المهجرين") == root("هجرة") == root("تهجير") == "هجر"
    assert root("مفاوضات") == root("التفاوض")
    assert stem("مفاوضات") != stem("التفاوض")  # same root, different stems


def test_verb_conjugations_share_a_stem():
    assert len({stem(w) for w in "يعلم تعلمون سيعلمون علموا".split()}) == 1


def test_weak_verbs_meet_their_past_tense():
    assert stem("يقول") == stem("قال") == stem("قالت") == stem("يقولون")
    assert stem("يريد") == stem("أراد") and root("يريد") == "رود"
    assert stem("يجد") == stem("وجد")


def test_hamza_seat_changes_do_not_split_a_word():
    assert stem("زملاؤهم") == stem("زملائهم") == stem("الزملاء")
    assert stem("المسؤولين") == stem("مسئول")


def test_broken_plurals_keep_their_stem_and_share_the_root():
    assert stem("أعمال") != stem("عمل") and root("أعمال") == root("عمل") == "عمل"
    assert stem("الزيارات") == stem("زيارة")  # a sound plural joins its singular


def test_roots_fold_hamza_like_the_usual_convention():
    assert root("الأمن") == "ءمن"


# ---------------------------------------------------------------- tokenization

def words(text: str) -> list[str]:
    return [t.surface for t in analyzer.analyze(text)]


def test_vowelled_words_stay_whole():
    assert words("قُتِلَ وصدّوا الهجومَ") == ["قُتِلَ", "وصدّوا", "الهجومَ"]
    assert analyzer.word("التَّهْجِيرُ").stem == stem("التهجير")


def test_hashtag_gives_its_words():
    toks = analyzer.analyze("#عاصي_الحلاني يغني")
    assert [t.normalized for t in toks] == ["عاصي", "الحلاني", "يغني"]


def test_persian_and_urdu_letters_fold_to_arabic():
    assert normalize("کتاب") == normalize("كتاب")
    assert normalize("علی") == "علي"
    assert normalize("ہ") == "ه"


def test_zero_width_and_bidi_controls_are_ignored_inside_words():
    text = "المفا\u200cوضات \u200fبيروت\u200e \u2067لبنان\u2069"
    toks = analyzer.analyze(text)
    assert [t.normalized for t in toks] == ["المفاوضات", "بيروت", "لبنان"]
    for t in toks:
        assert text[t.start:t.end] == t.surface


def test_presentation_forms_fold():
    assert normalize("ﻻ") == "لا"
    assert normalize("ﺍﻟﻘﺪﺱ") == "القدس"
    assert [t.normalized for t in analyzer.analyze("ﺍﻟﻘﺪﺱ")] == ["القدس"]


def test_latin_is_lowercased_and_digits_fold():
    toks = analyzer.analyze("UN Security Council ١٢٣ ۴۵")
    assert [t.normalized for t in toks] == ["un", "security", "council", "123", "45"]


def test_offsets_point_at_the_surface():
    text = "قال: «المفاوضات» في بيروت."
    for t in analyzer.analyze(text):
        assert text[t.start:t.end] == t.surface
    assert [t.pos for t in analyzer.analyze(text)] == [0, 1, 2, 3]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآىةؤئ ـًٌٍَُِّْ،.#_ \u200c\u200fﻻ١٢aB")), max_size=40))
def test_any_text_analyzes_with_exact_offsets(text):
    toks = analyzer.analyze(text)
    for i, t in enumerate(toks):
        assert text[t.start:t.end] == t.surface
        assert t.pos == i
        assert t.normalized and t.stem and t.root


# ---------------------------------------------------------------- stop words

def test_stop_words_are_flagged_but_kept():
    toks = analyzer.analyze("قال إن المفاوضات في بيروت")
    assert [t.normalized for t in toks] == ["قال", "ان", "المفاوضات", "في", "بيروت"]
    assert [t.stop for t in toks] == [False, True, False, True, False]


def test_stop_words_drop_from_stem_and_root_views_only():
    from archive.records import Article
    from index.views import GAP, index_doc
    from index.ranking import field_name
    doc = index_doc(Article(id="x", title="", body="المفاوضات في بيروت"))
    exact, stems, roots = (doc.views[field_name("body", v)] for v in ("exact", "stem", "root"))
    assert exact == ["المفاوضات", "في", "بيروت"]
    # The stop word keeps its position in the stem and root views, as a gap.
    assert stems == [stem("المفاوضات"), GAP, stem("بيروت")]
    assert roots[1] == GAP and GAP not in (roots[0], roots[2])
    assert doc.length(field_name("body", "stem")) == 2 and doc.length(field_name("body", "exact")) == 3


# ---------------------------------------------------------------- parity

def lucene_vectors(component: str) -> list[dict]:
    path = DATA / "lucene-arabic-tests" / "lucene_arabic_test_vectors.tsv"
    with open(path, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["component"].startswith(component)]


def test_parity_with_lucene_normalization():
    cases = lucene_vectors("ArabicNormalizationFilter")
    assert len(cases) == 15
    for r in cases:
        assert normalize(r["input"]) == r["expected_tokens"], r["test_method"]


def test_parity_with_lucene_analyzer_on_normalization_stop_words_and_digits():
    # Stemming differs on purpose (Arshif's stems are dictionary lemmas);
    # what must agree is which words survive and how they are folded.
    for r in lucene_vectors("ArabicAnalyzer() defaults"):
        kept = [t.normalized for t in analyzer.analyze(r["input"]) if not t.stop]
        assert len(kept) == len(r["expected_tokens"].split()), r["input"]


def pyarabic_vectors() -> list[dict]:
    path = DATA / "pyarabic-tests" / "pyarabic_araby_vectors.jsonl"
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_parity_with_pyarabic_stripping():
    cases = [v for v in pyarabic_vectors()
             if v["function"] in ("strip_tashkeel", "strip_tatweel", "strip_shadda")]
    assert len(cases) == 3
    for v in cases:
        assert strip_marks(v["input"]) == v["expected"], v["function"]


def test_parity_with_pyarabic_tokenize_words():
    cases = [v for v in pyarabic_vectors() if v["function"] == "tokenize"]
    assert len(cases) == 7
    for v in cases:
        expected = [t for t in v["expected"] if any(c.isalpha() for c in t)]
        assert [s for s, _, _ in spans(v["input"])] == expected


# ---------------------------------------------------------------- determinism

WORDS = ("مفاوضات التفاوض المهجرين هجرة تهجير استخدامات يعلمون بيروت الفلسطينيين "
         "والمستوطنين بالعاصمة لاستضافة أسقطتموهما المسؤولين قواتها الأمن تأثيرات يفاوض")

SCRIPT = (
    "import json, sys\n"
    "from index.analysis.analyzer import Analyzer\n"
    "a = Analyzer()\n"
    "print(json.dumps([list(a.word(w)) for w in sys.argv[1].split()], ensure_ascii=False))\n"
)


def test_same_stems_and_roots_under_every_hash_seed():
    outputs = set()
    for seed in ("0", "1", "42", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", SCRIPT, WORDS], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
        outputs.add(out)
    assert len(outputs) == 1


def test_threads_get_the_same_answers():
    ws = WORDS.split() * 20
    expected = [Analyzer().word(w) for w in ws]

    def run(chunk):
        a = Analyzer()  # cold caches: every thread runs the full analysis at once
        return [a.word(w) for w in chunk]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(run, [ws] * 8))
    assert all(r == expected for r in results)


def test_lexicon_cache_file_gives_the_same_tables(tmp_path):
    from index.analysis import lexicon
    built = lexicon._build()
    path = tmp_path / "lexicon.marshal"
    lexicon._write_cache(path, built)
    assert lexicon._read_cache(path) == built
    path.write_bytes(b"not a cache")
    assert lexicon._read_cache(path) is None  # a damaged cache is rebuilt, not trusted


def test_root_shortcut_gives_tashaphynes_own_roots():
    # root() asks Tashaphyne for the root without its unused steps (the star
    # form, the chosen stem, the other fields of each affix tuple); it must
    # give what light_stem() then get_root() give, on every word of the seeds.
    from tashaphyne.stemming import ArabicLightStemmer
    from index.analysis.root import _DeterministicStemmer

    class Tashaphyne(ArabicLightStemmer):  # its own steps, with the fixed tie-break
        most_common = staticmethod(_DeterministicStemmer.most_common)
    from index.analysis.tokenize import WORD
    words = sorted({normalize(w) for p in SEEDS.glob("*")
                    for w in WORD.findall(p.read_text(encoding="utf-8"))})
    words = [w for w in words if len(w) >= 3 and "\u0621" <= w[0] <= "\u064A"]
    assert len(words) > 300
    full, short = Tashaphyne(), _DeterministicStemmer()
    for w in words:
        full.light_stem(w)
        assert short.root_of(w) == full.get_root(), w


def test_roots_remembered_by_stem_equal_tashaphynes(monkeypatch):
    """A candidate stem's root is remembered by its letters: every word of the
    seeds (with its clitics, and light-stemmed) gets the root Tashaphyne's own
    extract_root gives, the memo shared across words or not."""
    from index.analysis import root as roots
    from index.analysis.normalize import normalize_keep_hamza
    from index.analysis.stem import light_stem
    from index.analysis.tokenize import WORD
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.rglob("*")) if p.is_file())
    words = {normalize_keep_hamza(w) for w in WORD.findall(text)}
    words = sorted(w for w in words | {light_stem(w) for w in words} if len(w) >= 3)
    assert len(words) > 500
    shared = [roots.root.__wrapped__(w) for w in words]
    alone = []
    for w in words:  # each word with nothing remembered
        monkeypatch.setattr(roots, "_STEM_ROOTS", {})
        alone.append(roots.root.__wrapped__(w))
    # Tashaphyne's own extraction for each segmentation
    monkeypatch.setattr(roots._DeterministicStemmer, "_root_between",
                        lambda self, left, right: self.extract_root(left, right))
    plain = [roots.root.__wrapped__(w) for w in words]
    assert shared == alone == plain


def test_spellings_of_one_word_are_analysed_once(monkeypatch):
    """Spellings that differ only in what normalization removes share one analysis,
    the one each would have had; a hamza seat, or one that NFKC makes, keeps its own."""
    from index.analysis.analyzer import Analyzer
    plain = Analyzer._analyze_word
    calls = []
    monkeypatch.setattr(Analyzer, "_analyze_word",
                        staticmethod(lambda surface, kept=None: calls.append(surface) or plain(surface, kept)))
    fresh = Analyzer()
    for w in ("مُسْتَشْفَى", "مستشفى", "مستشفي", "مستشـفى", "المستشفَيات", "المستشفيات"):
        assert fresh.word(w) == plain(w)
    assert calls == ["مُسْتَشْفَى", "المستشفَيات"]
    for w in ("أمن", "امن", "\ufe83\ufee3\ufee6"):  # ﺃﻣﻦ: presentation forms of أمن
        assert fresh.word(w) == plain(w)
    assert calls[2:] == ["أمن", "امن", "\ufe83\ufee3\ufee6"]


def test_the_seeds_words_have_the_analysis_of_their_own_spelling():
    """Every word of the seeds, and each with harakat added or tatweel, analysed
    through the shared memo in two orders, is analysed as it would be alone."""
    from index.analysis.analyzer import Analyzer
    from index.analysis.tokenize import WORD
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.rglob("*")) if p.is_file())
    words = sorted(set(WORD.findall(text)))
    variants = [w[:1] + "\u064e" + w[1:] for w in words] + [w[:1] + "\u0640" + w[1:] for w in words]
    assert len(words) > 500
    for order in (words + variants, variants[::-1] + words[::-1]):
        fresh = Analyzer()
        assert [fresh.word(w) for w in order] == [Analyzer._analyze_word(w) for w in order]
