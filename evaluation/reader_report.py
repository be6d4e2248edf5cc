"""The reader's go/no-go table: top-1 sentence right, 2-fold on the tune halves.

    python -m evaluation.reader_report                       # the main runs (fold-0, fold-1)
    python -m evaluation.reader_report --compare=-rendered  # reader alone on fold 0: main against a variant
    python -m evaluation.reader_report --read 12            # the reader reading 12 candidates, not the product's 4

Reads the candidates (evaluation/reader_candidates.py) and the held-out scores each fold's reader
wrote (evaluation/train_reader.py: the reader trained on one fold scores the other). Three
choosers of the answer sentence, on the same candidates:

- today's answer model (rag/fitted.ANSWER_WEIGHTS) over all candidates;
- the reader alone, over today's model's shortlist;
- the two combined: a logistic model over (today's score, the reader's, each relative to the best of
  the question), fitted on one fold's held-out scores and measured on the other fold.

- "gated": the combination only for a question in another language than its articles (English over
  Italian: rag/answering/reader.READ_PAIRS), today's model elsewhere, as the product does;
- "distilled": the reader's score predicted from the answer model's own feature row (a ridge
  regression fitted on the other fold), in the same combination: what the reader would add at no
  cost per question if the answer model's features could carry it.

Prints the table, the combination's weights fitted on both folds, top-1 for smaller shortlists and
a refusal bar on the reader. RealTime QA is scored by the fold-0 reader, with the combination fitted
on both tune folds.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from bench.fit.answer import logistic
from evaluation.reader_candidates import OUTSIDE, load
from evaluation.train_reader import RUNS, fold_of
from rag.answering.reader import READ, READ_PAIRS, combination_rows

# The language of each suite's articles: the gate reads only questions asked across languages.
ARTICLES = {"golden": "it", "squad": "it", "realtimeqa": "en"}
SUITES = {
    "golden": lambda r: r["suite"] == "golden",
    "SQuAD-it IT": lambda r: r["suite"] == "squad" and r["lang"] == "it",
    "English over Italian": lambda r: r["suite"] == "squad" and r["lang"] == "en",
    "… the slice written here": lambda r: r["suite"] == "squad" and r["id"].endswith("-en"),
    "… XQuAD's": lambda r: r["suite"] == "squad" and r["id"].endswith("-xq"),
    "RealTime QA": lambda r: r["suite"] == "realtimeqa",
}


def cut_one(scored: dict, read: int) -> dict:
    """A question's reader scores as if it had read only today's best ``read`` candidates."""
    return {**scored, "idx": scored["idx"][:read], "scores": scored["scores"][:read]}


def cut(scored: dict[str, dict], read: int) -> dict[str, dict]:
    """Each question's scores as if the reader had read only today's best ``read`` candidates."""
    return {k: cut_one(s, read) for k, s in scored.items()}


def scores_of(path: Path) -> dict[str, dict]:
    """The held-out scores a fold's reader wrote (evaluation/train_reader.score_fold), by question id."""
    if not path.exists():
        return {}
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r}


def features(record: dict, scored: dict) -> tuple[list[int], np.ndarray]:
    """The shortlist's indices and its rows: today's score, the reader's, each minus the question's best."""
    old = np.array([record["candidates"][i]["old"] for i in scored["idx"]])
    return scored["idx"], combination_rows(old, np.array(scored["scores"]))


def combined(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return x @ w + b


def fit(rows: list[tuple[dict, dict]]) -> tuple[np.ndarray, float]:
    xs, ys = [], []
    for record, scored in rows:
        idx, x = features(record, scored)
        xs.append(x)
        ys.append([record["candidates"][i]["gold"] for i in idx])
    return logistic(np.vstack(xs), np.concatenate(ys).astype(float))


def interval(p: float, n: int) -> str:
    """A 95% Wilson interval."""
    if not n:
        return "—"
    z = 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"[{centre - half:.3f}, {centre + half:.3f}]"


def held_out(name: str = "") -> dict[str, dict]:
    """Both folds' held-out scores of a run (``name``: its variant suffix), by question id."""
    return {**scores_of(RUNS / f"fold-0{name}" / "scores.jsonl"), **scores_of(RUNS / f"fold-1{name}" / "scores.jsonl")}


def ridge(rows: list[tuple[dict, dict]], l2: float = 1.0) -> np.ndarray:
    """Weights (bias last) predicting the reader's score from the answer model's feature row."""
    xs = np.vstack([[r["candidates"][i]["x"] + [1.0] for i in s["idx"]] for r, s in rows])
    ys = np.concatenate([s["scores"] for _, s in rows])
    return np.linalg.solve(xs.T @ xs + l2 * np.eye(xs.shape[1]), xs.T @ ys)


def distilled(record: dict, scored: dict, v: np.ndarray) -> dict:
    """``scored`` with the reader's scores replaced by their prediction from the feature rows."""
    x = np.array([record["candidates"][i]["x"] + [1.0] for i in scored["idx"]])
    return {"idx": scored["idx"], "scores": (x @ v).tolist()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", default="", help="the runs' variant suffix")
    ap.add_argument("--compare", help="a variant trained on fold 0 only: reader alone, main against it")
    ap.add_argument("--read", type=int, default=READ, help="candidates the reader reads (the product: %(default)s)")
    args = ap.parse_args()
    records = load("squad") + load("golden")
    docs = sorted({r["doc"] for r in records if r["suite"] == "squad"})
    held = cut(held_out(args.name), args.read)
    if args.compare:
        compare(records, docs, held, cut(held_out(args.compare), args.read), args.compare)
        return
    rows = [(r, held[r["id"]]) for r in records if r["id"] in held]
    by_fold = {k: [(r, s) for r, s in rows if fold_of(r, docs) == k] for k in (0, 1)}
    # Each fold's combination is fitted on the other fold's held-out scores.
    fitted_on = {k: fit(by_fold[1 - k]) for k in (0, 1) if by_fold[1 - k]}
    ridge_on = {k: ridge(by_fold[1 - k]) for k in (0, 1) if by_fold[1 - k]}
    distil_on = {
        k: fit([(r, distilled(r, s, ridge_on[k])) for r, s in by_fold[1 - k]]) for k in (0, 1) if by_fold[1 - k]
    }
    both = fit(rows)
    rtqa_records = load("realtimeqa") if (OUTSIDE / "reader-candidates.jsonl").exists() else []
    rtqa_scores = cut(scores_of(OUTSIDE / f"reader-scores-0{args.name}.jsonl"), args.read)

    print("| suite | questions | today's model | reader alone | combined | gated | distilled | gold in shortlist |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, wanted in SUITES.items():
        pool = rtqa_records if name == "RealTime QA" else records
        picked = [r for r in pool if wanted(r)]
        scored_map = rtqa_scores if name == "RealTime QA" else held
        today, alone, mixed, gated, distil, reach = [], [], [], [], [], []
        for r in picked:
            # A question whose candidates miss the answer counts against every chooser, as in the 0.676 baseline.
            gold = [c["gold"] for c in r["candidates"]]
            today.append(gold[int(np.argmax([c["old"] for c in r["candidates"]]))])
            s = scored_map.get(r["id"])
            if s is None:
                continue
            idx, x = features(r, s)
            reach.append(any(gold[i] for i in idx))
            alone.append(gold[idx[int(np.argmax(x[:, 1]))]])
            k = 0 if name == "RealTime QA" else fold_of(r, docs)
            w, b = both if name == "RealTime QA" else fitted_on[k]
            mixed.append(gold[idx[int(np.argmax(combined(x, w, b)))]])
            gated.append(mixed[-1] if (r["lang"], ARTICLES[r["suite"]]) in READ_PAIRS else today[-1])
            _, xd = features(r, distilled(r, s, ridge_on[k]))
            wd, bd = distil_on[k]
            distil.append(gold[idx[int(np.argmax(combined(xd, wd, bd)))]])

        def cell(v: list[bool]) -> str:
            return f"{np.mean(v):.3f} {interval(float(np.mean(v)), len(v))}" if v else "—"

        cells = " | ".join(cell(v) for v in (today, alone, mixed, gated, distil, reach))
        print(f"| {name} | {len(today)} | {cells} |")
    w, b = both
    print("combined weights (old, reader, old - best, reader - best), bias:", np.round(w, 3).tolist(), round(b, 3))
    if args.read >= 12:  # shorter lists are cut from the twelve read
        shortlists(rows, fitted_on, docs)
    refusal_bar(rows, both, args.name)


def compare(records: list[dict], docs: list[str], main: dict, variant: dict, name: str) -> None:
    """Reader-alone top-1 on fold 0's held-out questions, the main run against ``name``."""
    print(f"| fold 0 held out | questions | main: reader alone | {name}: reader alone |")
    print("|---|---:|---:|---:|")
    for suite, wanted in SUITES.items():
        picked = [r for r in records if wanted(r) and fold_of(r, docs) == 0 and r["id"] in main and r["id"] in variant]
        if not picked:
            continue

        def top1(scored: dict, r: dict) -> bool:
            s = scored[r["id"]]
            return bool(r["candidates"][s["idx"][int(np.argmax(s["scores"]))]]["gold"])

        a = [top1(main, r) for r in picked]
        v = [top1(variant, r) for r in picked]
        print(f"| {suite} | {len(picked)} | {np.mean(a):.3f} | {np.mean(v):.3f} |")


def shortlists(rows: list[tuple[dict, dict]], fitted_on: dict, docs: list[str]) -> None:
    """Combined top-1 on SQuAD-it IT when the reader reads only today's best ``k`` (its cost per question)."""
    for k in (4, 6, 8, 12):
        right = []
        for r, s in rows:
            if r["suite"] == "squad" and r["lang"] == "it":
                idx, x = features(r, cut_one(s, k))
                w, b = fitted_on[fold_of(r, docs)]
                right.append(r["candidates"][idx[int(np.argmax(combined(x, w, b)))]]["gold"])
        print(f"shortlist {k}: SQuAD-it IT combined top-1 {np.mean(right):.3f} ({len(right)} questions)")


def refusal_bar(rows: list[tuple[dict, dict]], weights: tuple[np.ndarray, float], name: str = "") -> None:
    """The reader's refusal bar: the 2nd percentile of answerable tune questions' best combined log-odds
    (held-out scores) in the language where it is lowest; and what it refuses of the unanswerable ones."""
    w, b = weights

    def best(record: dict, scored: dict) -> float:
        return float(combined(features(record, scored)[1], w, b).max())

    by_lang: dict[str, list[float]] = {}
    for r, s in rows:
        by_lang.setdefault(r["lang"], []).append(best(r, s))
    bar = min(float(np.quantile(v, 0.02)) for v in by_lang.values())
    print(f"refusal bar (best combined log-odds) {bar:.3f}")
    for lang, v in sorted(by_lang.items()):
        print(f"  answerable tune {lang}: {len(v)} questions, {np.mean(np.array(v) < bar):.3f} under the bar")
    negatives = scores_of(RUNS / f"fold-0{name}" / "negatives.jsonl")
    if negatives:
        records = {r["id"]: r for r in load("negatives")}
        under = [best(records[k], s) < bar for k, s in negatives.items() if k in records]
        print(f"  unanswerable tune: {len(under)} questions, {np.mean(under):.3f} under the bar")


if __name__ == "__main__":
    main()
