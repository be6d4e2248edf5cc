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
from typing import Any

import numpy as np

from rag.answer import select
from rag.api import Engine
from rag.evaluate import EvalItem, half, load_golden, normalise
from rag.features import FEATURES
from rag.load import find_files
from rag.question import content_words, entities
from rag.settings import Settings
from rag.squad import load_squad, squad_articles
from rag.vocabulary import name_phrases, verdict

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
        names = [vocabulary.match(n) for n in name_phrases(item.question, entities(item.question))]
        out.append(
            {
                "item": item,
                "rows": rows,
                "x": x,
                "y": np.array([label(item, r.passage.doc_id, r.text) for r in rows], dtype=float),
                "names": names,
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


# Candidate values of rag/fitted.NAME_STANDOUT (0: the name check as before it existed).
STANDOUTS = (0.0, 0.05, 0.1, 0.15, 0.2)


def fit_answerability(rows: list[tuple[dict, Any]], *, standout: float) -> dict[str, Any]:
    """The answerability model and its bar for one name rule, with what they do on the tune rows.

    Questions the name rule refuses count as refused but are left out of the
    model's fit; the bias is shifted to the 2nd percentile of the answerable
    tune questions' log-odds in the language where that is lowest.
    """
    positive = np.array([d["item"].answerable and not d.get("negative") for d, _ in rows])
    named = np.array([verdict(d["names"], standout=standout)[0] for d, _ in rows])
    kept = [(d, b) for (d, b), n in zip(rows, named, strict=True) if not n]
    f = np.array(
        [
            [b.score, b.similarity, b.features[2], verdict(d["names"], standout=standout)[1], d["unknown"], d["cross"]]
            for d, b in kept
        ]
    )
    y = positive[~named].astype(float)
    share = y.mean()
    aw, ab = logistic(f, y, l2=1.0, weights=np.where(y == 1, 0.5 / share, 0.5 / (1 - share)))
    logits = f @ aw + ab
    lang = np.array([d["item"].lang for d, _ in kept])
    shift = min(np.quantile(logits[(y == 1) & (lang == la)], 0.02) for la in sorted(set(lang)) if any(lang == la))
    refused = np.ones(len(rows), dtype=bool)
    refused[~named] = logits - shift < 0
    langs = np.array([d["item"].lang for d, _ in rows])
    false = {la: float(refused[positive & (langs == la)].mean()) for la in sorted(set(langs))}
    rate = float(refused[~positive].mean())
    return {
        "weights": aw,
        "bias": ab - float(shift),
        "refused": rate,
        "false": false,
        "negatives": int((~positive).sum()),
        "j": rate - float(refused[positive].mean()),
    }


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
    fits = {t: fit_answerability(rows, standout=t) for t in STANDOUTS}
    for t, f in fits.items():
        print(
            f"name standout {t}: refused negatives {f['refused']:.3f}, false abstention "
            + ", ".join(f"{lang} {v:.3f}" for lang, v in f["false"].items())
            + f", J {f['j']:.3f}"
        )
    # The mildest rule within one standard error of the best J: a stricter
    # name rule must earn its refusals of translated names nobody tuned on.
    best = max(fits.values(), key=lambda f: f["j"])
    se = float(np.sqrt(best["refused"] * (1 - best["refused"]) / best["negatives"]))
    standout = min(t for t, f in fits.items() if f["j"] >= best["j"] - se)
    aw, ab = fits[standout]["weights"], fits[standout]["bias"]
    print(f"chosen name standout {standout} (best J {best['j']:.3f}, one standard error {se:.3f})")
    print(
        json.dumps(
            {
                "ANSWER_WEIGHTS": [round(float(w), 3) for w in weights],
                "ANSWER_BIAS": round(bias, 3),
                "ANSWER_MARGIN": margin,
                "NAME_STANDOUT": standout,
                "ANSWERABLE_WEIGHTS": [round(float(w), 3) for w in aw],
                "ANSWERABLE_BIAS": round(ab, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
