"""The answer reader's measuring tools: its weights files, its scores and one training step (evaluation/)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from evaluation.reader_model import Pair, Reader, logits, pair_ids, write_weights
from evaluation.train_reader import fold_of, training_groups

QUESTION = "Quanti droni sono stati abbattuti?"


def record(i: int, doc: str, golds: tuple[int, ...]) -> dict:
    """A candidates record as evaluation/reader_candidates.py writes it."""
    return {
        "suite": "squad", "id": f"q{i}", "doc": doc, "question": f"domanda {i}?",
        "candidates": [
            {"text": f"frase {j}", "title": "", "before": "", "old": -j, "gold": j in golds} for j in range(10)
        ],
    }  # fmt: skip


def test_groups_put_the_gold_sentence_first_against_the_hardest_wrong_ones() -> None:
    groups = training_groups([record(1, "w01", (4,)), record(2, "w05", ())], random.Random(0), negatives=7)
    assert len(groups) == 1, "a question whose candidates miss the answer teaches nothing"
    question, pairs = groups[0]
    assert question == "domanda 1?" and len(pairs) == 8
    assert pairs[0].sentence == "frase 4"
    assert [p.sentence for p in pairs[1:4]] == ["frase 0", "frase 1", "frase 2"]  # today's best wrong ones
    docs = ["w01", "w05"]
    assert {fold_of(record(1, "w01", ()), docs), fold_of(record(2, "w05", ()), docs)} == {0, 1}


@pytest.mark.slow
def test_scores_do_not_depend_on_the_thread_count_and_one_step_learns(tmp_path: Path) -> None:
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    path = tmp_path / "head.npz"
    write_weights(path, {"head.w": rng.normal(scale=0.05, size=384), "head.b": np.zeros(())}, {"fold": "test"})
    pairs = [Pair(f"Frase {i} sul vertice di Parigi e sulle garanzie di sicurezza.", "Vertice", "") for i in range(5)]
    one = Reader(path=path, threads=1, bf16=False).score(QUESTION, pairs)
    two = Reader(path=path, threads=2, bf16=False).score(QUESTION, pairs)
    np.testing.assert_allclose(one, two, atol=1e-4)

    reader = Reader(path=path, threads=1, bf16=False)
    weights = dict(reader._load())
    trained = {k: torch.nn.Parameter(v.clone()) for k, v in weights.items() if k.startswith(("l11.", "head."))}
    weights.update(trained)
    group = [Pair("Nella notte sono stati intercettati 129 droni."), Pair("Il vertice si è tenuto a Parigi.")]
    rows = [pair_ids(reader.e5, QUESTION, p) for p in group]
    optimiser = torch.optim.AdamW(list(trained.values()), lr=1e-3)
    losses = []
    for _ in range(3):
        loss = F.cross_entropy(logits(reader.e5, weights, rows)[None], torch.zeros(1, dtype=torch.long))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
