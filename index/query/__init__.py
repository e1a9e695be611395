"""Queries: the language users type, and the tree engines run.

``parser`` reads the text into clauses; ``compiler`` analyzes each word like
the index does and weights the views by :mod:`index.ranking`, producing an
``ir`` tree that every engine translates, and the set of terms to highlight.
"""
from .compiler import Compiled, MatchSet, compile_query
from .ir import Filters

__all__ = ["Compiled", "Filters", "MatchSet", "compile_query"]
