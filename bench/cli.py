"""How quickly the `arshif` command answers a terminal user.

Measures, on an archive built from the seeds (or from --input):

* process start-up: `arshif --version` (the library is not loaded) and a whole
  `arshif search` process (start, load, search, print), median of --runs;
* in-process cost of one results page in each output form (text, --bidi text,
  json, csv) over the same library, so rendering can be told apart from search.

Timings are wall-clock and noisy on a shared machine: read them as orders of
magnitude, and compare runs made under the same load.

    python bench/cli.py [--input PATH ...] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["تهجير", "مفاوضات", "قوات النظام", '"مخيم اليرموك"']


def command() -> list[str]:
    script = Path(sys.executable).parent / "arshif"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", nargs="*", default=[str(ROOT.parent / "shared" / "seeds")])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from click.testing import CliRunner

    from cli import main as cli_main
    from index.api import Arshif

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        with Arshif(home) as a:
            report = a.ingest(args.input)
        env = {**os.environ, "ARSHIF_HOME": str(home)}
        env.pop("ARSHIF_BIDI", None)
        print(f"archive: {report.added} articles from {', '.join(args.input)}; runs: {args.runs}")
        print()
        print(f"{'process':40} {'median ms':>10}")
        cmd = command()
        run = lambda *a: subprocess.run(cmd + list(a), env=env, capture_output=True, check=False)  # noqa: E731
        print(f"{'arshif --version':40} {median_ms(lambda: run('--version'), args.runs):10.0f}")
        for q in QUERIES[:2]:
            print(f"{'arshif search ' + q:40} {median_ms(lambda: run('search', q), args.runs):10.0f}")
        print()
        runner = CliRunner()
        forms = {"text": [], "text --bidi": ["--bidi"], "text --color": ["--color"],
                 "json": ["-f", "json"], "csv": ["-f", "csv"]}
        print(f"{'one page of 10 hits, in-process':40} {'median ms':>10}")
        for name, extra in forms.items():
            def once():
                for q in QUERIES:
                    runner.invoke(cli_main, ["--home", str(home), "search", q, *extra],
                                  env={"COLUMNS": "100"})
            ms = median_ms(once, args.runs) / len(QUERIES)
            print(f"{name:40} {ms:10.1f}")
        with Arshif(home) as a:
            ms = median_ms(lambda: [a.search(q) for q in QUERIES], args.runs) / len(QUERIES)
        print(f"{'library search only (Arshif.search)':40} {ms:10.1f}")


if __name__ == "__main__":
    main()
