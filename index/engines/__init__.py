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

__all__ = ["DEFAULT_ENGINE", "ENGINES", "FACETS", "SORTS", "Engine", "EngineHits", "EngineWriter",
           "TantivyEngine", "WhooshEngine"]
