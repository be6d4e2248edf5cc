"""Passage vectors that cost nothing to compute, for benchmarks where only their number matters.

Memory, disk and search time at ~100k chunks depend on how many vectors the
index holds, not on what they mean; computing real ones takes an hour of both
cores. :class:`PooledE5` gives each passage a real e5-small vector of one of the
sample articles' sentences (chosen by the text's hash) plus a small perturbation
seeded by the same hash, so vectors are distinct, deterministic and shaped like
real ones (normalised, clustered on the sample's topics). Questions are
embedded by the real model, and the index records ``e5-small``, so the CLI and
the app open it with the real embedder as users would.
"""

from __future__ import annotations

import hashlib

import numpy as np

from bench.corpus import pool
from vectorstore.embedders.factory import E5Small

NOISE = 0.3  # length of the perturbation: a pooled vector stays at cosine ~0.96 of its base


class PooledE5:
    """e5-small for questions; pooled, perturbed real vectors for passages."""

    name = "e5-small"

    def __init__(self, real: E5Small | None = None) -> None:
        self.real = real or E5Small()
        self._pool: np.ndarray | None = None

    @property
    def dimension(self) -> int:
        return self.real.dimension

    def _vectors(self) -> np.ndarray:
        if self._pool is None:
            self._pool = self.real.embed(pool())
        return self._pool

    def embed(self, texts: list[str]) -> np.ndarray:
        base = self._vectors()
        out = np.empty((len(texts), base.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            rng = np.random.default_rng(seed)
            out[row] = base[seed % len(base)] + rng.normal(0.0, NOISE / np.sqrt(base.shape[1]), base.shape[1])
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_query(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_query(texts)
