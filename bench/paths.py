"""Where the benchmarks find the project and the shared data (``../shared`` beside it)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
LUCENE = SHARED / "bench" / "lucene"
# The three news corpora: 72,716 articles.
CORPORA = [DATA / "saudinewsnet" / "saudinewsnet.jsonl.gz",
           DATA / "antcorpus-v1.1" / "antcorpus_v1.1_jawharafm.jsonl.gz",
           DATA / "antcorpus-multisource-v2.1" / "antcorpus_multisource_v2.1.jsonl.gz"]
