"""The RAG a user would write from the LangChain tutorial, as the evaluation's baseline.

Raw file text as ``Document``s, ``RecursiveCharacterTextSplitter(1000, 200)``,
``HuggingFaceEmbeddings`` with the bundled all-MiniLM-L6-v2,
``Chroma.from_documents`` and ``similarity_search``. With no LLM offline, its
"answer" is the best chunk and its "citations" are the retrieved chunks: what
the tutorial app shows as its context and sources.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from rag.ingestion.load import find_files

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
CONTEXT_K = 4  # the tutorial's retriever default


class TutorialBaseline:
    """Index the ``articles`` files the tutorial way into a temporary Chroma directory."""

    def __init__(self, articles: list[Path]) -> None:
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from vectorstore.embedders.factory import minilm_path

        docs = [
            Document(page_content=path.read_text(encoding="utf-8", errors="replace"), metadata={"doc_id": path.stem})
            for path, problem in find_files(articles)
            if not problem
        ]
        splits = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).split_documents(
            docs
        )
        self._dir = tempfile.TemporaryDirectory(prefix="rag-baseline-")
        embeddings = HuggingFaceEmbeddings(model_name=minilm_path(), model_kwargs={"device": "cpu"})
        self.store: Any = Chroma.from_documents(
            splits, embeddings, persist_directory=self._dir.name, collection_name="baseline"
        )
        self.chunks = len(splits)

    def search(self, question: str, k: int = CONTEXT_K) -> list[tuple[str, str]]:
        """``(doc_id, text)`` of the ``k`` nearest chunks, best first."""
        return [(d.metadata["doc_id"], d.page_content) for d in self.store.similarity_search(question, k=k)]

    def close(self) -> None:
        """Remove the temporary index."""
        self._dir.cleanup()
