"""Keeping an index in line with the archive.

The archive logs every change with a sequence number.  The index directory
holds ``state.json`` with the engine's name and the last sequence number
applied; :func:`sync` applies what came after it.  The state is written only
after the engine has committed, so a crash in between means some articles
are indexed twice (an update, harmless), never that one is missed.

A big ingest does not wait for the archive to be complete: a
:class:`Follower` process applies the change log *while* the ingest is
still writing it (SQLite's WAL lets it read what each committed batch
added), so storing and indexing run on two cores at once; the ingest's own
:func:`sync` then finds almost nothing left to do.  Indexing is the slower
side, so while the follower lags the storing process also analyses the new
words of what it stores and hands them over (:mod:`index.word_relay`).

The analyzer's word cache is saved beside the index (:func:`word_cache`)
and loaded by every process that indexes, so only words never seen before
are analysed.

The state also records the :data:`~index.analysis.ANALYSIS_VERSION` the
index was built with, the engine's on-disk ``LAYOUT`` and the forward
index's :data:`~index.forward.FORMAT`.  Terms are stems and roots, so when the analysis
changes an old index no longer matches new queries: :func:`sync` sees the
mismatch and re-indexes every article (an in-place rebuild).
"""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from archive.store import Store

from .analysis import ANALYSIS_VERSION, analyzer, word_cache_name
from .analysis.analyzer import collector_paused
from .engines import DEFAULT_ENGINE, ENGINES, Engine
from .forward import FORMAT as FORWARD_FORMAT, ForwardIndex, ForwardWriter, file_name as forward_file_name
from .views import IndexDoc, index_docs
from .word_relay import RelayReceiver

BATCH = 500
MAX_WORKERS = 4
BULK = 5000  # from this many changes on, the engine writes in bulk mode (several processes)


class IndexState:
    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self.file = self.dir / "state.json"

    def read(self) -> dict:
        try:
            return json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def write(self, **values) -> None:
        state = {**self.read(), **values}
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.file)

    def stamp(self) -> tuple:
        """Changes whenever the state is written (a look at the file, not a read of it)."""
        try:
            st = self.file.stat()
        except OSError:
            return ()
        return st.st_ino, st.st_mtime_ns, st.st_size

    @property
    def engine_name(self) -> str:
        return self.read().get("engine", DEFAULT_ENGINE)

    @property
    def seq(self) -> int:
        return int(self.read().get("seq", 0))

    @property
    def stale(self) -> bool:
        """True when the index was built by another version of the analysis, or
        without the forward index of this :data:`~index.forward.FORMAT`."""
        state = self.read()
        return bool(state) and (state.get("analysis_version") != ANALYSIS_VERSION
                                or state.get("forward") != FORWARD_FORMAT)


def engine_path(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / name


def open_engine(index_dir: Path, name: str | None = None, create: bool = False) -> Engine:
    state = IndexState(index_dir)
    name = name or state.engine_name
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    cls = ENGINES[name]
    path = engine_path(index_dir, name)
    # An index in an older on-disk layout of its engine is rebuilt from the
    # archive (the sync that follows fills it), like one from another analysis.
    if create or not cls.exists(path) or state.read().get("layout", 1) != cls.LAYOUT:
        engine = cls.create(path)
        state.write(engine=name, seq=0, analysis_version=ANALYSIS_VERSION, layout=cls.LAYOUT,
                    forward=FORWARD_FORMAT)
        return engine
    return cls(path)


def word_cache(index_dir: Path) -> Path:
    return Path(index_dir) / word_cache_name()


_loaded_caches: set[str] = set()


def load_words(index_dir: Path) -> None:
    """Warm this process's analyzer with the word cache saved beside the index (once)."""
    path = word_cache(index_dir)
    if str(path) not in _loaded_caches:
        _loaded_caches.add(str(path))
        analyzer.load(path)


def remove_stale_files(index_dir: Path) -> None:
    """Remove the forward indexes and word caches that another analysis version
    or forward :data:`~index.forward.FORMAT` left beside the index: once it is
    rebuilt, nothing reads them (at 300,000 articles a forward index is 200 MB)."""
    keep = (forward_file_name(), word_cache_name())
    try:
        names = [p for p in Path(index_dir).iterdir()
                 if p.name.startswith("forward-") and ".sqlite3" in p.name
                 or p.name.startswith("words-") and p.name.endswith(".marshal")]
    except OSError:
        return
    for p in names:
        if not any(p.name == k or p.name.startswith(k + "-") for k in keep):  # -wal, -shm
            try:
                p.unlink()
            except OSError:
                pass


def _record_indexed(state: IndexState, seq: int) -> None:
    """Record that the index holds every change up to ``seq``, built by this
    analysis and forward format, and drop what an older one left."""
    state.write(seq=seq, analysis_version=ANALYSIS_VERSION, forward=FORWARD_FORMAT)
    remove_stale_files(state.dir)


SAVE_WORDS_AFTER = 1000  # new words that make saving the word cache worth its write


def save_words(index_dir: Path) -> None:
    try:
        analyzer.save(word_cache(index_dir), min_new=SAVE_WORDS_AFTER)
    except OSError:
        pass  # a read-only index directory: the cache is only an optimization


def _worker_init(index_dir: str) -> None:
    load_words(Path(index_dir))


def _indexable(store: Store, ids: list[str]) -> dict:
    """The articles to index: exact duplicates of an indexed article are archived, not indexed."""
    return {k: a for k, a in store.get_many(ids).items() if not a.canonical_id}


def _analyzed(store: Store, ids: list[str], workers: int,
              index_dir: Path | None = None) -> Iterator[tuple[list[str], dict, list[IndexDoc]]]:
    """``(chunk of ids, their articles, their IndexDocs)``, in order.

    Analysis is the costliest step of indexing; for a big batch it runs in
    ``workers`` processes (each with its own word cache) while this process
    reads the archive and feeds the engine."""
    chunks = [ids[i:i + BATCH] for i in range(0, len(ids), BATCH)]
    if workers <= 1:
        for chunk in chunks:
            articles = _indexable(store, chunk)
            yield chunk, articles, index_docs(list(articles.values()))
        return
    ctx = multiprocessing.get_context("spawn")  # safe in a threaded web server, unlike fork
    init = (_worker_init, (str(index_dir),)) if index_dir is not None else (None, ())
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=init[0], initargs=init[1]) as pool:
        pending: deque = deque()
        for chunk in chunks:
            articles = _indexable(store, chunk)
            pending.append((chunk, articles, pool.submit(index_docs, list(articles.values()))))
            if len(pending) > 2 * workers:
                c, a, fut = pending.popleft()
                yield c, a, fut.result()
        while pending:
            c, a, fut = pending.popleft()
            yield c, a, fut.result()


@contextmanager
def _no_automatic_gc():
    """The cyclic garbage collector off while indexing, its young generation
    collected once at the end.  Indexing makes millions of small containers
    and no reference cycles (a full collection after 2,000 articles found
    nothing to free), and the automatic collections kept traversing them
    and the word caches (callgrind, the indexing process on 3,000 articles:
    3.91 → 3.80 M instructions an article)."""
    with collector_paused():
        try:
            yield
        finally:
            gc.collect(0)


def _apply(store: Store, w, fw: ForwardWriter, ids: list[str], workers: int, index_dir: Path | None,
           progress: Callable[[int], None] | None) -> None:
    # The loop runs in a function of its own: what it made (the last chunk's
    # articles and documents) is freed when it returns, before the young
    # generation is collected, so the collection does not walk it.
    with _no_automatic_gc():
        _index(store, w, fw, ids, workers, index_dir, progress)


def _index(store: Store, w, fw: ForwardWriter, ids: list[str], workers: int, index_dir: Path | None,
           progress: Callable[[int], None] | None) -> None:
    for chunk, articles, docs in _analyzed(store, ids, workers, index_dir):
        by_id = {d.id: d for d in docs}
        for doc_id in chunk:
            d = by_id.get(doc_id)
            if d is None:  # gone, or an exact duplicate (see _indexable)
                w.delete(doc_id)
                fw.delete(doc_id)
            else:
                w.upsert(d)
        fw.put_many([(articles[d.id], d) for d in docs])
        if progress:
            progress(len(chunk))


def sync(store: Store, engine: Engine, state: IndexState,
         progress: Callable[[int], None] | None = None) -> int:
    """Apply the archive's changes since the state's seq; return how many articles were indexed."""
    target = store.last_seq()
    since = 0 if state.stale else state.seq  # a new analysis re-indexes everything
    if since >= target and not state.stale:
        return 0
    ids = store.changed_since(since, target)
    bulk = len(ids) >= BULK
    workers = min(os.cpu_count() or 1, MAX_WORKERS) if bulk else 1
    load_words(state.dir)
    with ForwardIndex(state.dir).writer() as fw, engine.writer(bulk=bulk) as w:
        _apply(store, w, fw, ids, workers, state.dir, progress)
    _record_indexed(state, target)
    if workers <= 1:  # worker processes keep their own caches
        save_words(state.dir)
    return len(ids)


# -- indexing while an ingest writes --------------------------------------------
POLL = 0.2  # seconds between looks at the change log


class Follower:
    """A process that keeps the index in line with the archive while an ingest writes it.

    ``start()`` it once the ingest has enough to index; ``finish()`` when the
    ingest is done: the process applies what is left, commits, records the
    seq it reached in the index state and exits.  ``finish(abort=True)``
    (the ingest was interrupted) commits what is applied so far without
    catching up.  The engine is written by this process alone until then
    (the ingesting process must not sync meanwhile).  ``relay``: the file of a
    :class:`~index.word_relay.RelaySender` whose word analyses the process
    learns before each batch.  If the process fails,
    ``finish()`` says so, and the next :func:`sync` applies whatever it had
    not recorded (applying a change twice is harmless: an upsert)."""

    def __init__(self, store_path: Path, index_dir: Path, engine: str, relay: Path | None = None):
        ctx = multiprocessing.get_context("spawn")
        self._stop, self._abort = ctx.Event(), ctx.Event()
        self._applied = ctx.Value("q", 0)  # changes applied so far (a change twice counts twice)
        self._learnt = ctx.Value("q", 0)  # word analyses learnt from the relay
        # Not a daemon: Whoosh's bulk writer starts processes of its own.  It
        # stops by itself if this process dies (see _follow).
        self._proc = ctx.Process(target=_follow, name="arshif-indexer",
                                 args=(str(store_path), str(index_dir), engine, self._stop,
                                       self._abort, os.getpid(), self._applied,
                                       str(relay) if relay else None, self._learnt))

    def start(self) -> "Follower":
        self._proc.start()
        return self

    @property
    def applied(self) -> int:
        """How many changes the process has applied so far."""
        return self._applied.value

    @property
    def learnt(self) -> int:
        """How many word analyses the process has learnt from the relay so far."""
        return self._learnt.value

    def finish(self, abort: bool = False, progress: Callable[[int], None] | None = None) -> bool:
        """Let the process catch up (or, with ``abort``, wind up) and stop; True if it
        committed its work.  ``progress(applied)`` is called as it catches up."""
        if abort:
            self._abort.set()
        self._stop.set()
        while self._proc.is_alive():
            self._proc.join(POLL)
            if progress and self._proc.is_alive():
                progress(self.applied)
        if progress:
            progress(self.applied)
        return self._proc.exitcode == 0


class _Beside(threading.Thread):
    """A call run in a thread of its own, started at once; :meth:`result` waits
    for it and raises what it raised."""

    def __init__(self, call: Callable, name: str, *args):
        super().__init__(name=name)
        self._call, self._args, self._error = call, args, None
        self.start()

    def run(self) -> None:
        try:
            self._call(*self._args)
        except BaseException as e:  # raised by result(), in the thread that waits
            self._error = e

    def result(self) -> None:
        self.join()
        if self._error is not None:
            raise self._error


def _follow(store_path: str, index_dir: str, engine_name: str, stop, abort, parent: int, applied,
            relay: str | None, learnt) -> None:
    # Ctrl-C reaches the whole process group: the ingesting process decides
    # (finish(abort=True)), so that this one commits what it has applied.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = Store(Path(store_path))
    state = IndexState(Path(index_dir))
    engine = open_engine(Path(index_dir), engine_name)
    load_words(state.dir)
    gc.freeze()  # the word cache's million objects: no collection of this process walks them
    seq = 0 if state.stale else state.seq
    words = RelayReceiver(relay) if relay else None
    finishing: list[_Beside] = []
    fw = ForwardIndex(state.dir).writer()
    try:
        with _no_automatic_gc(), engine.writer(bulk=True) as w:
            while not abort.is_set():
                # Read before looking, so the last batch is never missed; an
                # orphan (the ingest was killed) commits what the archive has.
                done = stop.is_set() or os.getppid() != parent
                target = store.last_seq()
                if target > seq:
                    ids = store.changed_since(seq, target)
                    for i in range(0, len(ids), BATCH):
                        if abort.is_set():
                            break
                        if words is not None:
                            learnt.value += words.receive()  # (only this process writes it)
                        _apply(store, w, fw, ids[i:i + BATCH], 1, None, None)
                        with applied.get_lock():
                            applied.value += len(ids[i:i + BATCH])
                    else:
                        seq = target  # every change up to target applied
                elif done:
                    break
                else:
                    stop.wait(POLL)
            # Leaving the block commits the engine, tantivy without holding the
            # GIL: meanwhile the forward index commits and the word cache is
            # written (it is only a cache, so it is kept even if the commit fails;
            # a forward index ahead of the engine is only never asked about the
            # articles the engine lacks).
            finishing = [_Beside(fw.close, "arshif-forward-commit"),
                         _Beside(save_words, "arshif-save-words", state.dir)]
        for task in finishing:
            task.result()
        _record_indexed(state, seq)
    finally:
        if not finishing:  # the loop or the writer failed: nothing of it is kept
            fw.close(commit=False)
        for task in finishing:
            task.join()
        engine.close()
        store.close()
        if words is not None:
            words.close()
    # Done and committed: exit without tearing down the word caches (millions of
    # objects, seconds that the ingest would wait for in finish()).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
