"""Arabic analysis: how Arshif turns text into search terms.

Every word is seen in three *views*, from strict to loose:

* **exact** – the normalized word (diacritics, tatweel, hamza seats on alef,
  ى/ي, ة/ه and digit shapes folded): ``التَّهْجِير`` → ``التهجير``;
* **stem** – the word's lemma-like stem, clitics and inflection removed:
  ``بتهجير``, ``للتهجير``, ``تهجيرهم`` → ``تهجير``; ``يعلمون``, ``سيعلم`` → ``علم``;
* **root** – the consonantal root: ``المهجرين``, ``هجرة`` → ``هجر``.

Search ranks exact above stem above root.  The same functions run at index
and at query time, so both sides always agree.

How a word gets its stem and root: :mod:`.morph` lists the ways the word
can be cut into clitics + core + suffixes and keeps the cuts whose core the
:mod:`.lexicon` (the Arramooz dictionary of nouns and verbs with roots)
knows; a word the dictionary does not know (a name, a new word) gets the
rule-based :mod:`.stem` and a :mod:`.root` from Tashaphyne checked against
the dictionary's roots.  The results are deterministic (no set order or hash
seed involved) and thread-safe.

Modules, each with one job: :mod:`.normalize`, :mod:`.tokenize`,
:mod:`.lexicon`, :mod:`.morph`, :mod:`.stem`, :mod:`.root`,
:mod:`.stopwords`, and :mod:`.analyzer`, which chains them with a word cache.
Quality and speed against Lucene, Snowball, ISRI and Tashaphyne are measured
by ``bench/analysis.py`` (see ``bench/README.md``).
"""
from .analyzer import Analyzer, Token, WordAnalysis, analyzer
from .normalize import normalize

VIEWS = ("exact", "stem", "root")

#: Bump whenever normalization, tokenization, stems or roots change: indexes
#: record it, and one built with another version is rebuilt on the next sync.
ANALYSIS_VERSION = 5


def word_cache_name() -> str:
    """The file name of the saved word cache (:meth:`Analyzer.save`): it names the
    analysis version and the dictionary's, so a cache from another never loads."""
    from importlib import metadata
    try:
        dictionary = metadata.version("arramooz-pysqlite")
    except metadata.PackageNotFoundError:
        dictionary = "unknown"
    return f"words-{ANALYSIS_VERSION}-arramooz-{dictionary}.marshal"

__all__ = ["ANALYSIS_VERSION", "Analyzer", "Token", "WordAnalysis", "analyzer", "normalize", "VIEWS", "word_cache_name"]
