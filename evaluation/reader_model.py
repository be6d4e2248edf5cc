"""The answer reader's measuring tools: how many candidates a measurement reads, and int8 dynamic
quantisation (measured against fp32 and not kept, docs/DECISIONS.md).

The reader itself (its input, its scores, its weights files) is in rag/answering/reader.py, where
``RAG_READER`` can point the product at a trained file; it is re-exported here for the trainer.
evaluation/train_reader.py trains it and evaluation/reader_report.py weighs it against the answer model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rag.answering.reader import Pair, Reader, logits, pair_ids, read_weights, sentence_before, write_weights

__all__ = ["SHORTLIST", "Int8Reader", "Pair", "Reader", "int8_linear", "logits", "pair_ids", "read_weights",
           "sentence_before", "write_weights"]  # fmt: skip

# Candidates the reader reads per question when measured: the answer model's best ones (rag/fitted.py); the
# gold sentence is among them for 0.92 of SQuAD-it tune questions (0.925 in all). The product reads fewer
# (rag/answering/reader.READ).
SHORTLIST = 12


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


class Int8Reader(Reader):
    """The reader with every layer's matrices run as int8 (:func:`int8_linear`)."""

    def linear(self, weights: Mapping[str, Any]) -> Any:
        return int8_linear(weights)
