"""Weights and thresholds fitted on the tune halves only, loaded from rag/fitted.json.

The fit scripts write that file themselves (``python -m bench.fit.answer --write``,
``bench.fit.fusion``, ``bench.fit.rerank``, ``bench.bench_renderings``, ``evaluation.reader_ask --fit``): each value
says which script fitted it and why it is what it is, so no number is copied by
hand. docs/BENCHMARKS.md reports the test halves they were not fitted on.

Tune halves: SQuAD-it articles and golden questions listed as "tune" in
evaluation/data/splits.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE = Path(__file__).with_name("fitted.json")
_FITTED: dict[str, dict[str, Any]] = json.loads(FILE.read_text(encoding="utf-8"))


def _number(name: str) -> float:
    return float(_FITTED[name]["value"])


def _numbers(name: str) -> tuple[float, ...]:
    return tuple(float(x) for x in _FITTED[name]["value"])


def _pair(name: str) -> tuple[float, float]:
    first, second = _numbers(name)
    return first, second


# BM25's weight against dense scores after z-scoring both, same-language and cross-language questions.
LEXICAL_WEIGHT = _number("LEXICAL_WEIGHT")
CROSS_LEXICAL_WEIGHT = _number("CROSS_LEXICAL_WEIGHT")
# The dense z-score a keyword-only chunk gets: intercept + slope * its BM25 z-score.
STAND_IN = _pair("STAND_IN")
CROSS_STAND_IN = _pair("CROSS_STAND_IN")
# Logistic model of "this sentence holds the answer", over rag/answering/features.FEATURES.
ANSWER_WEIGHTS = _numbers("ANSWER_WEIGHTS")
ANSWER_BIAS = _number("ANSWER_BIAS")
ANSWER_MARGIN = _number("ANSWER_MARGIN")
# The name and spelling bars of rag/search/vocabulary.py.
NAME_STANDOUT = _number("NAME_STANDOUT")
SPELLING = _number("SPELLING")
# Log-odds that a question is answerable at all.
ANSWERABLE_WEIGHTS = _numbers("ANSWERABLE_WEIGHTS")
ANSWERABLE_BIAS = _number("ANSWERABLE_BIAS")
# The second-stage reranker's weights (rag/answering/rerank.py); empty: off.
RERANK_WEIGHTS = _numbers("RERANK_WEIGHTS")
# The answer reader's combination with the answer model (rag/answering/reader.py): weights of (the answer
# model's score, the reader's, each minus the question's best), then the bias.
READER_COMBINATION = _numbers("READER_COMBINATION")
# The least cross-lingual E5 cosine between a cited sentence and its rendering for the rendering to show.
RENDERING_BAR = _number("RENDERING_BAR")


def why(name: str) -> str:
    """How a value was fitted and what it measured, as its fit script recorded it."""
    entry = _FITTED[name]
    return f"{entry['why']} (fitted by {entry['fitted_by']})"
