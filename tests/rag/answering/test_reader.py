"""The trained answer reader: its shipped weights, its scores, and the answers it chooses on the sample."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag import fitted
from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.reader import SHORTLIST, WEIGHTS, Pair, Reader, read_weights, write_weights
from rag.api import Engine

pytestmark = pytest.mark.slow

DRONES = "Quanti droni sono stati abbattuti?"


def test_the_weights_ship_small_and_say_what_they_are() -> None:
    assert WEIGHTS.is_file(), "the trained reader's weights are part of the package"
    assert WEIGHTS.stat().st_size <= 25e6
    tensors, meta = read_weights(WEIGHTS)
    assert {"head.w", "head.b", "l11.fo.w"} <= set(tensors)
    assert "CC BY-SA" in meta["data"] and meta["fold"] == "all"
    assert fitted.READER_WEIGHTS, "the combination with the answer model is fitted"


def test_the_reader_prefers_the_sentence_that_answers() -> None:
    reader = Reader()
    scores = reader.score(
        DRONES,
        [
            Pair("A Kiev sono caduti frammenti di un drone abbattuto, senza vittime.", "Attacco su Kiev"),
            Pair("Nella notte le difese aeree hanno intercettato 129 droni russi.", "Attacco su Kiev"),
        ],
    )
    assert scores.shape == (2,) and scores[1] > scores[0]


def test_scores_do_not_depend_on_the_thread_count() -> None:
    pairs = [Pair(f"Frase numero {i} sul vertice di Parigi e sulle garanzie di sicurezza.") for i in range(6)]
    one = Reader(threads=1).score("Chi ha partecipato al vertice?", pairs)
    two = Reader(threads=2).score("Chi ha partecipato al vertice?", pairs)
    np.testing.assert_allclose(one, two, atol=1e-4)


def test_rescore_reads_the_shortlist_and_keeps_the_rest_below() -> None:
    reader = Reader()
    n = SHORTLIST + 3
    prior = np.linspace(2.0, -3.0, n)
    pairs = [Pair(f"Il vertice numero {i} si è tenuto a Parigi.") for i in range(n)]
    out = reader.rescore("Dove si è tenuto il vertice?", prior, pairs, weights=fitted.READER_WEIGHTS)
    assert out[SHORTLIST:].max() < out[:SHORTLIST].min()
    assert list(np.argsort(-out[SHORTLIST:])) == list(range(3)), "the rest keep the answer model's order"


def test_weights_round_trip_without_pickle(tmp_path: Path) -> None:
    path = tmp_path / "r.npz"
    write_weights(path, {"head.w": np.ones(3), "head.b": np.zeros(())}, {"fold": "x"})
    tensors, meta = read_weights(path)
    assert meta == {"fold": "x"} and tensors["head.w"].dtype == np.float32 and tensors["head.w"].sum() == 3


def test_the_sample_questions_the_answer_model_got_wrong(sample_engine: Engine) -> None:
    answer = sample_engine.ask(DRONES)
    assert answer.chooser == "e5-reader"
    assert "129" in answer.citations[0].quote, answer.text
    paris = sample_engine.ask("Who attended the Paris summit?")
    assert any("27" in c.quote and "Meloni" in c.quote for c in paris.citations), paris.text


def test_without_the_reader_the_answer_model_answers_alone(sample_engine: Engine, tmp_path: Path) -> None:
    off = Engine(replace(sample_engine.settings, reader=False), embedder=sample_engine.embedder)
    answer = off.ask(DRONES)
    assert answer.chooser == "answer-model" and not answer.abstained
    absent = Reader(path=tmp_path / "absent.npz")
    answerer = ExtractiveAnswerer(store=off.store, embedder=off.embedder, threshold=0.0, reader=absent)
    assert answerer.reader is None and answerer.chooser == "answer-model"
