"""LangChain-native components over a real index (rag/langchain.py)."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnablePassthrough

from rag.api import Engine
from rag.errors import ConfigError
from rag.langchain import ExtractiveAnswerer, NewsEmbeddings, NewsRetriever, to_passage
from tests.conftest import MELONI, TROOPS
from vectorstore.embedders.factory import E5Small

QUESTION = "What did Meloni commit?"


def test_retriever_returns_documents_with_citation_metadata(sample_engine: Engine):
    retriever = NewsRetriever(engine=sample_engine, k=4)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(QUESTION)
    assert len(docs) == 4 and docs[0].metadata["doc_id"] == MELONI
    top = docs[0].metadata
    text = sample_engine.document(MELONI) or ""
    assert text[top["start"] : top["end"]] == docs[0].page_content  # the span is exact
    assert top["title"] and top["question"] == QUESTION and top["sentences"]
    assert [d.metadata["chunk_id"] for d in docs] == [p.chunk_id for p in sample_engine.retrieve(QUESTION, k=4)]


def test_retriever_pipes_into_the_extractive_answerer(sample_engine: Engine):
    chain = NewsRetriever(engine=sample_engine) | ExtractiveAnswerer(engine=sample_engine)
    answer = chain.invoke(QUESTION)
    expected = sample_engine.ask(QUESTION)
    assert answer.text == expected.text and answer.citations[0].doc_id == MELONI
    # The dict shape an LLM prompt takes works too, and in batches.
    dict_chain = {
        "context": NewsRetriever(engine=sample_engine),
        "question": RunnablePassthrough(),
    } | ExtractiveAnswerer(engine=sample_engine)
    answers = dict_chain.batch([QUESTION, "Chi ha guidato la delegazione americana a Parigi?"])
    assert answers[0].text == expected.text and "Witkoff" in answers[1].text


def test_a_users_llm_chain_over_our_retriever(sample_engine: Engine):
    retriever = NewsRetriever(engine=sample_engine, k=2)
    prompt = ChatPromptTemplate.from_template("Passages:\n{context}\n\nQuestion: {question}")
    seen: list[str] = []

    def context(docs: list[Document]) -> str:
        seen.append("\n".join(d.page_content for d in docs))
        return seen[-1]

    llm = GenericFakeChatModel(messages=iter(["Sostegno politico e logistico [1]."]))
    chain = {"context": retriever | context, "question": RunnablePassthrough()} | prompt | llm | StrOutputParser()
    assert chain.invoke(QUESTION) == "Sostegno politico e logistico [1]."
    assert "Meloni" in seen[0]


def test_answers_from_another_retrievers_documents(sample_engine: Engine):
    foreign = [
        Document(page_content="Il Colosseo fu inaugurato nell'anno 80 dall'imperatore Tito. Fu costruito dai Flavi."),
        Document(page_content=TROOPS, metadata={"source": "altro.txt"}),
    ]
    answerer = ExtractiveAnswerer(engine=sample_engine)
    answer = answerer.invoke({"question": "Quando fu inaugurato il Colosseo?", "context": foreign})
    assert not answer.abstained and "anno 80" in answer.text
    assert answer.citations[0].quote.startswith("Il Colosseo fu inaugurato") and answer.citations[0].start == 0
    refused = answerer.invoke({"question": "What did Biden say about the Colosseum?", "context": foreign})
    assert refused.abstained  # a name the given documents never mention
    passage = to_passage(foreign[0])
    assert [foreign[0].page_content[a:b] for a, b in passage.sentences][1] == "Fu costruito dai Flavi."
    with pytest.raises(ConfigError, match="needs the question"):
        answerer.invoke(foreign)


def test_embeddings_keep_e5s_two_sides(embedder: E5Small):
    embeddings = NewsEmbeddings(embedder=embedder)
    assert isinstance(embeddings, Embeddings)
    query = embeddings.embed_query("garanzie di sicurezza")
    docs = embeddings.embed_documents(["garanzie di sicurezza", "la pizza margherita"])
    assert len(query) == 384 and len(docs) == 2
    assert np.allclose(query, embedder.embed_query(["garanzie di sicurezza"])[0], atol=1e-6)
    assert not np.allclose(query, docs[0], atol=1e-3)  # the query side differs from the passage side
    assert float(np.dot(query, docs[0])) > float(np.dot(query, docs[1]))
