"""Would an English dense signal beside e5-small rank English news better? A probe, not a feature.

    python -m bench.probe_english_dense

Over the RealTime QA index bench/fit_rerank.py caches (CNN articles read from
``../shared`` at evaluation time, outside the repository), every chunk is
embedded with the bundled all-MiniLM-L6-v2 (what the LangChain tutorial
retrieves with) and searched by brute force. Its z-scored list joins the
retriever's two (e5-small sentences, BM25) at weights 0–2: the weight is
chosen on the tune weeks by MRR@5, and R@1 / R@5 / MRR@5 are then reported on
the test weeks at that weight against weight 0 (today's fusion).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from bench.fit import built
from bench.fit_fusion import lists
from evaluation.evaluate import EvalItem, half
from evaluation.realtimeqa import load_realtimeqa, realtimeqa_articles
from rag.fitted import LEXICAL_WEIGHT
from rag.search.lexical import _standardised

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def fused(dense: list, lexical: list, english: list, w: float) -> list[str]:  # type: ignore[type-arg]
    """Chunk ids by z(e5) + 0.8 z(BM25) + w z(MiniLM), each side's floor for a chunk it did not list."""
    sides = [(1.0, _standardised(dense)), (LEXICAL_WEIGHT, _standardised(lexical)), (w, _standardised(english))]
    ids = {i for _, side in sides for i in side}
    floors = [min(side.values(), default=0.0) for _, side in sides]
    score = {i: sum(wt * side.get(i, f) for (wt, side), f in zip(sides, floors, strict=True)) for i in ids}
    return sorted(score, key=lambda i: -score[i])


def metrics(engine, rows: list[tuple[EvalItem, list, list, list]], w: float) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    r1 = r5 = rr = 0.0
    for item, dense, lexical, english in rows:
        top = fused(dense, lexical, english, w)[:5]
        found = engine.store.chunks_by_id(top)
        ranks = [r for r, i in enumerate(top, 1) if i in found and item.hit(found[i].meta["doc_id"], found[i].text)]
        rank = ranks[0] if ranks else 0
        r1 += rank == 1
        r5 += rank > 0
        rr += 1 / rank if rank else 0.0
    n = max(len(rows), 1)
    return round(r1 / n, 3), round(r5 / n, 3), round(rr / n, 3)


def main() -> None:
    from sentence_transformers import SentenceTransformer

    from vectorstore.embeddings import minilm_path

    outside = Path(tempfile.gettempdir()) / "rag-fit-realtimeqa"
    engine = built("realtimeqa", realtimeqa_articles(outside / "articles"), persist=outside / "index")
    chunks = list(engine.store.iter_chunks())
    model = SentenceTransformer(minilm_path(), device="cpu")
    matrix = model.encode([c.text for c in chunks], batch_size=32, normalize_embeddings=True)
    ids = [c.id for c in chunks]
    print(f"{len(chunks)} chunks embedded with all-MiniLM-L6-v2")

    def rows(which: str) -> list[tuple[EvalItem, list, list, list]]:  # type: ignore[type-arg]
        items = [i for i in load_realtimeqa(weeks=half("realtimeqa", which)) if i.answerable and i.ranked]
        out = []
        for item, dense, lexical in lists(engine, items):
            cos = matrix @ model.encode([item.question], normalize_embeddings=True)[0]
            best = np.argsort(-cos)[:40]
            out.append((item, dense, lexical, [(ids[j], float(cos[j])) for j in best]))
        return out

    tune, test = rows("tune"), rows("test")
    by_weight = {w: metrics(engine, tune, w) for w in WEIGHTS}
    for w, (r1, r5, mrr) in by_weight.items():
        print(f"tune ({len(tune)}), MiniLM weight {w}: R@1 {r1}, R@5 {r5}, MRR@5 {mrr}")
    chosen = max(WEIGHTS, key=lambda w: (by_weight[w][2], -w))
    for w in sorted({0.0, chosen}):
        print(f"test ({len(test)}), MiniLM weight {w}: R@1 / R@5 / MRR@5 {metrics(engine, test, w)}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
