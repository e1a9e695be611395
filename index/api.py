"""The Arshif library: one object that the CLI and the web app both use.

    >>> from index.api import Arshif
    >>> with Arshif("~/arshif") as a:
    ...     a.ingest(["articles/"])
    ...     results = a.search("تهجير")

An Arshif *home* directory holds the archive (``archive.sqlite3``, the
canonical copy) and the index (``index/``, derived, rebuildable).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from dataclasses import replace
from itertools import chain
from typing import Callable, Iterable, Iterator

from archive import IngestReport, Store, ingest as ingest_paths
from archive.ingest import IngestOptions
from archive.readers import input_bytes
from archive.records import Article, Record

from .analysis import Token, analyzer, normalize
from .engines import ENGINES, SORTS, engine_advice
from .engines.base import FACETS
from .fetch import FetchSizer
from .forward import ForwardIndex, Held
from .highlight import Snippet, marked, marks, matched_words, segments, snippet
from .indexer import Follower, IndexState, load_words, open_engine, sync, word_cache
from .query import compile_query, dates, ir
from .ranking import MODES
from .results import Hit, SearchResults
from .similar import more_like_this
from .suggest import Prefiltered, did_you_mean, may_help
from .word_relay import RelaySender

ARCHIVE_FILE = "archive.sqlite3"
INDEX_DIR = "index"
MAX_LIMIT = 1000
MAX_FETCH = 3000  # hits read to fill a page when duplicates are collapsed
SUGGESTIONS_KEPT = 256
WARM_AFTER = 2  # from this search on, a process loads the saved word cache (see Arshif.warm)
# Articles stored by one ingest before indexing starts beside it: about where
# a second process (2 to 3 s to start) begins to pay off (bench/scale.py).
FOLLOW_AFTER = 2500
# Inputs at least this big (about FOLLOW_AFTER news articles of JSON Lines) start
# the process at once, so that it has started by the time the first batch is
# stored rather than about 2 s later (what storing FOLLOW_AFTER articles takes).
FOLLOW_BYTES = 8 << 20
RELAY_LAG = 3000  # changes the indexing process is behind when this one starts analysing for it


def default_home() -> Path:
    """``$ARSHIF_HOME``, else ``$XDG_DATA_HOME/arshif`` (``~/.local/share/arshif``)."""
    env = os.environ.get("ARSHIF_HOME")
    if env:
        return Path(env).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "arshif"


class ArshifError(Exception):
    """An error to show the user as one line (bad parameter, missing archive, …)."""


def archive_exists(home: Path) -> bool:
    return (Path(home).expanduser() / ARCHIVE_FILE).exists()


class Arshif:
    def __init__(self, home: str | Path | None = None, *, create: bool = True, engine: str | None = None):
        """Open the archive at ``home``; ``engine`` chooses the search engine of a new
        archive (``whoosh``, the default, or ``tantivy``) and is checked against an existing one."""
        self.home = Path(home).expanduser() if home else default_home()
        if not create and not archive_exists(self.home):
            raise ArshifError(f"no archive at {self.home}: run `arshif ingest PATH` first")
        if engine is not None and engine not in ENGINES:
            raise ArshifError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
        self.home.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.home / ARCHIVE_FILE)
        self.index_dir = self.home / INDEX_DIR
        self.state = IndexState(self.index_dir)
        current = self.state.read().get("engine")
        if engine is not None and current is not None and engine != current:
            self.store.close()
            raise ArshifError(f"the archive at {self.home} uses the {current} engine: "
                              f"run `arshif migrate --engine {engine}` to change it")
        self.engine = open_engine(self.index_dir, engine or current)
        self.forward = ForwardIndex(self.index_dir)
        self._searches = 0
        self._suggestions: dict[tuple, str | None] = {}
        self._fetch = FetchSizer(MAX_FETCH)
        if self.state.stale or (self.state.seq == 0 and self.store.last_seq()):
            # built by an older analysis, or new or rebuilt (an older engine
            # layout, a deleted index directory) beside a full archive: fill it now
            self.sync()

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.engine.close()
        self.forward.close()
        self.store.close()

    def __enter__(self) -> "Arshif":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -----------------------------------------------------------
    def ingest(self, paths: Iterable, *, fmt: str | None = None,
               on_record: Callable[[str], None] | None = None,
               options: IngestOptions | None = None,
               on_failure: Callable | None = None,
               on_index: Callable[[int, int], None] | None = None) -> IngestReport:
        """Store every article found in ``paths``, then bring the index in line.

        ``on_record(status)`` is called for each article stored; once every article
        is stored, ``on_index(done, total)`` follows the indexing that is left (for a
        second progress bar).  After an interruption (Ctrl-C) the index is left for
        the next run to catch up.
        """
        self.sync()
        start_seq = self.state.seq
        paths = list(paths)
        follower: Follower | None = None
        relay: RelaySender | None = None
        stored = 0

        def follow() -> Follower:
            # This process analyses the new words of what it stores, for the
            # indexing process to learn (index.word_relay).
            nonlocal relay
            load_words(self.index_dir)
            try:
                relay = RelaySender()
            except OSError:  # no temporary directory to write: the indexing process analyses alone
                relay = None
            return Follower(self.store.path, self.index_dir, self.state.engine_name,
                            relay.path if relay else None).start()

        def relay_words(records: list[Record]) -> None:
            # Only while the indexing process lags: when it keeps up, storing is
            # the slower side, and analysing would only slow it down more.
            if relay is not None and stored - follower.applied > RELAY_LAG:
                relay.send(chain.from_iterable((r.title or "", r.body or "") for r in records))

        def record(status: str) -> None:
            # A big ingest: index in a second process while this one stores.
            nonlocal follower, stored
            stored += 1
            if follower is None and stored == FOLLOW_AFTER:
                follower = follow()
            if on_record:
                on_record(status)

        report = None
        try:
            if input_bytes(paths, FOLLOW_BYTES) >= FOLLOW_BYTES:
                follower = follow()
            report = ingest_paths(self.store, paths, fmt=fmt, on_record=record,
                                  options=options, on_failure=on_failure, before_batch=relay_words)
        finally:
            if follower is not None:
                aborted = report is None or report.interrupted
                total = 0 if aborted or on_index is None else len(self.store.changed_since(start_seq))
                follower.finish(abort=aborted,
                                progress=(lambda n: on_index(min(n, total), total)) if total else None)
                self.engine.refresh()
            if relay is not None:  # (once the indexing process has read what it needs)
                relay.close()
        if not report.interrupted:
            self._sync_reporting(on_index)
        return report

    def _sync_reporting(self, on_index: Callable[[int, int], None] | None) -> None:
        """:meth:`sync`, telling ``on_index(done, total)`` how far it got."""
        if on_index is None:
            self.sync()
            return
        total, done = self.pending(), 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            on_index(min(done, total), total)
        if total:
            self.sync(step)

    def duplicates_of(self, article_id: str) -> list[dict]:
        """Other articles telling the same story: ``[{id, title, source, date, url, exact}]``."""
        return self.store.duplicates_of(article_id)

    def sync(self, progress: Callable[[int], None] | None = None) -> int:
        """Index whatever the archive has that the index has not seen yet."""
        return sync(self.store, self.engine, self.state, progress)

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index from the archive, from scratch."""
        name = self.state.engine_name
        self.engine.close()
        # A new engine directory and state; the saved word cache beside them stays.
        self.engine = open_engine(self.index_dir, name, create=True)
        return self.sync(progress)

    def migrate(self, engine: str, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index with another engine (or the same one), from the archive.

        The new index is built next to the old one and replaces it only when
        complete, so searching works until the end and an interruption leaves
        the old index as it was.  Returns how many articles were indexed."""
        if engine not in ENGINES:
            raise ArshifError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
        building = self.home / (INDEX_DIR + ".new")
        shutil.rmtree(building, ignore_errors=True)
        new_state = IndexState(building)
        new_engine = open_engine(building, engine, create=True)
        if word_cache(self.index_dir).exists():  # word analyses do not depend on the engine
            shutil.copyfile(word_cache(self.index_dir), word_cache(building))
        try:
            n = sync(self.store, new_engine, new_state, progress)
        finally:
            new_engine.close()
        self.engine.close()
        old = self.home / (INDEX_DIR + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.index_dir.exists():
            os.replace(self.index_dir, old)
        self.forward.close()
        os.replace(building, self.index_dir)
        shutil.rmtree(old, ignore_errors=True)
        self.engine = open_engine(self.index_dir, engine)
        self.forward = ForwardIndex(self.index_dir)
        return n

    def pending(self) -> int:
        """How many archive changes the index has not applied yet (for a progress bar's total)."""
        return len(self.store.changed_since(self.state.seq))

    # -- reading -----------------------------------------------------------
    def search(self, query: str, *, mode: str = "all", limit: int = 10, offset: int = 0,
               sort: str = "relevance", source: str | None = None, category: str | None = None,
               since: str | None = None, until: str | None = None, facets: bool = False,
               snippets: bool = True, collapse: bool = True, suggest: bool = True) -> SearchResults:
        """Search the archive.  ``query`` is in the query language of :mod:`index.query`
        (it never makes this raise); the other parameters are checked and raise
        :class:`ArshifError` with a one-line message when invalid.

        ``source``/``category``/``since``/``until`` filter like the query's own
        ``source:`` … (a parameter wins over the same filter in the query);
        ``facets`` adds counts per source, category, year and month of all
        matching articles; ``snippets=False`` skips highlighting (faster, for
        batch runs); ``collapse`` folds duplicates into their best hit
        (``Hit.also_in``); ``suggest`` fills ``did_you_mean`` when it can help
        (see :func:`index.suggest.may_help`)."""
        started = time.perf_counter()
        self._check(mode, sort, limit, offset)
        self._searches += 1
        if self._searches == WARM_AFTER:
            self.warm()
        params = _param_filters(source, category, since, until)
        compiled = compile_query(query, mode, lexicon=self.engine)
        results = SearchResults(query=query, mode=mode, total=0, hits=[], offset=offset,
                                limit=limit, sort=sort)
        results.messages.extend(compiled.messages)
        filters = self._resolve(_merge(compiled.filters, params), results.messages)
        q = compiled.query
        if q is None and filters:
            q = ir.MatchAllQ()  # filters only: every article that passes them
        if q is None:
            results.messages.append("the query has no searchable words")
        else:
            self._run(results, q, filters, compiled.matches, snippets, collapse)
            if facets:
                results.facets = self.engine.facets(q, filters)
        if suggest and compiled.typed and may_help(len(compiled.typed), results.total):
            results.did_you_mean = self._did_you_mean(query, compiled.typed)
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def warm(self) -> None:
        """Load the word analyses saved beside the index (once per process).

        Snippets need the analysis of every word of every hit; with the saved
        cache only words the index has never seen are analysed.  Loading
        takes about a second at 70,000 articles, so a one-off search (the
        CLI) does without, and a process that keeps searching (web server,
        batch, bench) loads it at its second search; call this to load it
        sooner (at start-up)."""
        load_words(self.index_dir)

    def search_many(self, queries: Iterable, **options) -> Iterator[tuple[str, SearchResults]]:
        """Run many queries with the same options (those of :meth:`search`).

        ``queries`` yields strings (``query`` or ``id<TAB>query``) or
        ``(id, query)`` pairs; a query without an id gets its 1-based number.
        Yields ``(id, results)`` in input order.  Options are checked before
        the first query runs; blank lines and ``#`` comments are skipped."""
        self._check(options.get("mode", "all"), options.get("sort", "relevance"),
                    options.get("limit", 10), options.get("offset", 0))
        _param_filters(options.get("source"), options.get("category"),
                       options.get("since"), options.get("until"))
        options.setdefault("suggest", False)
        return self._many(queries, options)

    def _many(self, queries, options):
        for n, item in enumerate(queries, 1):
            if isinstance(item, str):
                line = item.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                qid, text = line.split("\t", 1) if "\t" in line else (str(n), line)
            else:
                qid, text = item
            yield str(qid), self.search(text.strip(), **options)

    def similar(self, article_id: str, *, limit: int = 10, offset: int = 0,
                snippets: bool = True) -> SearchResults:
        """Articles most like ``article_id`` ("more like this"): its most
        distinctive stems (tf × idf) searched as one query, the article itself
        and its duplicates left out.  Raises :class:`ArshifError` for an unknown id."""
        started = time.perf_counter()
        self._check("all", "relevance", limit, offset)
        a = self.store.get(article_id)
        if a is None:
            raise ArshifError(f"no article with id {article_id!r}")
        results = SearchResults(query=f"similar:{article_id}", mode="stem", total=0, hits=[],
                                offset=offset, limit=limit, sort="relevance")
        q, matches = more_like_this(a, self.engine)
        if q is None:
            results.messages.append("the article has no words to compare")
        else:
            # The article and its duplicates are left out after ranking (the
            # engines have no "by id" query): read that many more hits.
            exclude = {article_id} | {d["id"] for d in self.store.duplicates_of(article_id)}
            wanted = SearchResults(query=results.query, mode="stem", total=0, hits=[], offset=0,
                                   limit=min(offset + limit + len(exclude), MAX_FETCH), sort="relevance")
            self._run(wanted, q, ir.Filters(), matches, snippets=False, collapse=True)
            kept = [h for h in wanted.hits if h.article.id not in exclude]
            results.total = max(wanted.total - len(exclude & {h.article.id for h in wanted.hits}), 0)
            page = kept[offset:offset + limit]
            held = self.forward.matched([h.article for h in page], matches) if snippets else {}
            for h in page:
                hit = self._hit(h.article, h.score, matches, snippets, held.get(h.article.id))
                hit.also_in = h.also_in
                results.hits.append(hit)
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def suggest(self, query: str) -> str | None:
        """The query with rare words replaced by common spellings ("did you mean"), or None."""
        compiled = compile_query(query, "all")
        return self._did_you_mean(query, compiled.typed) if compiled.typed else None

    def _did_you_mean(self, query: str, typed: list[str]) -> str | None:
        """:func:`did_you_mean`, remembered for the last :data:`SUGGESTIONS_KEPT`
        queries until the index changes (the next page of a query, or another
        sort, asks again)."""
        key = (query, tuple(typed), self.state.stamp(), self.engine.count())
        try:
            return self._suggestions[key]
        except KeyError:
            pass
        found = did_you_mean(query, typed, Prefiltered(self.engine, self.forward.term_filter))
        if len(self._suggestions) >= SUGGESTIONS_KEPT:
            try:  # forget the oldest (another thread may be doing the same)
                self._suggestions.pop(next(iter(self._suggestions)), None)
            except (RuntimeError, StopIteration):
                pass
        self._suggestions[key] = found
        return found

    def facets(self, query: str = "", *, mode: str = "all", source: str | None = None,
               category: str | None = None, since: str | None = None,
               until: str | None = None) -> dict[str, dict[str, int]]:
        """Counts per source, category, year and month of the articles matching
        ``query`` (every article for an empty query)."""
        if mode not in MODES:
            raise ArshifError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        compiled = compile_query(query, mode, lexicon=self.engine)
        filters = self._resolve(_merge(compiled.filters, _param_filters(source, category, since, until)), [])
        if compiled.query is None and query.strip() and not filters:
            return {f: {} for f in FACETS}
        return self.engine.facets(compiled.query, filters)

    # -- search internals ----------------------------------------------------
    @staticmethod
    def _check(mode: str, sort: str, limit: int, offset: int) -> None:
        if mode not in MODES:
            raise ArshifError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        if sort not in SORTS:
            raise ArshifError(f"unknown sort {sort!r}: choose one of {', '.join(SORTS)}")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ArshifError(f"limit must be between 1 and {MAX_LIMIT}")
        if not isinstance(offset, int) or offset < 0:
            raise ArshifError("offset must not be negative")

    def _run(self, results: SearchResults, q, filters, matches, snippets: bool, collapse: bool) -> None:
        want = results.offset + results.limit
        # Collapsing duplicates can shorten the list: fetch more than the page (as
        # many as recent pages needed, index.fetch), and more again when that was not enough.
        fetch = self._fetch.first(want) if collapse else results.limit
        while True:
            kept, needed = self._fold(results, q, filters, fetch, want, collapse)
            if not collapse or len(kept) >= want or fetch >= min(results.total, MAX_FETCH):
                break
            fetch = min(fetch * 4, MAX_FETCH)
        if collapse and len(kept) >= want:
            self._fetch.record(want, needed)
        page = kept[results.offset:want] if collapse else kept
        held = self.forward.matched([a for a, _ in page], matches) if snippets else {}
        also = self.store.duplicates_of_many([a.id for a, _ in page if a.dup_group]) if collapse else {}
        for a, score in page:
            hit = self._hit(a, score, matches, snippets, held.get(a.id))
            hit.also_in = also.get(a.id, [])
            results.hits.append(hit)

    def _fold(self, results: SearchResults, q, filters, fetch: int, want: int,
              grouped: bool) -> tuple[list[tuple[Article, float]], int]:
        """The first ``fetch`` hits (from the page's offset when not ``grouped``) as
        articles, duplicates of a better hit folded into it when ``grouped``, and
        how many hits it took to fill the page (all of them if it never filled);
        fills ``results.total`` and ``results.collapsed``."""
        found = self.engine.search(q, filters, sort=results.sort, limit=fetch,
                                   offset=0 if grouped else results.offset)
        results.total, results.collapsed = found.total, 0
        kept: list[tuple[Article, float]] = []
        seen_groups: set[str] = set()
        needed = len(found.hits)
        # Articles are read a page at a time, only until the page is full (after
        # the first page, twice as many as are still missing).
        i, step = 0, max(results.limit, 10)
        while i < len(found.hits):
            chunk = found.hits[i:i + step]
            articles = self.store.get_many([d for d, _ in chunk])
            for k, (doc_id, score) in enumerate(chunk, i + 1):
                a = articles.get(doc_id)
                if a is None:
                    continue
                group = a.dup_group if grouped else None
                if group:
                    if group in seen_groups:
                        results.collapsed += 1
                        continue
                    seen_groups.add(group)
                kept.append((a, score))
                if len(kept) == want:
                    needed = k
            if grouped and len(kept) >= want:
                break
            i += len(chunk)
            if grouped:
                step = 2 * (want - len(kept))
        return kept, needed

    def _resolve(self, filters: ir.Filters, messages: list[str]) -> ir.Filters:
        """Match a source/category typed loosely (no hamza, other case) to the archive's spelling."""
        changes = {}
        for name in ("source", "category"):
            value = getattr(filters, name)
            if not value or self.engine.count(None, ir.Filters(**{name: value})):
                continue
            if name == "source":  # "Reuters" → رويترز, as ingest names the outlet
                canonical = self._aliases().canonical(value)
                if canonical and canonical != value and self.engine.count(None, ir.Filters(source=canonical)):
                    changes[name] = canonical
                    continue
            wanted = normalize(value).strip()
            known = self.engine.facets(None, None).get(name, {})
            match = next((k for k in known if normalize(k).strip() == wanted), None)
            if match:
                changes[name] = match
            else:
                messages.append(f"no article has {name} {value!r}")
        return replace(filters, **changes) if changes else filters

    def _aliases(self):
        from archive.sources import SourceAliases
        path = self.home / "aliases.json"
        try:
            return SourceAliases.load(path if path.exists() else None)
        except ValueError:
            return SourceAliases()

    @staticmethod
    def _hit(a: Article, score: float, matches, snippets: bool = True, held: Held | None = None) -> Hit:
        """A hit with its snippets; ``held``: what the forward index holds of it
        (its words that match, its fragments), else its text is judged."""
        if not snippets:
            return Hit(a, score, Snippet([]), Snippet([]), [])
        if held is None:
            body = snippet(a.body, matches)
            title = Snippet([segments(a.title, marks(a.title, matches))])
        else:
            body = snippet(a.body, matches, found=held.found, fragments=held.fragments)
            title = Snippet([marked(a.title, held.found)])
        matched = matched_words(title, body)
        return Hit(a, score, body, title, matched)

    def article(self, article_id: str) -> Article | None:
        return self.store.get(article_id)

    def highlighted(self, article: Article, query: str, mode: str = "all") -> dict:
        """The whole article with the query's matches marked (for an article page)."""
        m = compile_query(query, mode, lexicon=self.engine).matches
        return {
            "title": Snippet([segments(article.title, marks(article.title, m))]),
            "body": Snippet([segments(article.body, marks(article.body, m))]),
        }

    def history(self, article_id: str) -> list[dict]:
        return self.store.history(article_id)

    @staticmethod
    def analyze(text: str) -> list[Token]:
        return analyzer.analyze(text)

    def count(self) -> int:
        """How many articles the archive holds (cheap; :meth:`stats` tells more)."""
        return self.store.count()

    def stats(self) -> dict:
        s = {**self.store.stats(), "engine": self.state.engine_name,
             "indexed": self.engine.count(), "index_bytes": self.engine.size_bytes() + self.forward.size_bytes(),
             "home": str(self.home)}
        advice = self.engine_advice()
        if advice:
            s["advice"] = advice
        return s

    def engine_advice(self) -> str | None:
        """One line advising tantivy when this archive is too big for Whoosh to search fast, else None."""
        return engine_advice(self.state.engine_name, self.engine.count())


def _day(value: str | None, name: str, end: bool = False) -> int | None:
    """``2018``, ``2018-05`` or ``2018-05-21`` → YYYYMMDD (start or end of the period)."""
    if not value:
        return None
    try:
        return dates.day(value, end=end)
    except ValueError as e:
        raise ArshifError(f"{name}: {e}") from None


def _param_filters(source, category, since, until) -> ir.Filters:
    return ir.Filters(source=source or None, category=category or None,
                      since=_day(since, "since"), until=_day(until, "until", end=True))


def _merge(from_query: ir.Filters, params: ir.Filters) -> ir.Filters:
    """The query's filters, each replaced by the parameter of the same name when given."""
    return ir.Filters(**{f: getattr(params, f) if getattr(params, f) is not None else getattr(from_query, f)
                         for f in ("source", "category", "since", "until")})
