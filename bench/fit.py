"""Fit the answer model, its margin and the abstention bar on the tune halves only.

    python -m bench.fit            # prints the values to copy into rag/fitted.py

Builds (and caches in bench/.cache/fit-*) E5 indexes of the sample articles
and of SQuAD-it, retrieves for every tune question with the current fusion,
labels each candidate sentence (does it state the gold answer?), fits a
logistic regression by Newton's method, then picks the runner-up margin and
the abstention bar on the same tune questions. The fusion weights were chosen
on the same halves by bench/fit_fusion.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rag.answer import select
from rag.api import Engine
from rag.evaluate import EvalItem, half, load_golden, normalise
from rag.features import FEATURES
from rag.load import find_files
from rag.question import content_words, entities
from rag.settings import Settings
from rag.squad import load_squad, squad_articles
from rag.vocabulary import KNOWN, UNKNOWN, name_phrases

CACHE = Path(__file__).parent / ".cache"


def built(name: str, articles: list[Path]) -> Engine:
    """An E5 engine over ``articles``, ingested once and cached."""
    engine = Engine(Settings(persist_dir=CACHE / f"fit-{name}"))
    engine.ingest(articles)
    return engine


def label(item: EvalItem, doc_id: str, text: str) -> bool:
    """Whether a sentence states the item's gold answer."""
    if item.facts:
        return doc_id == item.doc_id and any(f in text for f in item.facts)
    return (
        doc_id == item.doc_id
        and any(a and normalise(a) in normalise(text) for a in item.answers)
        and (item.holds(text) or len(item.answers[0]) > 25)
    )


def collect(engine: Engine, items: list[EvalItem], *, negative: bool = False) -> list[dict]:
    """Candidate sentences of each question, with features and labels (``negative``: asked of the wrong corpus)."""
    out = []
    vocabulary = engine.vocabulary()
    for item in items:
        vector = engine.retriever.embed_question(item.question)
        passages = engine.retriever.search(item.question, k=5, vector=vector)
        cross = not engine.retriever.same_language(item.question)
        rows, _, x = engine.answerer.featurise(item.question, vector=vector, passages=passages, cross_language=cross)
        closeness = [vocabulary.closeness(n) for n in name_phrases(item.question, entities(item.question))]
        out.append(
            {
                "item": item,
                "rows": rows,
                "x": x,
                "y": np.array([label(item, r.passage.doc_id, r.text) for r in rows], dtype=float),
                "unknown_name": any(c < UNKNOWN for c in closeness),
                "doubtful": sum(c < KNOWN for c in closeness),
                "cross": float(cross),
                "unknown": 0.0 if cross else vocabulary.unknown_share(content_words(item.question)),
                "vector": vector,
                "negative": negative,
            }
        )
    return out


def logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised, optionally sample-weighted logistic regression (Newton's method)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    sw = np.ones(len(y)) if weights is None else weights
    w = np.zeros(xb.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (sw * (p - y)) + l2 * np.r_[w[:-1], 0]
        hess = xb.T @ (xb * (sw * p * (1 - p))[:, None]) + l2 * np.diag(np.r_[np.ones(len(w) - 1), 0])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def main() -> None:
    golden_tune = half("golden", "tune")
    golden = [i for i in load_golden() if i.id in golden_tune]
    squad = load_squad(docs=half("squad-it", "tune"))
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    wiki = built("squad", squad_articles())
    data = collect(sample, golden) + collect(wiki, squad)
    answerable = [d for d in data if d["item"].answerable and len(d["rows"])]
    x = np.vstack([d["x"] for d in answerable])
    y = np.concatenate([d["y"] for d in answerable])
    weights, bias = logistic(x, y)
    print(f"{len(answerable)} answerable tune questions, {len(y)} sentences, {int(y.sum())} positive")
    print(dict(zip(FEATURES, np.round(weights, 3), strict=True)), round(bias, 3))

    def scored(d: dict) -> list:
        from rag.answer import Candidate

        s = d["x"] @ weights + bias
        cands = [
            Candidate(r.passage, r.start, r.end, r.text, float(r.vector @ d["vector"]), float(v), r.vector, tuple(x))
            for r, v, x in zip(d["rows"], s, d["x"].tolist(), strict=True)
        ]
        return sorted(cands, key=lambda c: -c.score)

    ranked = [(d, scored(d)) for d in data if len(d["rows"])]
    import rag.fitted as fitted

    rights = {}
    for margin in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0):
        fitted.ANSWER_MARGIN = margin
        right, n_sent = [], []
        for d, cands in ranked:
            if d["item"].answerable:
                chosen = select(cands)
                right.append(any(label(d["item"], c.passage.doc_id, c.text) for c in chosen))
                n_sent.append(len(chosen))
        # Each extra sentence must earn its length: 0.05 of "right" per sentence.
        rights[margin] = float(np.mean(right)) - 0.05 * float(np.mean(n_sent))
        print(f"margin {margin}: right {np.mean(right):.3f}, sentences {np.mean(n_sent):.2f}")
    margin = max(rights, key=lambda m: rights[m])

    # Answerability: tune questions of their own corpus are positives; the same
    # questions asked of the other corpus, plus the golden unanswerable ones,
    # are negatives (thousands of realistic off-corpus questions).
    crossed = collect(sample, squad[::3], negative=True) + collect(wiki, golden, negative=True)
    rows = [(d, cands[0]) for d, cands in ranked] + [(d, scored(d)[0]) for d in crossed if len(d["rows"])]
    rows = [(d, best) for d, best in rows if not d["unknown_name"]]  # refused by the name check anyway
    f = np.array([[b.score, b.similarity, b.features[2], d["doubtful"], d["unknown"], d["cross"]] for d, b in rows])
    y = np.array([d["item"].answerable and not d.get("negative") for d, _ in rows], dtype=float)
    share = y.mean()
    aw, ab = logistic(f, y, l2=1.0, weights=np.where(y == 1, 0.5 / share, 0.5 / (1 - share)))
    logits = f @ aw + ab
    langs = sorted({d["item"].lang for d, _ in rows})
    pos_lang = {lang: logits[(y == 1) & np.array([d["item"].lang == lang for d, _ in rows])] for lang in langs}
    # Shift the bias to the 2nd percentile of answerable tune log-odds in the lowest language.
    shift = min(np.quantile(v, 0.02) for v in pos_lang.values() if len(v))
    ab -= float(shift)
    logits -= shift
    names = ("score", "cosine", "overlap", "doubtful", "unknown", "cross")
    print(f"answerability {dict(zip(names, np.round(aw, 3), strict=True))}")
    print(
        f"tune: refused negatives {np.mean(logits[y == 0] < 0):.3f}, false abstention "
        + ", ".join(f"{lang} {np.mean(v - shift < 0):.3f}" for lang, v in pos_lang.items())
    )  # v is pre-shift
    print(
        json.dumps(
            {
                "ANSWER_WEIGHTS": [round(float(w), 3) for w in weights],
                "ANSWER_BIAS": round(bias, 3),
                "ANSWER_MARGIN": margin,
                "ANSWERABLE_WEIGHTS": [round(float(w), 3) for w in aw],
                "ANSWERABLE_BIAS": round(ab, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
