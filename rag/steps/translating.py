"""Renderings in another language: of a question (to search articles in theirs) and of what an answer cites."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from rag import fitted
from rag.index import Index
from rag.text.question import language
from rag.translation.rendering import RenderingCache
from rag.types import Answer, Quote, Rendering

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from rag.search.crosslingual import QuestionRenderings
    from rag.translation.translators import Translator


class Renderings:
    """The translators ``RAG_TRANSLATOR`` names, and what they render for one index (cached by sentence)."""

    def __init__(self, index: Index, *, chat_model: Callable[[str], BaseChatModel]) -> None:
        self.index = index
        self.chat_model = chat_model
        self.cache = RenderingCache()

    @cached_property
    def question_renderings(self) -> QuestionRenderings | None:
        """Questions rendered in the indexed articles' other languages (rag/search/crosslingual.py), or None.

        Only by Apertium, when ``RAG_TRANSLATOR`` names it (or is ``auto``) and it is installed: a
        rendering costs ~0.3 s, a local model's seconds (and building one would load the model).
        """
        from rag.search.crosslingual import QuestionRenderings
        from rag.translation.apertium import APERTIUM_ROUTES, Apertium

        named = [part.strip() for part in self.index.settings.translator.split(",")]
        if not self.index.settings.translate_questions or not ("auto" in named or "apertium" in named):
            return None
        if not Apertium.available():
            return None
        apertium = Apertium(timeout=self.index.settings.llm_timeout)
        return QuestionRenderings(translate=apertium.translate, routes=APERTIUM_ROUTES)

    def of(self, question: str) -> dict[str, str]:
        """``question`` in the other languages of the indexed articles, by language (none without Apertium)."""
        languages = self.index.retriever.languages()
        asked_in = language(question)
        if languages <= {asked_in} or self.question_renderings is None:  # nothing to render, nothing looked up
            return {}
        return dict(self.question_renderings.of(question, language=asked_in, article_languages=languages))

    @cached_property
    def translators(self) -> list[Translator]:
        """The translators ``RAG_TRANSLATOR`` names, in fallback order (empty when off or none is installed)."""
        from rag.translation.translators import make_translators

        return make_translators(
            self.index.settings.translator, settings=self.index.settings, chat_model=self.chat_model
        )

    def render(self, answer: Answer) -> Answer:
        """``answer`` with each cited sentence from an article in another language rendered in the question's.

        Each rendering is checked (rag/translation/faithfulness.py) and kept in
        ``Citation.translation``, shown or withheld with the reason; with no
        translator installed the answer's ``rendering_hint`` says how to get one.
        Renderings are cached by sentence, so asking again costs nothing.
        """
        if answer.abstained or not answer.citations or self.index.settings.translator == "none":
            return answer
        from rag.translation.rendering import render

        meta = self.index.store.documents(sorted({c.doc_id for c in answer.citations}))
        languages = {d: str(m.get("lang") or "it") for d, m in meta.items()}
        return render(
            answer,
            languages=languages,
            translators=self.translators,
            embedder=self.index.embedder,
            bar=fitted.RENDERING_BAR,
            cache=self.cache,
        )

    def render_quotes(self, quotes: Sequence[Quote], *, language: str) -> list[Rendering | None]:
        """Each quote's checked rendering in ``language``; None for a quote already in it (the Who-said-what page)."""
        if self.index.settings.translator == "none" or not quotes:
            return [None] * len(quotes)
        from rag.translation.rendering import render_spans

        meta = self.index.store.documents(sorted({q.doc_id for q in quotes}))
        return render_spans(
            [(q.doc_id, q.start, q.end, q.text) for q in quotes],
            target=language,
            languages={d: str(m.get("lang") or "it") for d, m in meta.items()},
            translators=self.translators,
            embedder=self.index.embedder,
            bar=fitted.RENDERING_BAR,
            cache=self.cache,
        )
