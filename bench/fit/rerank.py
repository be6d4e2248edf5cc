"""Fit the second-stage reranker (rag/answering/rerank.py) on the tune halves only.

    python -m bench.fit.rerank        # prints RERANK_WEIGHTS for rag/fitted.py

For every tune question of the golden set, SQuAD-it and RealTime QA (its CNN
texts read from ../shared and indexed outside the repository), retrieves the
top DEPTH passages with the current fusion, computes the reranker's features
and labels each passage (does it hold the gold answer?). A logistic model over
the features, each question weighted equally, is fitted on the questions with
at least one hit; R@1, R@5 and MRR on the tune questions are printed for the
fusion order and for the reranked order, per suite.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench.fit import write
from bench.fit.answer import built, logistic
from evaluation.evaluate import EvalItem, half, load_golden
from evaluation.realtimeqa import load_realtimeqa, realtimeqa_articles
from evaluation.squad import load_squad, squad_articles
from rag.answering.rerank import DEPTH, FEATURES, passage_features
from rag.api import Engine
from rag.ingestion.load import find_files
from rag.text.question import language


def collect(engine: Engine, items: list[EvalItem]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if not item.answerable or not item.ranked:
            continue
        vector = engine.retriever.embed_question(item.question)
        passages = engine.retriever.search(item.question, k=DEPTH, vector=vector)
        x = passage_features(
            item.question, vector, passages, answerer=engine.answerer, language=language(item.question)
        )
        y = np.array([item.hit(p.doc_id, p.text) for p in passages], dtype=float)
        out.append({"x": x, "y": y})
    return out


def ranks(rows: list[dict[str, Any]], weights: np.ndarray | None) -> dict[str, float]:
    r1 = r5 = mrr = 0.0
    for row in rows:
        order = np.argsort(-(row["x"] @ weights), kind="stable") if weights is not None else np.arange(len(row["y"]))
        hits = [i for i, j in enumerate(order, 1) if row["y"][j]]
        first = hits[0] if hits and hits[0] <= 5 else None
        r1 += first == 1
        r5 += first is not None
        mrr += 1 / first if first else 0.0
    n = max(1, len(rows))
    return {"R@1": round(r1 / n, 3), "R@5": round(r5 / n, 3), "MRR": round(mrr / n, 3)}


def main() -> None:
    golden_tune = half("golden", "tune")
    golden = [i for i in load_golden() if golden_tune is None or i.id in golden_tune]
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    wiki = built("squad", squad_articles())
    outside = Path(tempfile.gettempdir()) / "rag-fit-realtimeqa"
    news = built("realtimeqa", realtimeqa_articles(outside / "articles"), persist=outside / "index")
    suites = {
        "golden": collect(sample, golden),
        "squad-it": collect(wiki, load_squad(docs=half("squad-it", "tune"), english=True)),
        "realtimeqa": collect(news, load_realtimeqa(weeks=half("realtimeqa", "tune"))),
    }
    rows = [r for suite in suites.values() for r in suite if r["y"].any()]
    x = np.vstack([r["x"] for r in rows])
    y = np.concatenate([r["y"] for r in rows])
    # Each question counts once, whatever its list length or number of hits;
    # suites are weighted equally so SQuAD-it's 1,700 questions do not drown the news.
    per_suite = {name: sum(1 for r in suite if r["y"].any()) for name, suite in suites.items()}
    sw = np.concatenate(
        [
            np.full(len(r["y"]), 1.0 / len(r["y"]) / per_suite[name])
            for name, suite in suites.items()
            for r in suite
            if r["y"].any()
        ]
    )
    weights, bias = logistic(x, y, l2=1.0, weights=sw * len(rows))
    print(dict(zip(FEATURES, np.round(weights, 3), strict=True)), "bias (unused in ranking)", round(bias, 3))
    for name, suite in suites.items():
        print(f"{name}: fusion {ranks(suite, None)}  reranked {ranks(suite, weights)}  ({len(suite)} questions)")
    values = {"RERANK_WEIGHTS": [round(float(w), 3) for w in weights]}
    print(json.dumps(values))
    if "--write" in sys.argv:
        write(values, by="bench/fit/rerank.py")


if __name__ == "__main__":
    main()
