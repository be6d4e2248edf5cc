"""The answer reader: its switch, its shipped weights, where it reads and how it reorders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.answering.candidates import Candidate
from rag.answering.reader import READ, Pair, Reader, read_weights, reads, write_weights
from rag.api import Engine
from rag.errors import ConfigError
from rag.settings import Settings
from rag.types import Passage


@pytest.fixture(scope="module")
def no_opinion(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A weights file whose head scores every sentence alike: e5-small's own layers, a zero head."""
    path = tmp_path_factory.mktemp("reader") / "reader.npz"
    write_weights(path, {"head.w": np.zeros(384), "head.b": np.zeros(())}, {"run": "test", "data": "none"})
    return path


def test_rag_reader_points_at_weights_and_a_bad_path_says_how_to_fix_it(tmp_path: Path, no_opinion: Path) -> None:
    assert Settings.from_env({}).reader is None, "no weights ship: off unless pointed at a file"
    assert Settings.from_env({"RAG_READER": str(no_opinion)}).reader == no_opinion
    with pytest.raises(ConfigError) as bad:
        Settings.from_env({"RAG_READER": str(tmp_path / "absent.npz")})
    assert str(bad.value) == (
        f"RAG_READER='{tmp_path / 'absent.npz'}' is not a file; point it at the reader.npz that "
        "evaluation/train_reader.py writes, or unset it."
    )
    assert Engine(Settings(persist_dir=tmp_path / "a")).answerer.reader is None
    reader = Engine(Settings(persist_dir=tmp_path / "b", reader=no_opinion)).answerer.reader
    assert isinstance(reader, Reader) and reader.path == no_opinion


def test_weights_round_trip_without_pickle(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(8, 16)).astype(np.float32)
    write_weights(tmp_path / "a.npz", {"m": matrix, "b": np.ones(3)}, {"fold": "x"})
    write_weights(tmp_path / "b.npz", {"m": matrix, "b": np.ones(3)}, {"fold": "x"}, int8=True)
    for name, tolerance in (("a.npz", 2e-3), ("b.npz", 2e-2)):
        tensors, meta = read_weights(tmp_path / name)
        assert meta == {"fold": "x"} and tensors["m"].dtype == np.float32
        np.testing.assert_allclose(tensors["m"], matrix, atol=tolerance * np.abs(matrix).max())
        assert tensors["b"].tolist() == [1.0, 1.0, 1.0]


def test_weights_removed_after_start_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"point RAG_READER at the reader\.npz"):
        Reader(path=tmp_path / "absent.npz").score("Chi?", [Pair("Una frase.")])


@pytest.mark.slow
def test_it_loads_only_for_an_english_question_over_italian_articles(sample_engine: Engine, no_opinion: Path) -> None:
    # Fresh engines on the shared sample index, so the reader starts unloaded.
    engine = Engine(sample_engine.settings.with_(reader=no_opinion), embedder=sample_engine.embedder)
    reader = engine.answerer.reader
    assert reader is not None
    engine.ask("Cosa ha promesso Meloni?")
    engine.ask("Riassumi le notizie")
    assert reader.calls == 0 and reader._weights is None, "an Italian question over Italian articles never loads it"

    question = "How many drones were shot down?"
    answer = engine.ask(question)
    assert reader.calls == 1 and reader._weights is not None
    # A reader with no opinion (every sentence scored alike) leaves the answer model's order, so the answer.
    without = Engine(sample_engine.settings, embedder=sample_engine.embedder).ask(question)
    assert answer.citations and [c.quote for c in answer.citations] == [c.quote for c in without.citations]
    assert answer.text == without.text


def candidate(n: int, score: float, language: str = "it") -> Candidate:
    passage = Passage(
        doc_id="a", chunk_id=f"c{n}", text=f"Frase numero {n}.", title="Titolo", date=None, source="a.txt",
        start=100 * n, end=100 * n + 16, score=1.0, language=language,
    )  # fmt: skip
    return Candidate(passage, 100 * n, 100 * n + 16, f"Frase numero {n}.", 0.5, score, np.zeros(3))


class Scripted(Reader):
    """The reader with its model's scores given (an exact-output case: how they are combined)."""

    def __init__(self, scores: list[float]) -> None:
        super().__init__(path=Path("unused.npz"))
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
