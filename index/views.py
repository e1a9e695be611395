"""From an archive article to the document an engine indexes.

Each text field (title, body) is analyzed once; its words give three views,
each a list of terms *by position*: ``views["body_stem"][7]`` is the stem of
the body's eighth word.  Stop words stay in the exact view only: their slot
in the stem and root views holds :data:`GAP`, so positions keep their gaps
and a phrase such as ``"مخيم في اليرموك"`` still needs one word between its
two terms.  (``_`` is never a term: the tokenizer splits words at it.)  Filter fields (source, category, day) are plain values.

Positional lists are the cheapest shape to build (see :class:`_PieceTerms`:
the text is split and looked up in C, piece by piece) and to ship between
processes, and each engine turns them into its own input in one pass: a
string of terms for tantivy, terms with their positions for Whoosh.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from operator import itemgetter
from datetime import date as _date
from itertools import chain, count

from archive.records import Article

from .analysis import analyzer
from .analysis.tokenize import WORD
from .highlight import fragment_spans
from .ranking import TEXT_FIELDS, field_name

GAP = "_"
_VIEW_NAMES = {f: (field_name(f, "exact"), field_name(f, "stem"), field_name(f, "root"))
               for f in TEXT_FIELDS}


@dataclass
class IndexDoc:
    id: str
    views: dict[str, list[str]] = field(default_factory=dict)
    source: str | None = None
    category: str | None = None
    day: int = 0  # YYYYMMDD, 0 when the date is unknown
    #: The distinct words of title and body, ``(exact, stem, root, surface,
    #: number in this process)``, for the forward index (:mod:`index.forward`).
    words: set[tuple[str, str, str, str, int]] = field(default_factory=set)
    #: The body's fragments, ``(start, end)`` (:func:`index.highlight.fragment_spans`).
    fragments: list[tuple[int, int]] = field(default_factory=list)
    #: The :attr:`_WordNumbers.token` of the numbering of :attr:`words`.
    numbering: int = 0

    def length(self, name: str) -> int:
        """How many terms a view has (its field length for BM25: gaps do not count)."""
        terms = self.views.get(name, ())
        return len(terms) - terms.count(GAP)


def day_number(iso: str | None) -> int:
    """``2018-05-21T10:00:00+03:00`` → 20180521; 0 for no or unreadable date."""
    if not iso or len(iso) < 10:
        return 0
    try:
        d = _date.fromisoformat(iso[:10])
    except ValueError:
        return 0
    return d.year * 10000 + d.month * 100 + d.day


class _WordNumbers(dict):
    """A surface (a word as written) → its number in this process, given in
    the order first seen and never given to another surface (so that a
    forward index writer can keep what it found for a number in an array:
    :meth:`index.forward.ForwardWriter.put_many`).  Cleared when it grows
    large; a surface seen again then gets a new number.

    Documents analysed by several processes (index.indexer's workers) meet in
    one writer: each numbering has a random :attr:`token`, which the
    documents carry (:attr:`IndexDoc.numbering`).  A forked process goes on
    with its parent's numbers under a token of its own (they diverge from
    there on)."""

    LIMIT = 4_000_000

    def __init__(self):
        super().__init__()
        self._next = count()
        self.new_token()

    def new_token(self) -> None:
        self.token = random.getrandbits(63)

    def __missing__(self, surface: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        n = self[surface] = next(self._next)
        return n


_word_numbers = _WordNumbers()
os.register_at_fork(after_in_child=_word_numbers.new_token)


class _PieceTerms(dict):
    """A whitespace-separated piece of text → the index terms of its words:
    a tuple of ``(exact, stem, root, surface, number)`` (the number: see
    :class:`_WordNumbers`), with :data:`GAP` for a stop word's stem and
    root, words without a normalized form left out.

    Text is split with ``str.split`` and looked up piece by piece (both run
    in C); only a piece never seen before goes through the tokenizer and the
    analyzer.  Most pieces are one word, and news text repeats its words."""

    LIMIT = 2_000_000

    def __missing__(self, piece: str) -> tuple:
        word, number = analyzer.word, _word_numbers.__getitem__
        terms = []
        for w in WORD.findall(piece):
            a = word(w)
            if a[0]:
                terms.append((a[0], GAP, GAP, w, number(w)) if a[3] else (a[0], a[1], a[2], w, number(w)))
        if len(self) >= self.LIMIT:
            self.clear()
        t = self[piece] = tuple(terms)
        return t


_piece_terms = _PieceTerms()
_exact, _stem, _root = itemgetter(0), itemgetter(1), itemgetter(2)


def index_doc(article: Article) -> IndexDoc:
    doc = IndexDoc(article.id, source=article.source, category=article.category,
                   day=day_number(article.date), numbering=_word_numbers.token)
    lookup = _piece_terms.__getitem__
    for f in TEXT_FIELDS:
        terms = list(chain.from_iterable(map(lookup, (getattr(article, f) or "").split())))
        exact, stem, root = _VIEW_NAMES[f]
        doc.views[exact] = list(map(_exact, terms))
        doc.views[stem] = list(map(_stem, terms))
        doc.views[root] = list(map(_root, terms))
        doc.words.update(terms)
    doc.fragments = fragment_spans(article.body or "")
    return doc


def index_docs(articles: list[Article]) -> list[IndexDoc]:
    """:func:`index_doc` for a batch (the unit of work of the indexing processes)."""
    return [index_doc(a) for a in articles]
