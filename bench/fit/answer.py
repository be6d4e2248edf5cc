"""Fit the answer model, its margin and the abstention bar on the tune halves only.

    python -m bench.fit.answer [--write]   # prints the values; --write puts them in rag/fitted.json

Builds (and caches in bench/.cache/fit-*) E5 indexes of the sample articles
and of SQuAD-it, retrieves for every tune question with the current fusion,
labels each candidate sentence (does it state the gold answer?), fits a
logistic regression by Newton's method, then picks the runner-up margin, the
name standout bar, the spelling bar (on the tune questions and the same
questions with one typing error) and the abstention model on the same tune
questions. The fusion weights were chosen on the same halves by
bench/fit/fusion.py.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import CACHE
from bench.fit import write
from evaluation.evaluate import EvalItem, half, load_golden, normalise
from evaluation.realtimeqa import load_realtimeqa, realtimeqa_articles
from evaluation.squad import load_squad, squad_articles
from rag.answering.candidates import select
from rag.answering.features import FEATURES
from rag.api import Engine
from rag.ingestion.load import find_files
from rag.search.vocabulary import NameMatch, name_phrases, verdict
from rag.settings import Settings
from rag.text.question import content_words, entities, language, words


def built(name: str, articles: list[Path], *, persist: Path | None = None) -> Engine:
    """An E5 engine over ``articles``, ingested once and cached (in ``persist`` if given)."""
    engine = Engine(Settings(persist_dir=persist or CACHE / f"fit-{name}"))
    engine.ingest(articles)
    return engine


def label(item: EvalItem, doc_id: str, text: str) -> bool:
    """Whether a sentence states the item's gold answer."""
    if item.facts:
        return doc_id == item.doc_id and any(f in text for f in item.facts)
    return (
        item.gold(doc_id)
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
        # Tune corpora are single-language, so the best sentence's pair is cross exactly when the corpus is.
        cross = not engine.retriever.same_language(item.question)
        rows, _, x = engine.answerer.featurise(
            item.question, vector=vector, passages=passages, language=language(item.question)
        )
        phrases = name_phrases(item.question, entities(item.question))
        names = [(vocabulary.match(n), min(vocabulary.spelling(p) for p in n.split())) for n in phrases]
        spellings = [vocabulary.spelling(w) for w in content_words(item.question)]
        out.append(
            {
                "item": item,
                "rows": rows,
                "x": x,
                "y": np.array([label(item, r.passage.doc_id, r.text) for r in rows], dtype=float),
                "names": names,
                "cross": float(cross),
                "spellings": [] if cross else spellings,
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
# Candidate values of rag/fitted.SPELLING (1.0: no word is forgiven its spelling).
SPELLINGS = (1.0, 0.9, 0.85, 0.8, 0.75, 0.7)


def names_at(d: dict, near: float) -> list[NameMatch]:
    """The question's name matches when spellings within ``near`` count as found (Vocabulary.match)."""
    return [m if near >= 1.0 or spelt < near else NameMatch(1.0) for m, spelt in d["names"]]


def unknown_at(d: dict, near: float) -> float:
    """The share of the question's words the corpus does not spell within ``near`` (Vocabulary.unknown_share)."""
    return sum(v < near for v in d["spellings"]) / len(d["spellings"]) if d["spellings"] else 0.0


def misspelt(items: list[EvalItem], *, seed: int = 0) -> list[EvalItem]:
    """The items with one letter of one name (or long word) deleted, inserted, replaced or swapped.

    Typing errors for the spelling bar to forgive; the first letter is kept,
    as people rarely get it wrong. Questions without such a word are left out.
    """
    rng = random.Random(seed)
    out = []
    for item in items:
        targets = [w for w in entities(item.question) if len(w) >= 5] or [
            w for w in words(item.question) if len(w) >= 7
        ]
        if not targets:
            continue
        w = rng.choice(targets)
        i = rng.randrange(1, len(w) - 1)
        letter = rng.choice("aeioulnrstcdm")
        dropped, added, replaced = w[:i] + w[i + 1 :], w[:i] + letter + w[i:], w[:i] + letter + w[i + 1 :]
        typo = rng.choice((dropped, added, replaced, w[:i] + w[i + 1] + w[i] + w[i + 2 :]))
        if typo != w:
            out.append(replace(item, question=item.question.replace(w, typo, 1)))
    return out


def fit_answerability(rows: list[tuple[dict, Any]], *, standout: float, near: float = 1.0) -> dict[str, Any]:
    """The answerability model and its bar for one name rule, with what they do on the tune rows.

    Questions the name rule refuses count as refused but are left out of the
    model's fit; the bias is shifted to the 2nd percentile of the answerable
    tune questions' log-odds in the language where that is lowest. Misspelt
    questions (``typo``) are measured, not fitted on: they must not teach the
    model to let unknown words pass.
    """
    positive = np.array([d["item"].answerable and not d.get("negative") for d, _ in rows])
    typo = np.array([bool(d.get("typo")) for d, _ in rows])
    verdicts = [verdict(names_at(d, near), standout=standout) for d, _ in rows]
    named = np.array([unknown for unknown, _ in verdicts])
    f = np.array(
        [[b.score, b.similarity, b.features[2], doubtful, unknown_at(d, near), d["cross"]]
         for (d, b), (_, doubtful) in zip(rows, verdicts, strict=True)]
    )  # fmt: skip
    fit = ~named & ~typo
    y = positive[fit].astype(float)
    share = y.mean()
    aw, ab = logistic(f[fit], y, l2=1.0, weights=np.where(y == 1, 0.5 / share, 0.5 / (1 - share)))
    logits = f @ aw + ab
    langs = np.array([d["item"].lang for d, _ in rows])
    shift = min(
        np.quantile(logits[fit & positive & (langs == la)], 0.02)
        for la in sorted(set(langs))
        if any(fit & positive & (langs == la))
    )
    refused = named | (logits - shift < 0)
    false = {la: float(refused[positive & ~typo & (langs == la)].mean()) for la in sorted(set(langs))}
    rate = float(refused[~positive].mean())
    return {
        "weights": aw,
        "bias": ab - float(shift),
        "refused": rate,
        "false": false,
        "typos": float(refused[typo].mean()) if typo.any() else float("nan"),
        "negatives": int((~positive).sum()),
        "j": rate - float(refused[positive].mean()),
    }


def mildest(fits: dict[float, dict[str, Any]], *, order: list[float]) -> float:
    """The first value in ``order`` (mildest first) whose J is within one standard error of the best."""
    best = max(fits.values(), key=lambda f: f["j"])
    se = float(np.sqrt(best["refused"] * (1 - best["refused"]) / best["negatives"]))
    print(f"best J {best['j']:.3f}, one standard error {se:.3f}")
    return next(t for t in order if fits[t]["j"] >= best["j"] - se)


def report(name: str, fits: dict[float, dict[str, Any]]) -> None:
    """One line per candidate value: refused negatives, false abstention, typos refused, J."""
    for t, f in fits.items():
        print(
            f"{name} {t}: refused negatives {f['refused']:.3f}, false abstention "
            + ", ".join(f"{lang} {v:.3f}" for lang, v in f["false"].items())
            + f", misspelt refused {f['typos']:.3f}, J {f['j']:.3f}"
        )


def main() -> None:
    golden_tune = half("golden", "tune")
    golden = [i for i in load_golden() if golden_tune is None or i.id in golden_tune]
    squad = load_squad(docs=half("squad-it", "tune"), english=True)  # with the English slice
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    wiki = built("squad", squad_articles())
    # English news: RealTime QA's tune weeks, read from ../shared and indexed
    # outside the repository (CNN's texts are evaluation-only).
    rtqa = load_realtimeqa(weeks=half("realtimeqa", "tune"))
    outside = Path(tempfile.gettempdir()) / "rag-fit-realtimeqa"
    news = built("realtimeqa", realtimeqa_articles(outside / "articles"), persist=outside / "index")
    data = collect(sample, golden) + collect(wiki, squad) + collect(news, rtqa)
    answerable = [d for d in data if d["item"].answerable and len(d["rows"])]
    x = np.vstack([d["x"] for d in answerable])
    y = np.concatenate([d["y"] for d in answerable])
    weights, bias = logistic(x, y)
    print(f"{len(answerable)} answerable tune questions, {len(y)} sentences, {int(y.sum())} positive")
    print(dict(zip(FEATURES, np.round(weights, 3), strict=True)), round(bias, 3))

    def scored(d: dict) -> list:
        from rag.answering.extractive import Candidate

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
    # RealTime QA's questions asked of the Italian corpora, and theirs of the
    # English news, are negatives too; so are the golden tune set's written
    # off-corpus questions (t01-t30) asked of the English news.
    crossed = collect(sample, squad[::3], negative=True) + collect(wiki, golden, negative=True)
    crossed += collect(sample, rtqa, negative=True) + collect(wiki, rtqa, negative=True)
    crossed += collect(news, golden, negative=True) + collect(news, squad[::6], negative=True)
    rows = [(d, cands[0]) for d, cands in ranked] + [(d, scored(d)[0]) for d in crossed if len(d["rows"])]
    fits = {t: fit_answerability(rows, standout=t) for t in STANDOUTS}
    report("name standout", fits)
    # The mildest rule within one standard error of the best J: a stricter
    # name rule must earn its refusals of translated names nobody tuned on.
    standout = mildest(fits, order=sorted(STANDOUTS))
    print(f"chosen name standout {standout}")
    # The spelling bar, with the same positives misspelt once more as positives:
    # forgiving typos must not cost the refusals of off-corpus questions.
    typos = [dict(d, typo=True) for d in collect(sample, misspelt([i for i in golden if i.answerable]))]
    typos += [dict(d, typo=True) for d in collect(wiki, misspelt(squad))]
    spelt = rows + [(d, scored(d)[0]) for d in typos if len(d["rows"])]
    print(f"{len(typos)} misspelt tune questions")
    fits = {t: fit_answerability(spelt, standout=standout, near=t) for t in SPELLINGS}
    report("spelling", fits)
    near = mildest(fits, order=sorted(SPELLINGS, reverse=True))
    aw, ab = fits[near]["weights"], fits[near]["bias"]
    print(f"chosen spelling {near}")
    values = {
        "ANSWER_WEIGHTS": [round(float(w), 3) for w in weights],
        "ANSWER_BIAS": round(bias, 3),
        "ANSWER_MARGIN": margin,
        "NAME_STANDOUT": standout,
        "SPELLING": near,
        "ANSWERABLE_WEIGHTS": [round(float(w), 3) for w in aw],
        "ANSWERABLE_BIAS": round(ab, 3),
    }
    print(json.dumps(values))
    if "--write" in sys.argv:
        write(values, by="bench/fit/answer.py")


if __name__ == "__main__":
    main()
