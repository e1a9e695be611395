"""How the global weights of :mod:`index.ranking` were chosen: a grid on ARCD *train*.

Run ``python bench/tune_ranking.py`` (about ten minutes; not part of ``make bench``).
A BM25 score is linear in each clause's boost, so a question's score for a
passage is a weighted sum of *component* scores: one per field and view
(title/body × exact/stem/root) for its content words, one per field for its
stop and question words (exact view), and one for the proximity of its
content words.  The script runs every component once per question through
the engine (all passages scored), then combines them offline for each point
of the grid, ranks by ARCD-train MRR@10 and prints the best settings with
their ARCD-test and XQuAD-ar MRR@10, and the current settings'.  Only global
weights are chosen; nothing depends on a particular question.
"""
from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import WORK, prepare, read_qrels, split_ids  # noqa: E402

from index import ranking  # noqa: E402
from index.analysis import analyzer  # noqa: E402
from index.api import Arshif  # noqa: E402
from index.query import ir  # noqa: E402
from index.query.compiler import is_stop  # noqa: E402
from index.query.parser import plain_words, parse  # noqa: E402

VIEWS = ("exact", "stem", "root")
FIELDS = ("title", "body")


def components(question: str) -> dict[str, ir.Query]:
    toks = [t for w in plain_words(parse(question).node) for t in analyzer.analyze(w)]
    content = [t for t in toks if not is_stop(t)]
    stops = [t for t in toks if is_stop(t)]
    if not content:
        content, stops = [], toks
    out: dict[str, ir.Query] = {}
    for f in FIELDS:
        for v in VIEWS:
            terms = [(t.normalized, t.stem, t.root)[VIEWS.index(v)] for t in content]
            if terms:
                out[f"{f}_{v}"] = ir.BoolQ(should=tuple(ir.TermQ(f"{f}_{v}", x) for x in terms))
        if stops:
            out[f"stop_{f}"] = ir.BoolQ(should=tuple(ir.TermQ(f"{f}_exact", t.normalized) for t in stops))
    stems = [t.stem for t in content]
    pairs = [(a, b) for a, b in zip(stems, stems[1:]) if a != b]
    if pairs:
        out["prox"] = ir.BoolQ(should=tuple(ir.PhraseQ("body_stem", p, slop=ranking.PROXIMITY_SLOP)
                                            for p in pairs))
    return out


def collect(name: str, data: Path) -> dict[str, dict[str, dict[str, float]]]:
    home = WORK / f"tune-{name}"
    with Arshif(home) as a:
        if a.store.count() == 0:
            a.ingest([data / f"{name}.jsonl"])
        n = a.engine.count()
        out = {}
        for line in (data / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
            qid, q = line.split("\t", 1)
            out[qid] = {c: dict(a.engine.search(cq, ir.Filters(), limit=n).hits)
                        for c, cq in components(q).items()}
    return out


def weights(exact, stem, root, title, stop, prox) -> dict[str, float]:
    w = {"prox": prox}
    for f, fw in (("title", title), ("body", 1.0)):
        for v, vw in (("exact", exact), ("stem", stem), ("root", root)):
            w[f"{f}_{v}"] = fw * vw
        w[f"stop_{f}"] = fw * exact * stop
    return w


def mrr(scores, rel, w, only=None) -> float:
    total = n = 0
    for qid, good in rel.items():
        if only is not None and qid not in only:
            continue
        n += 1
        acc: dict[str, float] = defaultdict(float)
        for comp, docs in scores.get(qid, {}).items():
            cw = w.get(comp, 0.0)
            if cw:
                for d, s in docs.items():
                    acc[d] += cw * s
        top = sorted(acc.items(), key=lambda x: (-x[1], x[0]))[:10]
        total += next((1 / i for i, (d, _) in enumerate(top, 1) if d in good), 0.0)
    return total / max(n, 1)


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    data = prepare()
    arcd, xquad = collect("arcd", data), collect("xquad-ar", data)
    rel_a, rel_x = read_qrels(data / "arcd.qrels"), read_qrels(data / "xquad-ar.qrels")
    halves = split_ids("arcd")
    grid = itertools.product((0.5, 1, 1.5, 3), (2,), (0.5, 1, 1.5), (0.5, 1, 2), (0, 0.3, 1), (0, 1))
    scored = sorted(((mrr(arcd, rel_a, weights(*g), halves["train"]), g) for g in grid), reverse=True)
    current = (ranking.VIEW_WEIGHTS["exact"], ranking.VIEW_WEIGHTS["stem"], ranking.VIEW_WEIGHTS["root"],
               ranking.FIELD_WEIGHTS["title"] / ranking.FIELD_WEIGHTS["body"], ranking.STOPWORD_WEIGHT,
               ranking.PROXIMITY_WEIGHT)
    print("exact stem root title stop prox | ARCD train  test | XQuAD-ar")
    for train, g in scored[:10] + [(mrr(arcd, rel_a, weights(*current), halves["train"]), current)]:
        w = weights(*g)
        tag = "  (current)" if g == current else ""
        print(f"{g[0]:>5} {g[1]:>4} {g[2]:>4} {g[3]:>5} {g[4]:>4} {g[5]:>4} | {train:.4f} "
              f"{mrr(arcd, rel_a, w, halves['test']):.4f} | {mrr(xquad, rel_x, w):.4f}{tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
