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

from dataclasses import dataclass, field
from operator import itemgetter
from datetime import date as _date
from itertools import chain

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
    #: The distinct words of title and body, ``(exact, stem, root, surface)``,
    #: for the forward index (:mod:`index.forward`).
    words: set[tuple[str, str, str, str]] = field(default_factory=set)
    #: The body's fragments, ``(start, end)`` (:func:`index.highlight.fragment_spans`).
    fragments: list[tuple[int, int]] = field(default_factory=list)
    #: The body's terms, ``(exact, stem, root, surface)`` by position (those of
    #: its views), and how many of them each fragment holds: where each word
    #: is, to the fragment (the forward index's places: a snippet is scored
    #: without the text).
    body_terms: list[tuple[str, str, str, str]] = field(default_factory=list)
    fragment_sizes: list[int] = field(default_factory=list)

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


class _PieceTerms(dict):
    """A whitespace-separated piece of text → the index terms of its words:
    a tuple of ``(exact, stem, root, surface)``, with :data:`GAP` for a stop
    word's stem and root, words without a normalized form left out.

    Text is split with ``str.split`` and looked up piece by piece (both run
    in C); only a piece never seen before goes through the tokenizer and the
    analyzer.  Most pieces are one word, and news text repeats its words."""

    LIMIT = 2_000_000

    def __missing__(self, piece: str) -> tuple:
        word = analyzer.word
        terms = []
        for w in WORD.findall(piece):
            a = word(w)
            if a[0]:
                terms.append((a[0], GAP, GAP, w) if a[3] else (a[0], a[1], a[2], w))
        if len(self) >= self.LIMIT:
            self.clear()
        t = self[piece] = tuple(terms)
        return t


_piece_terms = _PieceTerms()
_exact, _stem, _root = itemgetter(0), itemgetter(1), itemgetter(2)


def _terms(text: str) -> list[tuple]:
    return list(chain.from_iterable(map(_piece_terms.__getitem__, text.split())))




def _body_terms(body: str, fragments: list[tuple[int, int]]) -> tuple[list[tuple], list[int]]:
    """The body's terms in order, and how many of them each fragment holds.

    A fragment starts and ends beside a space, a line break or a punctuation
    mark, never inside a word, and the text between fragments holds no word.
    So the whitespace-separated pieces of the body are counted fragment by
    fragment (most often by counting its spaces), and their terms added up.  When a piece runs over a fragment's edge (a long
    sentence cut at a comma with no space after it, or an end mark after
    one), the fragments are read one by one instead: the same terms."""
    pieces = body.split()
    per_piece = list(map(_piece_terms.__getitem__, pieces))
    counts = _pieces_in(body, fragments, len(pieces))
    if counts is None:
        terms, sizes = [], []
        for s, e in fragments:
            t = _terms(body[s:e])
            terms += t
            sizes.append(len(t))
        return terms, sizes
    lengths = list(map(len, per_piece))
    sizes, at = [], 0
    for n in counts:
        sizes.append(sum(lengths[at:at + n]))
        at += n
    return list(chain.from_iterable(per_piece)), sizes


def _pieces_in(body: str, fragments: list[tuple[int, int]], pieces: int) -> list[int] | None:
    """How many whitespace-separated pieces of ``body`` each fragment holds, or
    None unless every piece lies whole in one fragment (a space or the end on
    both sides of each fragment, and as many pieces in them as in the body)."""
    counts = []
    end = len(body)
    for s, e in fragments:
        if (s > 0 and not body[s - 1].isspace()) or (e < end and not body[e].isspace()):
            return None  # a piece runs on over the edge
        text = body[s:e]
        # A fragment has no space at either end; its only whitespace is single
        # spaces when it is printable (" " is the one printable whitespace)
        # and has no two in a row: its pieces are then counted without cutting it.
        counts.append(text.count(" ") + 1 if text.isprintable() and "  " not in text else len(text.split()))
    return counts if sum(counts) == pieces else None


def index_doc(article: Article) -> IndexDoc:
    doc = IndexDoc(article.id, source=article.source, category=article.category,
                   day=day_number(article.date))
    body = article.body or ""
    doc.fragments = fragment_spans(body)
    for f in TEXT_FIELDS:
        if f == "body":
            terms, doc.fragment_sizes = _body_terms(body, doc.fragments)
            doc.body_terms = terms
        else:
            terms = _terms(getattr(article, f) or "")
        exact, stem, root = _VIEW_NAMES[f]
        doc.views[exact] = list(map(_exact, terms))
        doc.views[stem] = list(map(_stem, terms))
        doc.views[root] = list(map(_root, terms))
        doc.words.update(terms)
    return doc


def index_docs(articles: list[Article]) -> list[IndexDoc]:
    """:func:`index_doc` for a batch (the unit of work of the indexing processes)."""
    return [index_doc(a) for a in articles]
