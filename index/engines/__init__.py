"""Search engines behind one interface (:class:`~index.engines.base.Engine`).

``whoosh`` (pure Python) is the default for a new archive; ``tantivy`` (Rust)
is for large archives.  An archive's engine is chosen when it is created
(``arshif init --engine``) and can be changed by rebuilding the index
(``arshif migrate --engine``).
"""
from .base import FACETS, SORTS, Engine, EngineHits, EngineWriter
from .tantivy_engine import TantivyEngine
from .whoosh_engine import WhooshEngine

ENGINES: dict[str, type[Engine]] = {"whoosh": WhooshEngine, "tantivy": TantivyEngine}
DEFAULT_ENGINE = "whoosh"

# Above this many articles the Whoosh engine's p95 search time (top 10 with
# snippets) nears 500 ms on a 2-core machine: 5.7 ms at 10,000 articles, 21 ms
# at 72,716 and 433 ms at 300,000 (bench/scale.py, 2026-12-01 21:15-22:01 UTC;
# 351 and 497 ms in two runs of the afternoon with the code of then: this VM's
# speed drifts by a third).  It passes 500 ms not far beyond 300,000 articles:
# above 250,000 the library advises moving to tantivy.
WHOOSH_MAX_COMFORTABLE = 250_000


def engine_advice(engine: str, articles: int) -> str | None:
    """One line advising another engine for an archive this size, or None."""
    if engine == "whoosh" and articles > WHOOSH_MAX_COMFORTABLE:
        return (f"{articles:,} articles: searches will be slow with the whoosh engine; "
                "run `arshif migrate --engine tantivy`")
    return None

__all__ = ["DEFAULT_ENGINE", "WHOOSH_MAX_COMFORTABLE", "engine_advice", "ENGINES", "FACETS", "SORTS", "Engine", "EngineHits", "EngineWriter",
           "TantivyEngine", "WhooshEngine"]
