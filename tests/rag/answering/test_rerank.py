"""The second-stage reranker (rag/answering/rerank.py): its features, and the order it gives."""

from __future__ import annotations

import numpy as np

from rag.answering.rerank import DEPTH, FEATURES, passage_features, rerank
from rag.api import Engine


def test_features_are_relative_to_the_best_candidate_and_weights_decide_the_order(sample_engine: Engine):
    question = "Quanti punti aveva il piano di pace?"
    vector = sample_engine.retriever.embed_question(question)
    passages = sample_engine.retriever.search(question, k=DEPTH, vector=vector)
    x = passage_features(question, vector, passages, answerer=sample_engine.answerer, language="it")
    assert x.shape == (len(passages), len(FEATURES))
    relative = [FEATURES.index(f) for f in ("fused", "best_cosine", "passage_cosine", "best_answer")]
    assert np.allclose(x[:, relative].max(axis=0), 0.0)  # the best of the list is the zero point
    assert x[:, FEATURES.index("type_evidence")].max() == 1.0  # a number question, and "28 punti" is there
    # No weights: the fusion order stands. Weights: their order, each passage scored by its logit.
    assert rerank(question, vector, passages, answerer=sample_engine.answerer, language="it", weights=()) == passages
    backwards = [0.0] * len(FEATURES)
    backwards[FEATURES.index("inverse_rank")] = -1.0
    ranked = rerank(question, vector, passages, answerer=sample_engine.answerer, language="it", weights=backwards)
    assert [p.chunk_id for p in ranked] == [p.chunk_id for p in reversed(passages)]
    assert ranked[0].score == round(-1.0 / len(passages), 4)
