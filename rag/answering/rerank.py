"""Second-stage reranking: the top passages of the fusion looked at together.

Fusion scores each passage on its own (its best sentence's cosine, its BM25).
This stage takes the top :data:`DEPTH` and scores each against the others on
features that transfer across corpora and languages: its fused score, its best
sentence's cosine and its whole-passage cosine with the question, the answer
model's best sentence in it (rag/answering/extractive.py), whether it holds the
kind of phrase the question asks for, whether it is an article's lead, and
whether other outlets reprint it. Each feature but the flags is taken relative
to the best of the list, so the model compares candidates rather than scoring
absolute levels. Weights are fitted on the tune halves (bench/fit/rerank.py,
rag/fitted.py); with no weights fitted the fusion order is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from rag.answering.answer_types import asks_for, has_kind
from rag.types import Passage

if TYPE_CHECKING:
    from rag.answering.extractive import ExtractiveAnswerer

# How many fused passages the reranker reads.
DEPTH = 20
FEATURES = (
    "fused", "best_cosine", "passage_cosine", "best_answer", "inverse_rank", "type_evidence", "lead", "reprinted",
)  # fmt: skip


def passage_features(
    question: str, vector: np.ndarray, passages: Sequence[Passage], *, answerer: ExtractiveAnswerer, language: str
) -> np.ndarray:
    """One row of :data:`FEATURES` per passage (in the given, fused, order)."""
    if not passages:
        return np.zeros((0, len(FEATURES)))
    candidates = answerer.rank(question, vector=vector, passages=list(passages), language=language)
    by_sentence = {(c.passage.doc_id, c.start): c for c in candidates}
    kind = asks_for(question)
    rows = []
    for rank, p in enumerate(passages, 1):
        found = [by_sentence[(p.doc_id, a)] for a, _, _ in p.sentence_texts() if (p.doc_id, a) in by_sentence]
        sims = [c.similarity for c in found] or [0.0]
        scores = [c.score for c in found] or [-20.0]
        mean = np.mean([c.vector for c in found], axis=0) if found else np.zeros_like(vector)
        norm = float(np.linalg.norm(mean)) or 1.0
        rows.append(
            [
                p.score,
                max(sims),
                float(mean @ vector) / norm,
                max(scores),
                1.0 / rank,
                float(bool(kind and any(has_kind(c.text, kind) for c in found))),
                float(p.start == 0),
                float(bool(p.duplicates)),
            ]
        )
    x = np.asarray(rows, dtype=np.float64)
    for j in range(4):  # relative to the best candidate of this list
        x[:, j] -= x[:, j].max()
    return x


def rerank(
    question: str,
    vector: np.ndarray,
    passages: Sequence[Passage],
    *,
    answerer: ExtractiveAnswerer,
    language: str,
    weights: Sequence[float],
) -> list[Passage]:
    """``passages`` best first by the fitted reranker, each scored by its logit; the order kept without weights."""
    if not weights or len(passages) < 2:
        return list(passages)
    x = passage_features(question, vector, passages, answerer=answerer, language=language)
    scores = x @ np.asarray(weights, dtype=np.float64)
    order = sorted(range(len(passages)), key=lambda i: (-scores[i], i))
    return [replace(passages[i], score=round(float(scores[i]), 4)) for i in order]
