"""The archive: every article Arshif has been given, kept safely.

Sources (text files, JSON Lines, …) are read by :mod:`archive.readers` into
:class:`~archive.records.Record` objects, and :mod:`archive.ingest` stores
them in :class:`~archive.store.Store`, a SQLite database that is the
canonical copy.  Nothing here knows about search: the index in ``index/`` is
derived from this archive and can be rebuilt from it at any time.
"""
from .ingest import IngestReport, ingest
from .records import Article, Failure, Record
from .store import Store

__all__ = ["Article", "Failure", "IngestReport", "Record", "Store", "ingest"]
