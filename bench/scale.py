"""Search at archive scale: both engines and Lucene side by side, at several archive sizes.

For each size N (10k, 72.7k = every news article in ``shared/data``, and
optionally 300k), the script writes a corpus of N articles (the real news
corpora interleaved; beyond 72,716, copies with new ids and the sentences of
each body shuffled), then for each engine, in a fresh process:

* ingest + index through :class:`index.api.Arshif` (the archive included),
  in a fresh process: articles archived per second (wall and per CPU second,
  worker processes included; exact duplicates are archived, not indexed, so
  ``archived`` counts more articles than ``docs``, the indexed ones), the
  engine's index size on disk (``index_mb``) and the forward index's beside
  it (``forward_mb``, :mod:`index.forward`), and the peak memory of the
  largest process (``ingest_rss_mb``);
* then, in another fresh process that only opens the archive and searches:
  the 2,996 news queries of ``bench/lucene/prep_shared_data.py`` (TREC-2002
  titles and descriptions, MIRACL questions), top 10 *with snippets*, with
  the archive's files read once into the page cache and after one untimed
  warm-up pass over the first 300 queries: p50, p95, p99 and mean
  latency in ms; the same in CPU time of the process (less sensitive to
  other processes on a shared machine); the engine alone (compiled query to
  top 10 ids, no snippets); and the peak memory of this warm searcher
  (``searcher_rss_mb``), which counts the pages of the files it maps (the
  archive and forward index are read through SQLite's memory map), and its
  own memory at the end (``searcher_private_mb``, without those pages).

The searches are repeated ``--rounds`` times (default 3), the engines and
Lucene taking turns in each round, and every search figure is the median of
an engine's rounds (``p50_rounds`` lists each round's p50): this machine's
speed drifts by up to 1.8× within minutes, and turns measure every engine
at the same times.

With ``--reuse`` the archives built by an earlier run are searched again
(their build figures are kept in each home's ``bench-build.json``).

Lucene (``shared/bench/lucene``, ArabicAnalyzer + BM25) runs the same corpus
and queries (top 10, ids only).  With ``--quality`` the script also gives
MRR@10 on ARCD and XQuAD-ar for each engine, and for Whoosh's own
matchers and BM25F on the same queries (``whoosh-classic``, the "before").

    python bench/scale.py --sizes 10000 72716 [--engines whoosh tantivy lucene] [--quality]

Corpora and indexes go to ``~/.cache/arshif-bench`` (``--work``); nothing is
written into the repository.  Timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from paths import CORPORA, DATA, LUCENE, ROOT  # noqa: E402  (bench/ is on sys.path)
SENTENCE = re.compile(r"[^.!?؟\n]+[.!?؟]*\s*")


def real_articles():
    """The news corpora interleaved (one article from each in turn), so every prefix is a mix."""
    streams = [(json.loads(l) for l in gzip.open(p, "rt", encoding="utf-8")) for p in CORPORA]
    while streams:
        for s in list(streams):
            try:
                yield next(s)
            except StopIteration:
                streams.remove(s)


def make_corpus(n: int, work: Path) -> Path:
    path = work / f"corpus-{n}.jsonl"
    if path.exists():
        return path
    real = list(real_articles())
    rng = random.Random(n)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(n):
            a = dict(real[i % len(real)])
            copy = i // len(real)
            if copy:
                a["id"] = f"{a['id']}~{copy}"
                sentences = SENTENCE.findall(a.get("body") or "")
                rng.shuffle(sentences)
                a["body"] = "".join(sentences)
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def queries(work: Path) -> Path:
    tsv = work / "news-queries.tsv"
    if not tsv.exists():
        subprocess.run([sys.executable, str(LUCENE / "prep_shared_data.py"), str(DATA), str(work)],
                       check=True, stdout=subprocess.DEVNULL)
    return tsv


def read_tsv(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        qid, _, text = line.partition("\t")
        out.append((qid, text))
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


# -- one engine: building and searching, each in a fresh process ------------------
def build_engine(engine: str, corpus: Path, home: Path) -> dict:
    """Ingest ``corpus`` into a new archive at ``home``: throughput, size, peak memory.
    The figures are also saved in the home (``bench-build.json``) for ``--reuse``."""
    sys.path.insert(0, str(ROOT))
    from index.api import Arshif
    shutil.rmtree(home, ignore_errors=True)
    started, cpu0 = time.perf_counter(), _cpu()
    with Arshif(home, engine=engine) as a:
        report = a.ingest([corpus])
        took, cpu = time.perf_counter() - started, _cpu() - cpu0
        # Every article read goes into the archive; exact duplicates of one
        # there are archived but not indexed (``docs`` counts the indexed).
        n = report.added + report.updated + report.unchanged
        archived = n + report.duplicate
        out = {"engine": engine, "docs": n, "archived": archived, "ingest_s": round(took, 1),
               "docs_per_s": round(archived / took), "docs_per_cpu_s": round(archived / cpu),
               "index_mb": round(a.engine.size_bytes() / 1e6, 1),
               "forward_mb": round(a.forward.size_bytes() / 1e6, 1),
               "failures": len(report.failures),
               "ingest_rss_mb": round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)}
    (home / "bench-build.json").write_text(json.dumps(out), encoding="utf-8")
    return out


def _read_once(home: Path) -> None:
    """Read every file of an archive (SQLite, engine and forward index) once, into the
    kernel's page cache, as Lucene's runner reads its index in a warm-up pass over all
    queries: the figures are those of a searcher whose files are cached.  (This VM
    reclaims idle page cache, and a run right after another engine's big index was read
    otherwise waits on the disk: README, "Measured".)"""
    buf = bytearray(1 << 20)  # one small buffer: the searcher's peak memory stays its own
    for f in sorted(home.rglob("*")):
        if f.is_file():
            with f.open("rb", buffering=0) as fh:
                while fh.readinto(buf):
                    pass


def search_engine(home: Path, tsv: Path) -> dict:
    """The queries against a built archive, in this (fresh) process: latencies, and
    the peak memory of the warm searcher (nothing else ran in the process)."""
    sys.path.insert(0, str(ROOT))
    from index.api import Arshif
    from index.accel import use_compiled
    from index.query import compile_query
    qs = [q for _, q in read_tsv(tsv)]
    _read_once(home)
    with Arshif(home, create=False) as a:
        for q in qs[:300]:
            a.search(q)
        times, cpu_times, engine_times, zero = [], [], [], 0
        for q in qs:
            t0, c0 = time.perf_counter(), time.process_time()
            r = a.search(q)
            times.append((time.perf_counter() - t0) * 1000)
            cpu_times.append((time.process_time() - c0) * 1000)
            zero += not r.hits
        for q in qs:  # the engine alone: compiled query → top 10 ids and scores
            c = compile_query(q, lexicon=a.engine)
            if c.query is not None:
                t0 = time.perf_counter()
                a.engine.search(c.query, c.filters, limit=10)
                engine_times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(pct(times, 50), 2), "p95_ms": round(pct(times, 95), 2),
            "p99_ms": round(pct(times, 99), 2), "mean_ms": round(statistics.mean(times), 2),
            "cpu_p50_ms": round(pct(cpu_times, 50), 2), "cpu_p95_ms": round(pct(cpu_times, 95), 2),
            "engine_p50_ms": round(pct(engine_times, 50), 2),
            "engine_p95_ms": round(pct(engine_times, 95), 2), "zero_hits": zero,
            "compiled_loops": use_compiled(),  # index/_accel.pyx built (else the Python loops ran)
            "searcher_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "searcher_private_mb": _private_mb()}


def _private_mb() -> int | None:
    """This process's own resident memory at the end (``RssAnon``): its peak
    (``searcher_rss_mb``) also counts the pages of the files it maps (the archive
    and forward index, read through SQLite's memory map, and the engine's
    files), which are the kernel's page cache, shared and taken back at will."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(r"^RssAnon:\s+(\d+) kB", status, re.M)
    return round(int(m.group(1)) / 1024) if m else None


def _cpu() -> float:
    """CPU seconds of this process and its finished children (worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def mrr(engine: str, name: str, work: Path) -> float:
    """MRR@10 of ``engine`` on a passage-retrieval set (``arcd`` or ``xquad-ar``)."""
    sys.path.insert(0, str(ROOT))
    from index.api import Arshif
    home = work / f"q-{name}-{engine}"
    shutil.rmtree(home, ignore_errors=True)
    rel: dict[str, set[str]] = {}
    for line in (work / f"{name}.qrels").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            rel.setdefault(parts[0], set()).add(parts[2])
    total = 0.0
    with Arshif(home, engine="whoosh" if engine == CLASSIC else engine) as a:
        a.ingest([work / f"{name}.jsonl"])
        if engine == CLASSIC:
            a.engine.search = classic_search(a.engine)
        qs = [(qid, q) for qid, q in read_tsv(work / f"{name}.tsv") if qid in rel]
        for qid, q in qs:
            # as bench/quality.py: duplicates not folded into one hit (a passage that
            # repeats another would hide it, and the judgments name each passage)
            ids = [h.article.id for h in a.search(q, limit=10, snippets=False, collapse=False).hits]
            total += next((1 / (i + 1) for i, d in enumerate(ids) if d in rel[qid]), 0.0)
    return round(total / len(qs), 4)


CLASSIC = "whoosh-classic"


def classic_search(engine):
    """The Whoosh engine as it was before this bench's work (the "before" of MRR):
    Whoosh's own matchers and its default BM25F, on the same query tree."""
    from whoosh import scoring

    from index.engines.base import EngineHits
    from index.engines.whoosh_engine import filter_query, translate

    def search(query, filters, *, sort="relevance", limit=10, offset=0):
        with engine.lock, engine._ix.searcher(weighting=scoring.BM25F()) as s:
            r = s.search(translate(query), limit=offset + limit, filter=filter_query(filters))
            return EngineHits(len(r), [(h["id"], float(h.score or 0)) for h in r[offset:offset + limit]])
    return search


# -- Lucene --------------------------------------------------------------------
def _lucene_env() -> dict:
    return {**os.environ, "JAVA_OPTS": os.environ.get("JAVA_OPTS", "-Xms1g -Xmx2g")}


def build_lucene(corpus: Path, index: Path) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    r = subprocess.run([str(LUCENE / "run.sh"), "index", str(corpus), str(index)],
                       capture_output=True, text=True, env=_lucene_env(), check=True)
    stats = dict(l.split("\t", 1) for l in r.stdout.splitlines() if "\t" in l)
    return {"engine": "lucene", "docs": int(stats.get("docs", 0) or 0),
            "docs_per_s": round(float(stats.get("docs_per_s", 0) or 0)),
            "index_mb": round(int(stats.get("index_bytes", 0) or 0) / 1e6, 1)}


def search_lucene(index: Path, tsv: Path) -> dict:
    t0 = time.perf_counter()
    s = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", str(LUCENE / "run.sh"), "search", str(index),
                        str(tsv), "10", "--warmup", "1"],
                       capture_output=True, text=True, env=_lucene_env(), check=True)
    out = {}
    for key in ("p50", "p95", "p99", "mean"):
        m = re.search(rf"\b{key}=([\d.]+)", s.stderr)
        out[f"{key}_ms"] = float(m.group(1)) if m else None
    m = re.search(r"MAXRSS (\d+)", s.stderr)
    out["searcher_rss_mb"] = round(int(m.group(1)) / 1024) if m else None
    out["search_s"] = round(time.perf_counter() - t0, 1)
    return out


def child(args) -> None:
    """Entry point of the per-engine subprocesses: prints one JSON line."""
    work = Path(args.work)
    if args.child == "mrr":
        print(json.dumps({n: mrr(args.engine, n, work) for n in ("arcd", "xquad-ar")}))
    elif args.child == "build":
        print(json.dumps(build_engine(args.engine, Path(args.corpus), Path(args.home))))
    else:
        print(json.dumps(search_engine(Path(args.home), Path(args.tsv))))


def build_or_reuse(engine: str, corpus: Path, work: Path, reuse: bool) -> tuple[dict, Path]:
    home = work / f"home-{engine}-{corpus.stem}"
    saved = home / "bench-build.json"
    if reuse and saved.exists():
        row = json.loads(saved.read_text(encoding="utf-8"))
        row["reused"] = True
    else:
        row = in_subprocess("--child", "build", "--engine", engine, "--corpus", str(corpus),
                            "--home", str(home), "--work", str(work))
    return row, home


def search_once(engine: str, home: Path, tsv: Path, work: Path) -> dict:
    if engine == "lucene":
        return search_lucene(home, tsv)
    return in_subprocess("--child", "search", "--home", str(home), "--tsv", str(tsv), "--work", str(work))


ROUND_KEYS = ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "cpu_p50_ms", "cpu_p95_ms", "engine_p50_ms",
              "engine_p95_ms", "search_s")


def searched(rounds: list[dict]) -> dict:
    """One row of search figures from several rounds: each latency the median of
    the rounds', the p50 of every round kept (``p50_rounds``), the rest from the last."""
    out = dict(rounds[-1])
    for k in ROUND_KEYS:
        values = [r[k] for r in rounds if isinstance(r.get(k), (int, float))]
        if values:
            out[k] = round(statistics.median(values), 3)
    if len(rounds) > 1:
        out["p50_rounds"] = [r.get("p50_ms") for r in rounds]
    return out


def in_subprocess(*extra) -> dict:
    r = subprocess.run([sys.executable, __file__, *extra], capture_output=True, text=True)
    if r.returncode:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


COLUMNS = ("engine", "docs", "archived", "docs_per_s", "docs_per_cpu_s", "index_mb", "forward_mb", "ingest_rss_mb", "p50_ms", "p95_ms",
           "p99_ms", "cpu_p50_ms", "cpu_p95_ms", "engine_p50_ms", "engine_p95_ms", "searcher_rss_mb", "searcher_private_mb")


def table(rows: list[dict]) -> str:
    head = "| size | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for r in rows:
        lines.append(f"| {r['size']} | " + " | ".join(str(r.get(c, r.get("error", ""))) for c in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[10_000, 72_716])
    ap.add_argument("--engines", nargs="+", default=["whoosh", "tantivy", "lucene"])
    ap.add_argument("--quality", action="store_true", help="also MRR@10 on ARCD and XQuAD-ar per engine")
    ap.add_argument("--work", default=str(Path.home() / ".cache" / "arshif-bench"))
    ap.add_argument("--json", help="also write the rows to this file")
    ap.add_argument("--rounds", type=int, default=3,
                    help="search passes per engine, the engines taking turns (figures: the median)")
    ap.add_argument("--reuse", action="store_true",
                    help="search archives this script built before (same size) instead of rebuilding them")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--engine", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--tsv", help=argparse.SUPPRESS)
    ap.add_argument("--home", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    tsv = queries(work)
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}", flush=True)
    rows = []
    for n in args.sizes:
        corpus = make_corpus(n, work)
        built: list[tuple[dict, Path]] = []
        for e in args.engines:
            try:
                if e == "lucene":
                    home = work / f"lucene-{n}"
                    row = build_lucene(corpus, home)
                else:
                    row, home = build_or_reuse(e, corpus, work, args.reuse)
            except (subprocess.CalledProcessError, OSError) as err:
                row, home = {"error": str(err)}, None
            row.update(engine=e, size=n)
            built.append((row, home))
        # The searches of the engines take turns, round after round: the
        # machine's speed drifts over minutes, and each engine's figure is
        # the median of its rounds, measured at the same times as the others'.
        rounds: list[list[dict]] = [[] for _ in built]
        for _ in range(args.rounds):
            for (row, home), got in zip(built, rounds):
                if "error" in row:
                    continue
                try:
                    got.append(search_once(row["engine"], home, tsv, work))
                except (subprocess.CalledProcessError, OSError) as err:
                    got.append({"error": str(err)})
        for (row, _), got in zip(built, rounds):
            if got:
                row.update(searched(got))
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(table(rows))
    if args.quality:
        for e in [e for e in args.engines if e != "lucene"] + ([CLASSIC] if "whoosh" in args.engines else []):
            print(e, "MRR@10", in_subprocess("--child", "mrr", "--engine", e, "--work", str(work)), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
