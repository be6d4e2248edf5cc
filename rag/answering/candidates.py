"""A sentence of a retrieved passage scored as an answer, and the answer model's own choice among them.

Apart from rag/answering/extractive.py, which ranks them, so the composers for each kind of question
(rag/answering/composers.py) can read and choose them too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag import fitted
from rag.answering.features import stems
from rag.types import Passage

MAX_SENTENCES = 3


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    passage: Passage
    start: int
    end: int
    text: str
    similarity: float
    score: float
    vector: np.ndarray
    features: tuple[float, ...] = ()  # its row of rag/answering/features.FEATURES


def select(candidates: list[Candidate]) -> list[Candidate]:
    """The best sentence plus close runners-up that say something new."""
    best = candidates[0]
    chosen = [best]
    for c in candidates[1 : MAX_SENTENCES * 3]:
        if len(chosen) == MAX_SENTENCES or c.score < best.score - fitted.ANSWER_MARGIN:
            break
        words = stems(c.text, c.passage.language)
        # Redundant when most of its words are in the answer already (vector
        # cosines cannot say this across embedders: E5 puts most pairs > 0.8).
        if len(words - set().union(*(stems(o.text, o.passage.language) for o in chosen))) > 0.3 * len(words):
            chosen.append(c)
    return chosen
