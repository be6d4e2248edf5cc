"""Answers to "what did X say": X's own words, from the quote book (rag/news/attribution.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rag.index import Index
from rag.news.attribution import asked_speaker, compose, not_quoted
from rag.text.question import language
from rag.types import Answer, Filters, Passage


class SpeakerAnswers:
    """Turns an answer to "what did X say" into X's own words, where the articles quote X."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def attributed(
        self,
        question: str,
        answer: Answer,
        passages: list[Passage],
        filters: Filters | None,
        vector: Any,
        *,
        follow_up: bool = False,
    ) -> Answer:
        """``answer``, or for "what did X say" X's own words from ``passages`` (rag/news/attribution.py).

        A follow-up about someone no article quotes ("And Macron?" after "What did Meloni commit?") keeps
        ``answer``: what the articles say of them, rather than that nobody quotes them.
        """
        if not self.index.settings.speaker_answers or answer.abstained:
            return answer
        speaker = asked_speaker(question, self.index.quotebook())
        if speaker is None:
            return answer
        if follow_up and not self.index.quotes(speaker, where=filters):
            return answer
        return self._speaker_answer(question, speaker, passages, filters=filters, vector=vector) or answer

    def _speaker_answer(
        self, question: str, speaker: str, passages: list[Passage], *, filters: Filters | None, vector: Any
    ) -> Answer | None:
        """X's own words for "what did X say" (rag/news/attribution.py); None when none of them is relevant."""
        lang = language(question)
        said = self.index.quotes(speaker, where=filters)
        if not said:
            mentions = self.index.retriever.search(speaker, k=20, filters=filters)
            return not_quoted(question, speaker, passages=mentions, language=lang)
        candidates = self.index.answerer.rank(question, vector=vector, passages=passages, language=lang)
        found = compose(question, speaker, said=said, candidates=candidates, article=self._article, language=lang)
        # Like every other answer it carries the passages retrieved for it, not only the ones it quotes.
        return replace(found, passages=tuple(passages)) if found else None

    def _article(self, doc_id: str) -> tuple[list[Any], dict[str, Any]]:
        from rag.ingestion.chunk import split_sentences

        meta = self.index.store.documents([doc_id]).get(doc_id, {})
        text = self.index.store.document_text(doc_id) or ""
        return split_sentences(text, language=str(meta.get("lang") or "it")), meta
