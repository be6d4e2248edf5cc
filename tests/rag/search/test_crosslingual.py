"""Questions searched in the indexed articles' other languages: the cache and failures, then the real Apertium."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import LLMUnavailable
from rag.search.crosslingual import QuestionRenderings
from rag.settings import Settings
from rag.translation.apertium import APERTIUM_ROUTES, Apertium
from tests.conftest import GRAIN_QUESTION_IT, mixed_corpus
from vectorstore.embedders.factory import E5Small


class Scripted:
    """A translator with fixed renderings that counts its calls (the exact-output cases)."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.fail = fail

    def translate(self, texts: list[str], *, source: str, target: str) -> list[str]:
        self.calls.append((texts[0], source, target))
        if self.fail:
            raise LLMUnavailable("apertium eng-spa failed; reinstall it with `make translator`.")
        return [f"[{target}] {texts[0]}"]


def test_a_question_is_rendered_in_each_other_indexed_language_once():
    scripted = Scripted()
    renderings = QuestionRenderings(translate=scripted.translate, routes=APERTIUM_ROUTES)
    assert renderings.of("Who pays?", language="en", article_languages={"it", "en"}) == {"it": "[it] Who pays?"}
    assert renderings.of("Who pays?", language="en", article_languages={"it"}) == {"it": "[it] Who pays?"}
    assert scripted.calls == [("Who pays?", "en", "it")]  # the second ask is served from the cache
    # Its own language, or one the translator has no route to, is not rendered.
    assert renderings.of("Chi paga?", language="it", article_languages={"it"}) == {}
    assert renderings.of("Who pays?", language="en", article_languages={"en", "de"}) == {}


def test_a_failing_translator_leaves_the_question_as_it_is():
    renderings = QuestionRenderings(translate=Scripted(fail=True).translate, routes=APERTIUM_ROUTES)
    assert renderings.of("Who pays?", language="en", article_languages={"it"}) == {}


@pytest.mark.slow
@pytest.mark.skipif(not Apertium.available(), reason="Apertium is not installed (`make translator`)")
def test_over_a_mixed_corpus_a_question_is_searched_in_both_languages(tmp_path: Path, embedder: E5Small):
    engine = Engine(Settings(persist_dir=tmp_path / "index"), embedder=embedder)
    engine.ingest([mixed_corpus(tmp_path / "articles")])
    rendered = engine.question_renderings.of(GRAIN_QUESTION_IT, language="it", article_languages={"it", "en"})
    assert set(rendered) == {"en"} and "tonnes of grain" in rendered["en"], rendered  # words the article uses
    answer = engine.ask(GRAIN_QUESTION_IT, render=False)
    assert not answer.abstained and answer.citations[0].doc_id == "grain" and "240,000" in answer.text, answer.text
    assert answer.question == GRAIN_QUESTION_IT and answer.language == "it"  # the rendering is not the question
    assert engine.retrieve(GRAIN_QUESTION_IT)[0].chunk_id == answer.passages[0].chunk_id  # retrieve finds as ask does
    english = engine.ask("What did Meloni commit?", render=False)
    assert not english.abstained and english.citations[0].doc_id == "meloni", english.text  # its copy here
    # Off, nothing is rendered: the question is searched in its own words only.
    off = Engine(engine.settings.with_(translate_questions=False), embedder=embedder)
    assert off.question_renderings is None
