"""A result set as CSV (for spreadsheets) or JSON Lines (for scripts).

One row per hit, in rank order, with the same fields as the JSON API's hits.
CSV cells that a spreadsheet would run as a formula (``= + - @``) get a
leading apostrophe, and the file starts with a BOM so Excel reads Arabic.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

COLUMNS = ("rank", "id", "title", "date", "source", "category", "url", "score", "matched", "snippet")


def rows(results) -> Iterator[dict]:
    for rank, hit in enumerate(results.hits, results.offset + 1):
        d = hit.to_dict()
        yield {"rank": rank, "id": d["id"], "title": d["title"], "date": d["date"],
               "source": d["source"], "category": d["category"], "url": d["url"],
               "score": d["score"], "matched": d["matched"], "snippet": d.get("snippet_text", ""),
               **{k: d[k] for k in ("also_in",) if k in d}}


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        v = " | ".join(str(x) if not isinstance(x, dict) else str(x.get("source") or x.get("id"))
                       for x in v)
    s = str(v)
    if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        s = "'" + s
    return s


def to_csv(items: Iterable[dict]) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf)
    yield "\ufeff"
    w.writerow(COLUMNS)
    for item in items:
        w.writerow([_cell(item.get(c)) for c in COLUMNS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def to_jsonl(items: Iterable[dict]) -> Iterator[str]:
    for item in items:
        yield json.dumps(item, ensure_ascii=False) + "\n"
