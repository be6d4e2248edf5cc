"""Asking: retrieve, read, answer (extractively or with a model), then finish the answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from rag import fitted
from rag.answering import followup
from rag.answering.extractive import newest_first
from rag.answering.focus import off_focus
from rag.answering.followup import History
from rag.errors import BadQuestion
from rag.index import Index
from rag.models.llm import describe_failure, is_llm
from rag.news.digest import about_the_period, digest, overview
from rag.search.dates import temporal
from rag.steps.finishing import Finishing
from rag.steps.models import Models
from rag.steps.speakers import SpeakerAnswers
from rag.steps.translating import Renderings
from rag.text.kinds import question_kind, topic
from rag.text.question import check_question, entities, language
from rag.types import Answer, Filters, Passage, Status, TimelineEntry, Where, to_filters


class Asker:
    """Answers questions over one index."""

    def __init__(self, index: Index, *, models: Models, renderings: Renderings) -> None:
        self.index = index
        self.models = models
        self.renderings = renderings
        self.speakers = SpeakerAnswers(index)
        self.finishing = Finishing(index)

    def retrieve(self, question: str, *, k: int | None = None, where: Where = None) -> list[Passage]:
        """The passages most likely to answer ``question``, best first."""
        question = check_question(question, max_chars=self.index.settings.max_question_chars)
        self.index.sync()
        k = k or self.index.settings.top_k
        asked = self._respelt(question)
        # As `ask` finds them: over articles in another language, with the question's rendering in theirs.
        return self._search(" ".join([asked, *self.renderings.of(asked).values()]), k=k, filters=to_filters(where))

    def _search(self, question: str, *, k: int, filters: Filters | None, vector: Any = None) -> list[Passage]:
        """The fused top passages, reranked together when the reranker is on and fitted (rag/answering/rerank.py)."""
        if not (self.index.settings.rerank and fitted.RERANK_WEIGHTS):
            return list(self.index.retriever.search(question, k=k, filters=filters, vector=vector))
        from rag.answering.rerank import DEPTH, rerank

        vector = self.index.retriever.embed_question(question) if vector is None else vector
        found = self.index.retriever.search(question, k=max(k, DEPTH), filters=filters, vector=vector)
        ranked = rerank(
            question,
            vector,
            found,
            answerer=self.index.answerer,
            language=language(question),
            weights=fitted.RERANK_WEIGHTS,
        )
        return ranked[:k]

    def _respelt(self, question: str) -> str:
        """``question`` with misspelt names in the corpus's spelling ("Melloni" -> "Meloni"; rag/fitted.SPELLING)."""
        across = not self.index.retriever.same_language(question)
        return self.index.vocabulary().respell(
            question, entities(question), near=fitted.SPELLING, across_languages=across
        )

    def ask(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
        render: bool = True,
        as_of: date | str | None = None,
    ) -> Answer:
        """Answer ``question`` from the indexed articles, citing every sentence.

        Args:
            question: In Italian or English; a follow-up is read against ``history``.
            history: Earlier turns, as ``(role, text)`` pairs or message dicts.
            k: How many passages to retrieve.
            where: Filters (doc ids, outlets, date range).
            mode: ``extractive``, ``llamacpp:<model>``, ``ollama:<model>`` or
                ``openai:<model>``; ``RAG_ANSWERER`` when omitted.
            render: Add renderings of sources in another language (:meth:`render`).
            as_of: The day the question is asked (ISO string or date; today when
                omitted): "this week", "ieri" count back from it.
        """
        answer: Answer | None = None
        for item in self.ask_stream(question, history=history, k=k, where=where, mode=mode, as_of=as_of):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None  # ask_stream always ends with the answer
        return self.renderings.render(answer) if render else answer

    def ask_stream(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
        as_of: date | str | None = None,
        status: Callable[[Status], None] | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yield the answer's text as it is written, then the :class:`Answer`.

        With a language model the text pieces are the model's own tokens and
        the final answer is the verified one (markers checked, unsupported
        sentences flagged); if the model fails, the last item is the
        extractive answer marked ``fallback`` with a ``notice`` saying why.
        ``status`` is told each step as it begins (searching, reading, writing).
        """
        question = check_question(question, max_chars=self.index.settings.max_question_chars)
        mode = (mode or self.index.settings.answerer).strip()
        filters = to_filters(where)
        k = k or self.index.settings.top_k
        self.index.sync()
        told = status or (lambda _: None)
        lang = language(question)
        if status:  # a count: milliseconds, for the status line only
            told(Status("searching", self.index.store.count_documents(filters), lang))
        if not is_llm(mode):
            extractive = self._extractive(
                question, history=history, k=k, filters=filters, as_of=as_of,
                reading=lambda n: told(Status("reading", n, lang)),
            )  # fmt: skip
            extractive = self.finishing.versioned(self.finishing.corroborated(extractive))
            yield extractive.text
            yield extractive
            return
        from rag.answering.chain import stream_or_fallback

        told(Status("writing", k, lang))
        for item in stream_or_fallback(
            self._llm_chain(mode, k=k, filters=filters),
            question,
            history=history,
            explain=lambda exc: describe_failure(exc, answerer=mode, settings=self.index.settings),
            fallback=lambda why: self._fallback(question, history, k, filters, mode, why),
        ):
            yield self.finishing.versioned(self.finishing.corroborated(item)) if isinstance(item, Answer) else item

    def _extractive(
        self,
        question: str,
        *,
        history: History | None,
        k: int,
        filters: Filters | None,
        as_of: date | str | None = None,
        reading: Callable[[int], None] | None = None,
    ) -> Answer:
        given = filters
        standalone = self._respelt(followup.standalone(question, history))
        # A month becomes a date filter and leaves the text that is searched and checked for names;
        # "this week" becomes the days before the question was asked.
        today = asked_on(as_of)
        kind = question_kind(standalone)
        asked, dated, latest = temporal(standalone, filters, dated=self.index.date_span, today=today)
        if kind in ("summary", "latest"):
            # "Riassumi le notizie su Tver", "the latest on the peace talks": searched and judged on the topic;
            # with none, an overview of the newest articles.
            if not (subject := topic(asked)):
                by_day = dated != filters and about_the_period(asked)  # "what happened on 6 January": a digest
                lead = None if by_day else overview(asked, index=self.index, filters=dated, language=language(question))
                if lead is not None:
                    asked_as = standalone if standalone != question else None
                    return replace(lead, question=question, standalone_question=asked_as)
            else:
                asked = subject
        # Over articles in another language, the question is searched with its rendering in theirs.
        rendered = self.renderings.of(asked)
        searched = " ".join([asked, *rendered.values()])
        vector = self.index.retriever.embed_question(asked)
        passages = self._search(asked, k=k, filters=dated, vector=vector)
        if not passages and dated != filters:  # the period holds no report on it: the question still stands
            passages = self._search(asked, k=k, filters=filters, vector=vector)
        else:
            filters = dated
        rendering, judged = None, None
        if rendered:
            # Whether the articles answer at all is judged on the question's own passages, as fitted
            # (a rendering also finds passages on words an off-corpus question shares with them).
            searched_vector = self.index.retriever.embed_question(searched)
            judged, rendering = passages, (searched, searched_vector)
            passages = self._search(searched, k=k, filters=filters, vector=searched_vector) or passages
        if latest:  # "the latest", "ultime": the newest of the relevant passages first
            passages.sort(key=lambda p: p.date or "", reverse=True)
        if reading:
            reading(len(passages))
        lang = language(standalone if kind in ("summary", "latest") else asked)  # a topic alone is too short
        answered = self._answer(asked, passages, vector, rendering=rendering, judged=judged, kind=kind, lang=lang)
        if passages and filters != given and about_the_period(asked):
            # A day or a period as the topic ("What happened on 6 January?"): the news of those days.
            answered = digest(asked, passages, language=answered.language) or answered
        answer = self.speakers.attributed(asked, answered, passages, filters, vector, follow_up=standalone != question)
        if not answer.abstained and kind not in ("summary", "latest") and standalone == question:
            # A follow-up's focus is the earlier question's.
            answer = off_focus(answer, asked, language=lang, render=self.renderings.of)
        if latest:
            answer = newest_first(answer)
        return replace(answer, question=question, standalone_question=standalone if standalone != question else None)

    def timeline(self, subject: str, *, where: Where = None, k: int = 20) -> list[TimelineEntry]:
        """Dated statements on ``subject`` (a topic or a person), oldest first; see rag/news/quotebook.py."""
        from rag.news.quotebook import may_name, timeline

        self.index.sync()  # the quote book read below must be this index generation's
        subject = self.index.speaker_name(subject) if may_name(subject) else subject
        passages = self.retrieve(subject, k=k, where=where)
        return timeline(subject, passages, self.index.quotebook())

    def answer_from(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The extractive answer to ``question`` from given passages, e.g. another retriever's.

        Sentences the index does not hold are embedded on the fly; passages
        from outside the index are their own vocabulary and language (a name
        they never mention still means a refusal).
        """
        question = check_question(question, max_chars=self.index.settings.max_question_chars)
        self.index.sync()
        chosen = list(passages)
        ours = set(self.index.store.documents(sorted({p.doc_id for p in chosen}))) == {p.doc_id for p in chosen}
        if ours:  # answered as `ask` would answer from them, speakers named
            vector = self.index.retriever.embed_question(question)
            return self.speakers.attributed(question, self._answer(question, chosen, vector), chosen, None, vector)
        from rag.search.vocabulary import Vocabulary

        # Each outside passage is in its own language, detected here when its retriever did not say.
        chosen = [p if p.language else replace(p, language=language(p.text)) for p in chosen]
        return self._answer(
            question,
            chosen,
            self.index.retriever.embed_question(question),
            vocabulary=Vocabulary([p.text for p in chosen], embedder=self.index.name_embedder),
        )

    def _answer(
        self,
        question: str,
        passages: list[Passage],
        vector: Any,
        *,
        vocabulary: Any = None,
        rendering: tuple[str, Any] | None = None,
        judged: list[Passage] | None = None,
        kind: str = "fact",
        lang: str | None = None,
    ) -> Answer:
        answer: Answer = self.index.answerer.answer(
            question,
            vector=vector,
            passages=passages,
            language=lang or language(question),
            vocabulary=vocabulary or self.index.vocabulary(),
            rendering=rendering,
            judged=judged,
            kind=kind,
        )
        return answer

    def _llm_chain(self, mode: str, *, k: int, filters: Filters | None) -> Any:
        from rag.answering.chain import LLMChain
        from rag.answering.verify import verify

        check = partial(
            verify,
            store=self.index.store,
            embedder=self.index.name_embedder,
            threshold=self.index.settings.support_threshold,
        )
        return LLMChain(
            model=self.models.chat_model(mode),
            retrieve=lambda q: self._search(self._respelt(q), k=k, filters=filters),
            check=check,
            mode=mode,
        )

    def _fallback(
        self, question: str, history: History | None, k: int, filters: Filters | None, mode: str, why: str
    ) -> Answer:
        answer = self._extractive(question, history=history, k=k, filters=filters)
        notice = f"The language model ({mode}) failed ({why}); showing the extractive answer instead."
        return replace(answer, fallback=True, notice=notice, mode=f"extractive (fallback from {mode})")


def asked_on(as_of: date | str | None) -> date | None:
    """The day a question is asked, from an ISO string or a date; a clear error for anything else."""
    if as_of is None or isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(as_of.strip().replace("/", "-"))
    except (AttributeError, ValueError):
        raise BadQuestion(f"as_of={as_of!r} is not a date; give it as YYYY-MM-DD (e.g. 2026-01-07).") from None
