"""The word relay: the ingesting process analyses new words, the indexing process learns them.

During a big ingest two processes share the work (:class:`index.indexer.Follower`):
one stores the articles, the other indexes them.  The indexing one is the
slower, and two fifths of the time it spent building documents went to
analysing words never seen before (about 30 µs each, 365,000 of them at
72,716 news articles), while the storing one finished early and left its
core idle.  So, while the indexing
process lags, the storing one analyses the new words of each batch before
storing it (:meth:`Analyzer.analyze_new <index.analysis.Analyzer.analyze_new>`)
and appends their analyses to a file; the indexing process reads what was
appended before each batch it indexes and memoizes it (:meth:`Analyzer.learn
<index.analysis.Analyzer.learn>`), so its analyzer finds them as known
words.

A word's analysis is a pure function of the word, so a learnt analysis is
the one the indexing process would have made: the relay changes how fast
an index is built, never what is in it.  A word the relay has not brought
yet is simply analysed where it is met.

The file is a run of frames, each a 4-byte little-endian length and a
:mod:`marshal` of ``{surface: (normalized, stem, root, stop)}``, written
in one ``write`` each; the reader takes the complete frames only (a frame
being written is read next time).  It lives in the temporary directory
and is removed when the ingest ends.
"""
from __future__ import annotations

import marshal
import os
import struct
import tempfile
from pathlib import Path
from typing import Iterable

from .analysis import Analyzer, analyzer as _analyzer

_LENGTH = struct.Struct("<I")


class RelaySender:
    """The storing side: :meth:`send` the texts of each batch before storing it."""

    def __init__(self, analyzer: Analyzer = _analyzer):
        self._analyzer = analyzer
        fd, name = tempfile.mkstemp(prefix="arshif-words-", suffix=".relay")
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")

    def send(self, texts: Iterable[str]) -> int:
        """Analyse the words of ``texts`` this process has not met and pass them on; how many."""
        if self._file.closed:
            return 0
        fresh = self._analyzer.analyze_new(texts)
        if fresh:
            data = marshal.dumps(fresh)
            try:  # (a buffered write is whole or raises; flushed, the frame is there to read)
                self._file.write(_LENGTH.pack(len(data)) + data)
                self._file.flush()
            except OSError:  # a full disk: the indexing process analyses the words itself
                self.close()
        return len(fresh)

    def close(self) -> None:
        """Stop sending and remove the file (the indexing process keeps what it read)."""
        if not self._file.closed:
            try:
                self._file.close()
            except OSError:  # what a full disk kept in the buffer: never read, not needed
                pass
        try:
            self.path.unlink()
        except OSError:
            pass


class RelayReceiver:
    """The indexing side: :meth:`receive` before each batch it indexes."""

    def __init__(self, path: str | Path, analyzer: Analyzer = _analyzer):
        self.path, self._analyzer = Path(path), analyzer
        self._offset = 0
        try:  # (the sender made the file before this process started)
            self._file = open(self.path, "rb")
        except OSError:
            self._file = None  # gone (the ingest ended): nothing to learn

    def receive(self) -> int:
        """Learn the analyses appended since the last call; how many."""
        if self._file is None:
            return 0
        self._file.seek(self._offset)
        data = self._file.read()
        learnt, pos = 0, 0
        while pos + _LENGTH.size <= len(data):
            (n,) = _LENGTH.unpack_from(data, pos)
            end = pos + _LENGTH.size + n
            if end > len(data):
                break  # being written: read next time
            try:
                entries = marshal.loads(data[pos + _LENGTH.size:end])
            except (ValueError, EOFError, TypeError):
                entries = None
            if isinstance(entries, dict):
                self._analyzer.learn(entries)
                learnt += len(entries)
            pos = end
        self._offset += pos
        return learnt

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
