"""Ranking quality of Arshif against Lucene's ArabicAnalyzer + BM25, in one run.

Run ``make bench-quality`` (or ``python bench/quality.py``).  For ARCD (1,395
questions, 460 Wikipedia passages) and XQuAD-ar (1,190 questions, 240
passages) it:

1. turns ``../shared/data`` into the harness inputs with the Lucene runner's
   own ``prep_shared_data.py`` (passages as ``id``/``title``/``body`` JSONL,
   questions as typed, TREC qrels);
2. ingests the passages into a fresh Arshif home and runs every question as
   typed through :meth:`index.api.Arshif.search_many` (plain words, default
   mode, the default engine), writing a TREC run;
3. builds the Lucene runner once (``~/.cache/lucene-arabic-bench``), indexes
   the same JSONL with ``ArabicAnalyzer`` and runs the same questions
   (classic parser over title and body, BM25 k1=1.2 b=0.75);
4. scores both runs with the same evaluator (MRR@10, Recall@10, nDCG@10,
   binary gain; a question with no hit scores 0) and prints them side by
   side, with ARCD's train and test halves apart (the ranking weights in
   :mod:`index.ranking` were chosen on ARCD train only).

The qrels are read here, and only here: product code never sees them.
Work files go to ``$ARSHIF_BENCH_DIR`` (default ``~/.cache/arshif-bench/quality``).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("ARSHIF_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
LUCENE = SHARED / "bench" / "lucene"
WORK = Path(os.environ.get("ARSHIF_BENCH_DIR", Path.home() / ".cache" / "arshif-bench" / "quality"))
COLLECTIONS = ("arcd", "xquad-ar")
REFERENCE = {"arcd": 0.785, "xquad-ar": 0.922}  # Lucene MRR@10 named in issue 5
TARGET = {"arcd": 0.81, "xquad-ar": 0.935}


def read_qrels(path: Path) -> dict[str, set[str]]:
    rel: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        p = line.split()
        if len(p) >= 4 and int(p[3]) > 0:
            rel[p[0]].add(p[2])
    return rel


def read_run(path: Path) -> dict[str, list[str]]:
    run: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        p = line.split()
        if len(p) >= 6:
            run[p[0]].append((int(p[3]), p[2]))
    return {q: [d for _, d in sorted(v)] for q, v in run.items()}


def evaluate(rel: dict[str, set[str]], run: dict[str, list[str]], only: set[str] | None = None) -> dict:
    """MRR@10, R@10, nDCG@10 (binary gain) averaged over the judged questions."""
    mrr = r10 = ndcg = 0.0
    n = 0
    for qid, good in rel.items():
        if only is not None and qid not in only:
            continue
        n += 1
        ranked = run.get(qid, [])[:10]
        mrr += next((1.0 / i for i, d in enumerate(ranked, 1) if d in good), 0.0)
        r10 += len(good.intersection(ranked)) / len(good)
        dcg = sum(1.0 / math.log2(i + 1) for i, d in enumerate(ranked, 1) if d in good)
        idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(10, len(good)) + 1))
        ndcg += dcg / idcg
    n = max(n, 1)
    return {"MRR@10": mrr / n, "R@10": r10 / n, "nDCG@10": ndcg / n, "queries": n}


def prepare() -> Path:
    out = WORK / "data"
    if not all((out / f"{c}.{ext}").exists() for c in COLLECTIONS for ext in ("jsonl", "tsv", "qrels")):
        subprocess.run([sys.executable, str(LUCENE / "prep_shared_data.py"), str(DATA), str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def arshif_run(name: str, data: Path) -> tuple[Path, float]:
    from index.api import Arshif

    home = Path(tempfile.mkdtemp(prefix=f"arshif-{name}-", dir=WORK))
    with Arshif(home) as a:
        a.ingest([data / f"{name}.jsonl"])
        lines = (data / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
        run = WORK / f"{name}.arshif.run"
        started = time.perf_counter()
        with run.open("w", encoding="utf-8") as f:
            for qid, res in a.search_many(lines, limit=10, snippets=False, collapse=False):
                for rank, hit in enumerate(res.hits, 1):
                    f.write(f"{qid} Q0 {hit.article.id} {rank} {hit.score:.6f} arshif\n")
        took = time.perf_counter() - started
    subprocess.run(["rm", "-rf", str(home)], check=False)
    return run, took / max(len(lines), 1) * 1000


def lucene_run(name: str, data: Path) -> Path:
    index = WORK / f"lucene-{name}"
    runner = str(LUCENE / "run.sh")
    if not index.exists():
        subprocess.run([runner, "index", str(data / f"{name}.jsonl"), str(index)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run = WORK / f"{name}.lucene.run"
    with run.open("w", encoding="utf-8") as f:
        subprocess.run([runner, "search", str(index), str(data / f"{name}.tsv"), "10"], check=True,
                       stdout=f, stderr=subprocess.DEVNULL)
    return run


def split_ids(name: str) -> dict[str, set[str]]:
    """ARCD's own train/test halves (from its queries file)."""
    if name != "arcd":
        return {}
    out: dict[str, set[str]] = defaultdict(set)
    for line in (DATA / "arcd" / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        out[q.get("split", "all")].add(q["qid"])
    return dict(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--collections", nargs="+", default=list(COLLECTIONS), choices=COLLECTIONS)
    ap.add_argument("--no-lucene", action="store_true", help="only Arshif (no Java needed)")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    data = prepare()
    rows, report = [], {}
    for name in args.collections:
        rel = read_qrels(data / f"{name}.qrels")
        runs = {}
        arun, ms = arshif_run(name, data)
        runs["arshif"] = read_run(arun)
        if not args.no_lucene:
            runs["lucene"] = read_run(lucene_run(name, data))
        subsets = {"all": None, **split_ids(name)}
        for subset, only in subsets.items():
            for system, run in runs.items():
                m = evaluate(rel, run, only)
                report.setdefault(name, {}).setdefault(subset, {})[system] = m
                rows.append((name, subset, system, m))
        report[name]["arshif_ms_per_query"] = ms
    print(f"{'collection':<10} {'subset':<6} {'system':<7} {'queries':>7} {'MRR@10':>7} {'R@10':>7} {'nDCG@10':>8}")
    for name, subset, system, m in rows:
        print(f"{name:<10} {subset:<6} {system:<7} {m['queries']:>7} {m['MRR@10']:>7.4f} "
              f"{m['R@10']:>7.4f} {m['nDCG@10']:>8.4f}")
    print()
    for name in args.collections:
        a = report[name]["all"]["arshif"]["MRR@10"]
        line = f"{name}: Arshif MRR@10 {a:.4f}"
        if "lucene" in report[name]["all"]:
            line += f" vs Lucene {report[name]['all']['lucene']['MRR@10']:.4f}"
        line += (f" (issue reference {REFERENCE[name]}, target >= {TARGET[name]}: "
                 f"{'met' if a >= TARGET[name] else 'NOT met'}); "
                 f"Arshif {report[name]['arshif_ms_per_query']:.1f} ms/query without snippets")
        print(line)
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
