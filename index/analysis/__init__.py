"""Arabic analysis: how Arshif turns text into search terms.

Every word is seen in three *views*, from strict to loose:

* **exact** – the normalized word (diacritics, tatweel, hamza seats on alef,
  ى/ي, ة/ه and digit shapes folded): ``التَّهْجِير`` → ``التهجير``;
* **stem** – the light stem, clitics and inflection removed:
  ``بتهجير``, ``للتهجير``, ``تهجيرهم`` → ``تهجير``;
* **root** – the consonantal root: ``المهجرين``, ``هجرة`` → ``هجر``.

Search ranks exact above stem above root.  The same functions run at index
and at query time, so both sides always agree.

Modules, each with one job: :mod:`.normalize`, :mod:`.tokenize`,
:mod:`.stem`, :mod:`.root`, :mod:`.stopwords`, and :mod:`.analyzer`, which
chains them with a word cache.
"""
from .analyzer import Analyzer, Token, WordAnalysis, analyzer
from .normalize import normalize

VIEWS = ("exact", "stem", "root")

#: Bump whenever normalization, tokenization, stems or roots change: indexes
#: record it, and one built with another version is rebuilt on the next sync.
ANALYSIS_VERSION = 3

__all__ = ["ANALYSIS_VERSION", "Analyzer", "Token", "WordAnalysis", "analyzer", "normalize", "VIEWS"]
