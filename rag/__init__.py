"""Question answering over news articles with exact citations.

>>> from rag import ingest, ask
>>> ingest(["data/articles"])            # doctest: +SKIP
>>> print(ask("What did Meloni commit?").text)  # doctest: +SKIP
"""

from rag.api import Engine, ask, ask_stream, engine, ingest, retrieve
from rag.errors import RagError
from rag.settings import Settings
from rag.types import Answer, Citation, Claim, Filters, IndexStats, IngestReport, Passage

__all__ = [
    "Answer", "Citation", "Claim", "Engine", "Filters", "IndexStats", "IngestReport", "Passage",
    "RagError", "Settings", "ask", "ask_stream", "engine", "ingest", "retrieve",
]  # fmt: skip
