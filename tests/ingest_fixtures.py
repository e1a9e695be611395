"""Helpers shared by the ingest tests: small Arabic articles and a way to ingest them."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

WORDS = ("قالت مصادر محلية إن قوات النظام قصفت مواقع في ريف درعا الشرقي صباح اليوم "
         "ما أدى إلى سقوط ضحايا بين المدنيين وسط موجة نزوح جديدة نحو الحدود الأردنية "
         "بينما تستمر المفاوضات بين الأطراف في العاصمة الأردنية عمان برعاية روسية "
         "وأمريكية لبحث مستقبل الجنوب السوري ومصير فصائل المعارضة المسلحة هناك").split()


def paragraph(seed: int, n: int = 40) -> str:
    """A distinct Arabic paragraph of ``n`` words (the vocabulary shuffled by ``seed``)."""
    rnd = random.Random(seed)
    words = [rnd.choice(WORDS) for _ in range(n)]
    return " ".join(words) + f" رقم {seed}"


@pytest.fixture
def src(tmp_path) -> Path:
    """A directory for input files, apart from the archive home."""
    d = tmp_path / "src"
    d.mkdir()
    return d


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def run(home: Path, *args, input=None):
    """Invoke ``arshif --home HOME ingest ARGS…`` in-process."""
    return CliRunner().invoke(main, ["--home", str(home), "ingest", *map(str, args)],
                              input=input, catch_exceptions=False)
