"""Ingest speed: the three news corpora into a fresh archive and index, Lucene beside it.

What is measured, each engine in a fresh process:

* **full ingest** of ``shared/data``'s news corpora (SaudiNewsNet, ANT v1.1,
  ANT multi-source v2.1: 72,716 JSON Lines records, gzipped, read as a user
  would give them) minus the last 1,000 records of the last corpus: the
  archive stage (read, decode, furniture, metadata, duplicates, SQLite) and
  the index stage (analysis + engine), wall time and articles/s each and
  together;
* **incremental**: those 1,000 held-out records added to the full archive
  (archive + index), wall time;
* peak memory (max RSS of the process, and of the analysis worker processes
  the indexer may start), archive and index size on disk;
* the archive's counts (exact duplicates linked, near-duplicate groups,
  failures such as records with neither title nor body).

Lucene (``shared/bench/lucene``, ``ArabicAnalyzer``, one thread) indexes the
same 72,716 records; the ratio is Arshif's full-ingest articles/s over
Lucene's docs/s.  Lucene only indexes (no archive, no duplicates, no
positions per view), so the comparison is of the whole job, not like for like.

    python bench/ingest.py [--engines tantivy whoosh] [--limit N] [--no-lucene]

Work files go to ``~/.cache/arshif-bench/ingest`` (``--work``); nothing is
written into the repository.  The machine is shared: timings are noisy.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from paths import CORPORA, LUCENE, ROOT  # noqa: E402  (bench/ is on sys.path)
HELD_OUT = 1000


def du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def prepare(work: Path, limit: int | None) -> tuple[list[Path], Path, int]:
    """The inputs: the corpora (the last one without its last 1,000 records) and the held-out file."""
    work.mkdir(parents=True, exist_ok=True)
    inputs = []
    total = 0
    for i, src in enumerate(CORPORA):
        last = i == len(CORPORA) - 1
        if limit is None and not last:
            inputs.append(src)  # read as given: gzipped JSON Lines
            with gzip.open(src, "rb") as f:
                total += sum(1 for _ in f)
            continue
        with gzip.open(src, "rb") as f:
            lines = f.readlines()
        if limit is not None:
            lines = lines[:limit // len(CORPORA) + (HELD_OUT if last else 0)]
        total += len(lines)
        if last:
            held = work / "held-out.jsonl"
            held.write_bytes(b"".join(lines[-HELD_OUT:]))
            lines = lines[:-HELD_OUT]
        out = work / (src.name if not last else "last-corpus-head.jsonl.gz")
        with gzip.open(out, "wb", compresslevel=1) as f:
            f.writelines(lines)
        inputs.append(out)
    return inputs, held, total


def child(engine: str, home: Path, inputs: list[str], held: str) -> dict:
    """One engine, in this (fresh) process: full ingest, then the incremental one."""
    sys.path.insert(0, str(ROOT))
    from archive import ingest as archive_ingest
    from index.api import ARCHIVE_FILE, INDEX_DIR, Arshif

    shutil.rmtree(home, ignore_errors=True)
    out: dict = {"engine": engine}
    t0 = time.perf_counter()
    with Arshif(home, engine=engine) as a:
        t1 = time.perf_counter()
        report = archive_ingest(a.store, inputs)
        t2 = time.perf_counter()
        indexed = a.sync()
        t3 = time.perf_counter()
        stats = a.store.stats()
        out.update(
            records_read=report.added + report.updated + report.unchanged + report.duplicate
            + report.failed,
            added=report.added, duplicate=report.duplicate, near_duplicate=report.near_duplicate,
            failed=report.failed,
            failure_kinds=_kinds(report.failures),
            archived=a.store.count(), indexed=indexed, engine_docs=a.engine.count(),
            duplicate_groups=stats.get("duplicate_groups"),
            open_s=t1 - t0, archive_s=t2 - t1, index_s=t3 - t2, total_s=t3 - t0,
        )
    out["archive_bytes"] = sum(du(p) for p in home.glob(ARCHIVE_FILE + "*"))
    out["index_bytes"] = du(home / INDEX_DIR)
    t4 = time.perf_counter()
    with Arshif(home) as a:
        inc = a.ingest([held])
        out["incremental"] = {"added": inc.added, "duplicate": inc.duplicate,
                              "failed": inc.failed, "seconds": time.perf_counter() - t4,
                              "engine_docs": a.engine.count()}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_rss_workers_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def _kinds(failures) -> dict:
    kinds: dict[str, int] = {}
    for f in failures:
        kinds[f.message] = kinds.get(f.message, 0) + 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:5])


def lucene(work: Path, inputs: list[Path], held: Path) -> dict:
    """Lucene indexes the same records (all of them, held-out included) in one run."""
    combined = work / "all-for-lucene.jsonl.gz"
    with open(combined, "wb") as out:
        for p in inputs:
            data = p.read_bytes()
            out.write(data if p.suffix == ".gz" else gzip.compress(data, 1))
        out.write(gzip.compress(held.read_bytes(), 1))
    idx = work / "lucene-index"
    shutil.rmtree(idx, ignore_errors=True)
    t = time.perf_counter()
    r = subprocess.run([str(LUCENE / "run.sh"), "index", str(combined), str(idx)],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        return {"error": (r.stderr or r.stdout).strip().splitlines()[-1:]}
    fields = dict(l.split("\t", 1) for l in r.stdout.splitlines() if "\t" in l)
    return {"docs": int(float(fields.get("docs", 0))), "seconds": float(fields.get("seconds", 0)),
            "docs_per_s": float(fields.get("docs_per_s", 0)),
            "index_bytes": int(float(fields.get("index_bytes", 0))), "wall_s": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", nargs="+", default=["tantivy"],
                    help="engines to measure (default: tantivy; whoosh needs about an hour for "
                         "the full corpora on the shared 2-core machine, try it with --limit)")
    ap.add_argument("--limit", type=int, help="only about N records (a quick check)")
    ap.add_argument("--no-lucene", action="store_true")
    ap.add_argument("--work", type=Path, default=Path.home() / ".cache" / "arshif-bench" / "ingest")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, home, held, *inputs = args.child
        print(json.dumps(child(engine, Path(home), inputs, held)))
        return

    inputs, held, total = prepare(args.work, args.limit)
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, load "
                          f"{os.getloadavg()[0]:.1f} at start (shared: timings are noisy)",
               "records": total, "held_out": HELD_OUT, "engines": []}
    for engine in args.engines:
        home = args.work / f"home-{engine}"
        cmd = [sys.executable, __file__, "--child", engine, str(home), str(held),
               *map(str, inputs)]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if r.returncode != 0:
            print(f"error: {engine}: {r.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        results["engines"].append(json.loads(r.stdout.strip().splitlines()[-1]))
        shutil.rmtree(home, ignore_errors=True)
    if not args.no_lucene:
        results["lucene"] = lucene(args.work, inputs, held)
    (args.work / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False),
                                            encoding="utf-8")
    report(results)


def report(res: dict) -> None:
    print(f"# Ingest benchmark — {res['date']}")
    print(f"{res['machine']}; {res['records']:,} records "
          f"({res['records'] - res['held_out']:,} full ingest + {res['held_out']:,} incremental)\n")
    luc = res.get("lucene") or {}
    print("| | archive s | index s | total s | articles/s | vs Lucene | +1,000 s | "
          "peak RSS MB (workers) | archive MB | index MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for e in res["engines"]:
        rate = e["records_read"] / e["total_s"]
        ratio = f"{rate / luc['docs_per_s']:.2f}×" if luc.get("docs_per_s") else "–"
        print(f"| arshif/{e['engine']} | {e['archive_s']:.0f} | {e['index_s']:.0f} | "
              f"{e['total_s']:.0f} | {rate:.0f} | {ratio} | {e['incremental']['seconds']:.1f} | "
              f"{e['peak_rss_mb']:.0f} ({e['peak_rss_workers_mb']:.0f}) | "
              f"{e['archive_bytes'] / 2**20:.0f} | {e['index_bytes'] / 2**20:.0f} |")
    if luc.get("docs_per_s"):
        print(f"| Lucene ArabicAnalyzer | – | {luc['seconds']:.0f} | {luc['seconds']:.0f} | "
              f"{luc['docs_per_s']:.0f} | 1× | – | – | – | {luc['index_bytes'] / 2**20:.0f} |")
    elif luc:
        print(f"Lucene: {luc}")
    for e in res["engines"]:
        print(f"\n{e['engine']}: {e['records_read']:,} records → {e['archived']:,} archived "
              f"({e['added']:,} added, {e['duplicate']:,} exact duplicates linked and not "
              f"indexed, {e['near_duplicate']:,} grouped as near duplicates, "
              f"{e['duplicate_groups']:,} groups), {e['engine_docs']:,} in the index, "
              f"{e['failed']:,} failed: {e['failure_kinds']}; incremental: {e['incremental']}")


if __name__ == "__main__":
    main()
