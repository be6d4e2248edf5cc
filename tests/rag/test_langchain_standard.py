"""LangChain's own standard suites (package langchain-tests) against our retriever and embeddings."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from rag.api import Engine
from rag.langchain import NewsEmbeddings, NewsRetriever
from vectorstore.embedders.factory import E5Small


class TestNewsRetriever(RetrieversIntegrationTests):
    """The retriever over the sample index: ``k`` in the constructor and at ``invoke`` time, sync and async."""

    @pytest.fixture(autouse=True)
    def _index(self, sample_engine: Engine) -> None:
        self.engine = sample_engine

    @property
    def retriever_constructor(self) -> type[NewsRetriever]:
        return NewsRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, object]:
        return {"engine": self.engine}

    @property
    def retriever_query_example(self) -> str:
        return "What did Meloni commit?"


class _Embeddings:
    @pytest.fixture(autouse=True)
    def _model(self, embedder: E5Small) -> None:
        self.embedder = embedder

    @property
    def embeddings_class(self) -> type[NewsEmbeddings]:
        return NewsEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, object]:
        return {"embedder": getattr(self, "embedder", None)}


class TestNewsEmbeddingsUnit(_Embeddings, EmbeddingsUnitTests):
    """Construction (by name or with an embedder object)."""


class TestNewsEmbeddingsIntegration(_Embeddings, EmbeddingsIntegrationTests):
    """Query and document vectors of the bundled e5-small, sync and async."""
