"""Search engines behind one interface (:class:`~index.engines.base.Engine`)."""
from .base import SORTS, Engine, EngineHits, EngineWriter
from .whoosh_engine import WhooshEngine

ENGINES: dict[str, type[Engine]] = {"whoosh": WhooshEngine}
DEFAULT_ENGINE = "whoosh"

__all__ = ["DEFAULT_ENGINE", "ENGINES", "SORTS", "Engine", "EngineHits", "EngineWriter", "WhooshEngine"]
