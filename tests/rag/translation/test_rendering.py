"""Renderings of cited sentences in the question's language: engine, check, cache, CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import LLMUnavailable
from rag.settings import Settings
from rag.translation.apertium import Apertium
from rag.translation.rendering import RenderingCache, render
from tests.conftest import GRAIN_QUESTION_IT, MELONI, mixed_corpus
from tests.rag.test_cli import run

needs_apertium = pytest.mark.skipif(not Apertium.available(), reason="Apertium is not installed (`make translator`)")
QUESTION = "What did Meloni commit?"


class Counting:
    """A real translator that counts the texts it is asked to render."""

    def __init__(self, inner: Apertium) -> None:
        self.inner, self.name, self.texts = inner, inner.name, 0

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        self.texts += len(texts)
        return self.inner.translate(texts, source=source, target=target)


class Miscounting:
    """Scripted: renders every sentence with its numbers changed (an exact-output case)."""

    name = "miscounting"

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        return [t.replace("2026", "2027") + " 12" for t in texts]


@needs_apertium
def test_english_question_gets_checked_renderings_of_italian_sources(sample_engine: Engine):
    bare = sample_engine.ask(QUESTION, render=False)
    answer = sample_engine.ask(QUESTION)
    assert answer.citations and all(c.translation is not None for c in answer.citations)
    for plain, c in zip(bare.citations, answer.citations, strict=True):
        assert (c.start, c.end, c.quote) == (plain.start, plain.end, plain.quote)  # the source span is unchanged
        assert c.language == "it" and c.translation.language == "en" and c.translation.translator == "apertium"
        assert c.translation.text and c.translation.text != c.quote
    meloni = next(c for c in answer.citations if c.doc_id == MELONI)
    assert meloni.translation is not None and meloni.translation.shown and "Meloni" in meloni.translation.text
    italian = sample_engine.ask("Cosa ha promesso Meloni?")
    assert all(c.translation is None for c in italian.citations)  # same language: nothing to render


@needs_apertium
def test_renderings_are_cached_by_sentence(sample_engine: Engine):
    answer = sample_engine.ask(QUESTION, render=False)
    translator, cache = Counting(Apertium(timeout=30)), RenderingCache()
    kwargs = dict(languages={c.doc_id: "it" for c in answer.citations}, embedder=sample_engine.embedder, bar=0.8)
    first = render(answer, translators=[translator], cache=cache, **kwargs)  # type: ignore[arg-type]
    rendered = translator.texts
    again = render(answer, translators=[translator], cache=cache, **kwargs)  # type: ignore[arg-type]
    assert rendered >= len(answer.citations) and translator.texts == rendered
    assert [c.translation for c in again.citations] == [c.translation for c in first.citations]


def test_a_rendering_that_changes_a_number_is_withheld(sample_engine: Engine):
    answer = sample_engine.ask(QUESTION, render=False)
    assert answer.citations
    out = render(
        answer, languages={c.doc_id: "it" for c in answer.citations}, translators=[Miscounting()],
        embedder=sample_engine.embedder, bar=0.8, cache=RenderingCache(),
    )  # fmt: skip
    assert all(c.translation is not None and c.translation.withheld == "a number differs" for c in out.citations)


class Failing:
    """Scripted: a translator that times out."""

    name = "failing"

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        raise LLMUnavailable("apertium ita-spa failed (TimeoutExpired)")


def test_a_failing_translator_withholds_and_the_next_one_renders(sample_engine: Engine):
    answer = sample_engine.ask(QUESTION, render=False)
    kwargs = dict(languages={c.doc_id: "it" for c in answer.citations}, embedder=sample_engine.embedder, bar=0.8)
    alone = render(answer, translators=[Failing()], cache=RenderingCache(), **kwargs)  # type: ignore[arg-type]
    assert all(c.translation and c.translation.withheld and "TimeoutExpired" in c.translation.withheld
               for c in alone.citations)  # fmt: skip
    both = render(answer, translators=[Failing(), Miscounting()], cache=RenderingCache(), **kwargs)  # type: ignore[arg-type]
    # The next translator's own verdict stands once the first one failed.
    assert all(c.translation and c.translation.translator == "miscounting" for c in both.citations)


def test_without_a_translator_the_answer_says_how_to_get_one(sample_engine: Engine):
    answer = sample_engine.ask(QUESTION, render=False)
    out = render(
        answer, languages={c.doc_id: "it" for c in answer.citations}, translators=[],
        embedder=sample_engine.embedder, bar=0.8, cache=RenderingCache(),
    )  # fmt: skip
    assert out.rendering_hint and "make translator" in out.rendering_hint and "Italian" in out.rendering_hint
    assert all(c.translation is None for c in out.citations)


@needs_apertium
@pytest.mark.slow
def test_italian_question_over_an_english_article_is_rendered_in_italian(tmp_path: Path, sample_engine: Engine):
    # A mixed corpus: an English article beside an Italian one, asked in Italian.
    engine = Engine(Settings(persist_dir=tmp_path / "index"), embedder=sample_engine.embedder)
    engine.ingest([mixed_corpus(tmp_path / "articles")])
    question = GRAIN_QUESTION_IT
    answer = engine.ask(question)
    assert not answer.abstained and answer.language == "it", answer
    cited = [c for c in answer.citations if "240,000" in c.quote]
    assert cited and cited[0].language == "en", answer
    r = cited[0].translation
    assert r is not None and r.language == "it" and r.translator == "apertium"
    assert r.shown and "240" in r.text, r
    # The same in the CLI, labelled as a machine translation; an off-corpus Italian question is still refused.
    shown = run("ask", question, index=tmp_path / "index")
    # Italian first: the answer's sentence is the rendering, the English original beneath it, said once.
    assert shown.returncode == 0, shown.stderr
    first, original = shown.stdout.splitlines()[:2]
    assert "tonnellate" in first and first.endswith("[1]"), shown.stdout
    assert original.strip().startswith("EN: “The first convoy carried 240,000 tonnes"), shown.stdout
    assert "(Traduzione automatica (apertium)" in shown.stdout, shown.stdout
    off = engine.ask("Qual è la ricetta della carbonara?")
    assert off.abstained, off


@needs_apertium
@pytest.mark.slow
def test_cli_shows_the_rendering_labelled_and_in_json(sample_engine: Engine):
    index = sample_engine.settings.persist_dir
    text = run("ask", QUESTION, index=index)
    assert text.returncode == 0, text.stderr
    # English first: the rendered sentence with its marker, the Italian original beneath, the note once.
    if "(machine translation withheld:" not in text.stdout:
        lines = text.stdout.splitlines()
        assert lines[1].strip().startswith("IT: “") and lines[1].endswith("[1]"), text.stdout
        assert lines[0] != lines[1] and "[1]" in lines[0], text.stdout
        assert text.stdout.count("Machine translation (apertium)") == 1, text.stdout
    data = json.loads(run("ask", QUESTION, "--json", index=index).stdout)
    assert data["citations"][0]["translation"]["translator"] == "apertium"
    rendering = data["citations"][0]["translation"]
    if rendering["withheld"] is None:  # the API's answer holds both: the rendered text and the verbatim one
        assert rendering["text"] in data["rendered_text"] and data["citations"][0]["quote"] in data["text"]
        assert data["claims"][0]["rendered"] and rendering["text"] in data["claims"][0]["rendered"]
    off = json.loads(run("ask", QUESTION, "--json", index=index, RAG_TRANSLATOR="none").stdout)
    assert off["citations"][0]["translation"] is None


def test_no_translator_named_is_no_translator(sample_engine: Engine):
    engine = Engine(
        replace(sample_engine.settings, translator="none"), embedder=sample_engine.embedder, store=sample_engine.store
    )
    answer = engine.ask(QUESTION)
    assert engine.translators == [] and answer.rendering_hint is None
    assert all(c.translation is None for c in answer.citations)
