"""Web latency: what the pages and the JSON API add on top of the library.

Builds (once) an archive from a corpus of real news (``corpus-2000.jsonl``,
made by ``bench/scale.py``; else the seeds), then runs the same real queries
through the library (``Arshif.search``, top 10 with snippets) and through the
web app in-process (Flask test client, no network): ``/api/search``, the search
page ``/`` (with facets), the article page (with more like this), the Atom
feed and ``/api/facets``.  Prints p50/p95 per route and the web's overhead over
the library.  Timings are wall-clock on a shared machine: noisy.

    make bench-web            # or: python bench/web.py --articles FILE --queries 200
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.api import Arshif  # noqa: E402
from web import create_app  # noqa: E402

WORK = Path.home() / ".cache" / "arshif-bench"
SEEDS = ROOT.parent / "shared" / "seeds"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def queries(n: int) -> list[str]:
    tsv = WORK / "news-queries.tsv"
    if tsv.exists():
        rows = [l.split("\t", 1)[-1].strip() for l in tsv.read_text(encoding="utf-8").splitlines()]
        return [q for q in rows if q][:n]
    return ["تهجير", "مفاوضات", "داعش", "الاسد", "مخيم اليرموك"] * (n // 5 or 1)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = WORK / "corpus-2000.jsonl"
    ap.add_argument("--articles", default=str(default if default.exists() else SEEDS))
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    source = Path(args.articles)
    home = WORK / f"web-home-{source.stem}"
    with Arshif(home) as a:
        if a.stats()["articles"] == 0:
            print(f"building {home} from {source} …", file=sys.stderr)
            a.ingest([source])
        n_articles = a.stats()["articles"]
    qs = queries(args.queries)
    app = create_app({"ARSHIF_HOME": str(home)})
    lib = app.extensions["arshif"]
    c = app.test_client()
    ids = [h.article.id for q in qs[:20] for h in lib.search(q, limit=1).hits]
    for q in qs:  # warm caches (analyzer words, lexicon, searcher) so no route pays them
        lib.search(q)
    routes = {
        "library search (top 10, snippets)": lambda q: lib.search(q),
        "GET /api/search": lambda q: c.get("/api/search?q=" + quote(q)),
        "GET / (page, facets)": lambda q: c.get("/?q=" + quote(q)),
        "GET /feed": lambda q: c.get("/feed?q=" + quote(q)),
        "GET /api/facets": lambda q: c.get("/api/facets?q=" + quote(q)),
    }
    rows = {name: [] for name in routes}
    for q in qs:  # interleaved, so the machine's load falls on every route alike
        for name, fn in routes.items():
            rows[name].append(timed(lambda: fn(q)))
    rows["GET /articles/ID (similar)"] = [timed(lambda i=i: c.get(f"/articles/{i}?q=x")) for i in ids]
    rows["GET / (home, archive facets)"] = [timed(lambda: c.get("/")) for _ in range(20)]
    base = statistics.median(rows["library search (top 10, snippets)"])
    print(f"web latency on {n_articles:,} articles, {len(qs)} queries (in-process, wall clock, shared machine)")
    print(f"{'route':36} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p50 over library':>17}")
    for name, xs in rows.items():
        over = statistics.median(xs) - base
        print(f"{name:36} {len(xs):4d} {statistics.median(xs):8.1f} {pct(xs, 95):8.1f} {over:+16.1f}")


if __name__ == "__main__":
    main()
