"""The archive: every article Arshif has been given, kept safely.

Sources (text, JSON Lines/arrays, CSV/TSV, HTML, WARC, gzipped or not) are
read by :mod:`archive.readers` (bytes decoded by :mod:`archive.decode`) into
:class:`~archive.records.Record` objects; :mod:`archive.metadata` cleans the
body (:mod:`archive.furniture`) and finds the date (:mod:`archive.dates`) and
source (:mod:`archive.sources`); :mod:`archive.ingest` stores them in
:class:`~archive.store.Store`, a SQLite database that is the canonical copy,
which links duplicates (:mod:`archive.dedup`) and keeps every version and the
raw input.  Nothing here knows about search: the index in ``index/`` is
derived from this archive and can be rebuilt from it at any time.
"""
from .ingest import IngestOptions, IngestReport, ingest
from .records import Article, Failure, Record
from .store import Store

__all__ = ["Article", "Failure", "IngestOptions", "IngestReport", "Record", "Store", "ingest"]
