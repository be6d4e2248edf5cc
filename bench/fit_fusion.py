"""Choose the fusion of dense and BM25 scores on the tune halves.

    python -m bench.fit_fusion

For every tune question (SQuAD-it tune articles; golden tune questions by
language) it takes the two candidate lists the retriever fuses and scores
z-score blending at several BM25 weights against reciprocal rank fusion, by
MRR over the top 5. Uses the indexes bench/fit.py caches.
"""

from __future__ import annotations

import numpy as np

from bench.fit import built
from evaluation.evaluate import EvalItem, half, load_golden
from evaluation.squad import load_squad, squad_articles
from rag.ingestion.load import find_files
from rag.search.lexical import fuse
from rag.search.retrieval import CANDIDATES

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5)


def rrf(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], weight: float) -> list[tuple[str, float]]:
    """Reciprocal rank fusion (k=60) with ``weight`` on the BM25 side."""
    scores: dict[str, float] = {}
    for w, hits in ((1.0, dense), (weight, lexical)):
        for rank, (i, _) in enumerate(hits, 1):
            scores[i] = scores.get(i, 0.0) + w / (60 + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def lists(engine, items: list[EvalItem]) -> list[tuple[EvalItem, list, list]]:  # type: ignore[no-untyped-def]
    """The dense and BM25 candidate lists the retriever would fuse, per question."""
    lexical_index = engine.retriever._lexical_index()
    out = []
    for item in items:
        vector = engine.retriever.embed_question(item.question)
        dense = engine.retriever.dense(vector, k=CANDIDATES, filters=None)
        out.append((item, dense, lexical_index.search(item.question, CANDIDATES)))
    return out


def mrr(engine, candidates: list, method, weight: float) -> float:  # type: ignore[no-untyped-def]
    """MRR@5 of ``method(dense, lexical, weight)`` over the questions' candidate lists."""
    total = 0.0
    for item, dense, lexical in candidates:
        top = [i for i, _ in method(dense, lexical, weight)[:5]]
        found = engine.store.chunks_by_id(top)
        hits = (r for r, i in enumerate(top, 1) if i in found and item.hit(found[i].meta["doc_id"], found[i].text))
        rank = next(hits, 0)
        total += 1 / rank if rank else 0.0
    return total / len(candidates)


def main() -> None:
    tune = half("golden", "tune")
    golden = [i for i in load_golden() if i.id in tune and i.answerable]
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    wiki = built("squad", squad_articles())
    sets = {
        "squad-it tune (it)": (wiki, load_squad(docs=half("squad-it", "tune"))),
        "golden tune (it)": (sample, [i for i in golden if i.lang == "it"]),
        "golden tune (en)": (sample, [i for i in golden if i.lang == "en"]),
    }
    for name, (engine, items) in sets.items():
        candidates = lists(engine, items)
        z = {w: round(mrr(engine, candidates, fuse, w), 3) for w in WEIGHTS}
        r = {w: round(mrr(engine, candidates, rrf, w), 3) for w in (0.5, 1.0)}
        print(f"{name}, {len(items)} questions: z-score {z}; rrf {r}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
