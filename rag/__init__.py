"""Question answering over news articles with exact citations.

>>> from rag import ingest, ask
>>> ingest(["data/articles"])            # doctest: +SKIP
>>> print(ask("What did Meloni commit?").text)  # doctest: +SKIP

Names are imported on first use, so ``import rag.errors`` (which the
``vectorstore`` package does) does not pull in the whole engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Engine": "rag.api", "ask": "rag.api", "ask_stream": "rag.api", "engine": "rag.api", "ingest": "rag.api",
    "retrieve": "rag.api", "quotes": "rag.api", "timeline": "rag.api", "Quote": "rag.types",
    "TimelineEntry": "rag.types", "RagError": "rag.errors", "Settings": "rag.settings", "Answer": "rag.types",
    "Citation": "rag.types", "Claim": "rag.types", "Disagreement": "rag.types", "Filters": "rag.types",
    "IndexStats": "rag.types", "IngestReport": "rag.types", "Passage": "rag.types",
}  # fmt: skip
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
