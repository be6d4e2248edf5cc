"""LangChain-native pieces: a retriever, ``Embeddings``, and extractive answers as a Runnable.

    from rag.langchain import NewsRetriever, ExtractiveAnswerer
    chain = NewsRetriever() | ExtractiveAnswerer()
    chain.invoke("What did Meloni commit?").text

Documents carry our citation metadata (doc id, title, date, outlet, the
passage's character span and its sentences' spans), so a user's own chain
can cite exactly; :class:`ExtractiveAnswerer` reads them back, and answers
from another retriever's documents too (their sentences are split and
embedded on the fly).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from pydantic import ConfigDict, Field

from rag.api import Engine, engine
from rag.errors import ConfigError
from rag.ingestion.chunk import split_sentences
from rag.types import Answer, Passage, Where
from vectorstore.embedders.factory import Embedder, make_embedder

QUESTION_KEY = "question"  # the question a NewsRetriever document was retrieved for


def to_document(passage: Passage, question: str | None = None) -> Document:
    """A passage as a LangChain ``Document`` with our citation metadata."""
    meta: dict[str, Any] = {
        "doc_id": passage.doc_id,
        "chunk_id": passage.chunk_id,
        "title": passage.title,
        "date": passage.date,
        "outlet": passage.outlet,
        "author": passage.author,
        "source": passage.source,
        "start": passage.start,
        "end": passage.end,
        "score": passage.score,
        "sentences": [list(s) for s in passage.sentences],
        "duplicates": list(passage.duplicates),  # other articles reprinting this passage (rag/search/copies.py)
        "copies": list(passage.copies),
        "language": passage.language,
    }
    if question is not None:
        meta[QUESTION_KEY] = question
    return Document(page_content=passage.text, metadata=meta, id=passage.chunk_id)


def to_passage(doc: Document, rank: int = 0) -> Passage:
    """A ``Document`` back as a :class:`Passage`; one from another retriever gets its sentences split here."""
    m = doc.metadata
    text = doc.page_content
    start = int(m.get("start", 0))
    spans = m.get("sentences") or [(start + s.start, start + s.end) for s in split_sentences(text)]
    doc_id = str(m.get("doc_id") or m.get("source") or doc.id or f"document-{rank + 1}")
    return Passage(
        chunk_id=str(m.get("chunk_id") or doc.id or f"{doc_id}:{start}"),
        doc_id=doc_id,
        text=text,
        score=float(m.get("score", 1.0 / (rank + 1))),
        title=str(m.get("title") or doc_id),
        date=m.get("date"),
        source=m.get("source"),
        start=start,
        end=int(m.get("end", start + len(text))),
        outlet=m.get("outlet"),
        author=m.get("author"),
        sentences=tuple((int(a), int(b)) for a, b in spans),
        duplicates=tuple(m.get("duplicates") or ()),
        copies=tuple(m.get("copies") or ()),
        language=m.get("language"),
    )


class NewsRetriever(BaseRetriever):
    """Our hybrid retrieval (E5 sentences + BM25) as a LangChain retriever.

    With no arguments it uses the default settings' index, like ``rag.ask``.

    Attributes:
        k: Passages per question.
        where: Filters, as for ``rag.retrieve`` (doc ids, outlets, date range).
        engine: An explicit :class:`rag.api.Engine` (default: the shared one).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int | None = None
    where: Where = None
    engine: Engine | None = Field(default=None, exclude=True)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None, where: Where = None
    ) -> list[Document]:
        """Passages for ``query``; ``k`` and ``where`` given to ``invoke`` win over the attributes."""
        passages = (self.engine or engine()).retrieve(query, k=k or self.k, where=where or self.where)
        return [to_document(p, query) for p in passages]


class NewsEmbeddings(Embeddings):
    """One of our embedders as LangChain ``Embeddings`` (E5 keeps its query and passage sides).

    Args:
        name: A ``RAG_EMBEDDER`` value such as ``e5-small`` or ``use-multilingual``.
        embedder: An embedder object instead of a name.
    """

    def __init__(self, name: str = "e5-small", *, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or make_embedder(name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for passages (E5's ``passage:`` side)."""
        return [list(map(float, v)) for v in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question (E5's ``query:`` side)."""
        return list(map(float, self.embedder.embed_query([text])[0]))


class ExtractiveAnswerer(RunnableSerializable[Any, Answer]):
    """The extractive answerer as a Runnable: documents (and a question) in, a cited :class:`Answer` out.

    Input is either the documents of a :class:`NewsRetriever` (they carry
    the question, so ``NewsRetriever() | ExtractiveAnswerer()`` works), or a
    dict ``{"question": str, "context": list[Document]}``, the shape of
    ``{"context": retriever, "question": RunnablePassthrough()}``, in which an
    LLM prompt could stand instead.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Engine | None = Field(default=None, exclude=True)

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        """Answer from the given documents."""
        return self._call_with_config(self._answer, input, config)

    def _answer(self, input: Any) -> Answer:
        question, docs = _question_and_documents(input)
        passages = [to_passage(d, i) for i, d in enumerate(docs)]
        return (self.engine or engine()).answer_from(question, passages)


def _question_and_documents(value: Any) -> tuple[str, Sequence[Document]]:
    if isinstance(value, dict):
        question, docs = value.get("question"), value.get("context") or value.get("documents") or []
    else:
        docs = list(value)
        question = next((d.metadata.get(QUESTION_KEY) for d in docs if d.metadata.get(QUESTION_KEY)), None)
    if not isinstance(question, str):
        raise ConfigError(
            'ExtractiveAnswerer needs the question: pipe a NewsRetriever into it, or pass {"question": ..., '
            '"context": documents}.'
        )
    return question, list(docs)


__all__ = ["ExtractiveAnswerer", "NewsEmbeddings", "NewsRetriever", "to_document", "to_passage"]
