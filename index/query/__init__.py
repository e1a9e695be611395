"""Queries: the language users type, and the tree engines run.

``parser`` reads the text into a syntax tree (words, phrases, groups,
filters); ``compiler`` analyzes each word like the index does and weights
the views by :mod:`index.ranking`, producing an ``ir`` tree that every engine
translates, the set of terms to highlight, and messages for the user;
``dates`` reads the date filters.
"""
from .compiler import MAX_EXPANSIONS, Compiled, Lexicon, MatchSet, compile_query
from .ir import Filters
from .parser import MAX_QUERY_CHARS, parse

__all__ = ["Compiled", "Filters", "Lexicon", "MatchSet", "MAX_EXPANSIONS", "MAX_QUERY_CHARS",
           "compile_query", "parse"]
