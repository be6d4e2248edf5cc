"""The reader in the product, on the tune halves: ``ask`` with it and without it, answer right.

    python -m evaluation.reader_ask            # golden and SQuAD-it English tune questions (ours and XQuAD's)
    python -m evaluation.reader_ask --read 6   # the reader reading the answer model's best 6, not the product's
    python -m evaluation.reader_ask --half test   # once, at the end: fold-all's weights on the test halves
    python -m evaluation.reader_ask --fit      # the combination refitted on the product's own candidates

evaluation/reader_report.py weighs the reader on the candidates the answer model sees for the question
alone; the product also searches and ranks with the question's Apertium rendering, then composes an
answer. This asks each English tune question through the whole ``ask``, twice: with the reader
(``RAG_READER`` on) and without, and scores both as ``python -m rag eval`` does (evaluation/evaluate.py).
On the tune halves each question is read by the reader trained on the other fold
(evaluation/train_reader.py: fold-0's reader was trained on fold 1 and scores fold 0), never by the
weights trained on every fold (fold-all), which trained on it; on the test halves, by those.

``--fit``: the product ranks an English question's sentences with its Apertium rendering too, so its
candidates are not those evaluation/reader_report.py fitted the combination on. This asks each tune
question once more, records the answer model's best 12 sentences (scores and labels) and the fold
reader's scores of them where the reader would read, prints top-1 sentence right for each number of
sentences read (the combination fitted on the other fold), and with ``--write`` writes the combination
fitted on both folds' rows to rag/fitted.json.
Italian questions over the Italian articles are not asked: the reader does not read for them
(rag/answering/reader.READ_PAIRS).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import rag.answering.reader as reader_module
from bench.fit import write
from bench.fit.answer import built, label
from evaluation.evaluate import EvalItem, evaluate_engine, half, load_golden
from evaluation.reader_candidates import load
from evaluation.reader_report import combined, cut_one, features, fit
from evaluation.squad import load_squad, squad_articles
from evaluation.train_reader import RUNS, fold_of
from rag.answering.candidates import Candidate
from rag.answering.reader import Reader, pair_of
from rag.api import Engine
from rag.ingestion.load import find_files


def folds(items: list[EvalItem], suite: str) -> dict[int, list[EvalItem]]:
    """The items of each fold, as evaluation/train_reader.py split them (SQuAD-it by article, golden by number)."""
    docs = sorted({r["doc"] for r in load("squad")})
    out: dict[int, list[EvalItem]] = {0: [], 1: []}
    for item in items:
        out[fold_of({"suite": suite, "doc": item.doc_id, "id": item.id}, docs)].append(item)
    return out


class Recording(Reader):
    """A fold's reader that reorders nothing: it records what it would read, as evaluation/reader_report.py reads it."""

    def __init__(self, path: Path, rows: list[tuple[dict, dict]]) -> None:
        super().__init__(path=path)
        self.rows = rows
        self.item: EvalItem | None = None

    def reorder(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        assert self.item is not None
        top = candidates[:12]
        new = self.score(question, [pair_of(c) for c in top])
        record = {"candidates": [{"old": c.score, "gold": label(self.item, c.passage.doc_id, c.text)} for c in top]}
        self.rows.append((record, {"idx": list(range(len(top))), "scores": new.tolist()}))
        return candidates


def fit_on_product(engines: dict[str, tuple[Engine, list[EvalItem], str]], *, save: bool) -> None:
    """Record the product's candidates with each fold's reader, then top-1 by sentences read and the fit."""
    rows: dict[int, list[tuple[dict, dict]]] = {0: [], 1: []}
    # One reader per fold, its weights loaded once for every suite.
    readers = {k: Recording(RUNS / f"fold-{k}" / "reader.npz", rows[k]) for k in (0, 1)}
    for engine, items, suite in engines.values():
        for k, fold in folds(items, suite).items():
            reader = readers[k]
            engine.answerer.reader = reader
            for item in fold:
                reader.item = item
                engine.ask(item.question)
    print("| read | questions | today's model | combined (fitted on the other fold) | gold among those read |")
    print("|---:|---:|---:|---:|---:|")
    for read in (3, 4, 5, 6, 8, 12):
        today, mixed, reach = [], [], []
        for k in (0, 1):
            w, b = fit([(r, cut_one(s, read)) for r, s in rows[1 - k]])
            for r, s in rows[k]:
                gold = [c["gold"] for c in r["candidates"]]
                today.append(gold[0])  # the answer model's order
                idx, x = features(r, cut_one(s, read))
                mixed.append(gold[idx[int(np.argmax(combined(x, w, b)))]])
                reach.append(any(gold[:read]))
        print(f"| {read} | {len(today)} | {np.mean(today):.3f} | {np.mean(mixed):.3f} | {np.mean(reach):.3f} |")
    both = fit([(r, cut_one(s, reader_module.READ)) for k in (0, 1) for r, s in rows[k]])
    print("combination on the product's candidates, both folds:", np.round(both[0], 3).tolist(), round(both[1], 3))
    if save:
        w, b = both
        write({"READER_COMBINATION": [*np.round(w, 4).tolist(), round(b, 4)]}, by="evaluation/reader_ask.py")


def right_and_refused(engine: Engine, items: list[EvalItem], reader: Reader | None) -> tuple[float, float, int]:
    """Answer right and false refusals over ``items`` (all answerable), and how many the reader read."""
    engine.answerer.reader = reader
    before = reader.calls if reader else 0
    result = evaluate_engine(engine, items)
    return (
        result.answer_right * len(items),
        result.false_abstention * len(items),
        (reader.calls if reader else 0) - before,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", default="", help="the fold runs' variant suffix")
    ap.add_argument("--half", choices=["tune", "test"], default="tune")
    ap.add_argument("--fit", action="store_true", help="refit the combination on the product's candidates")
    ap.add_argument("--write", action="store_true", help="with --fit: write it to rag/fitted.json")
    ap.add_argument("--read", type=int, default=reader_module.READ, help="sentences read (default: the product's)")
    args = ap.parse_args()
    reader_module.READ = args.read
    if args.half == "tune":
        readers = {k: Reader(path=RUNS / f"fold-{k}{args.name}" / "reader.npz") for k in (0, 1)}
    else:
        readers = dict.fromkeys((0, 1), Reader(path=RUNS / "fold-all" / "reader.npz"))
    chosen = half("golden", args.half)
    golden = [i for i in load_golden() if i.lang == "en" and i.answerable and (chosen is None or i.id in chosen)]
    squad = [i for i in load_squad(docs=half("squad-it", args.half), english=True, xquad=True) if i.lang == "en"]
    suites = {
        f"golden English ({args.half})": (
            built("sample", [p for p, bad in find_files(["data/articles"]) if not bad]),
            golden,
            "golden",
        ),
        f"SQuAD-it English ({args.half}: ours and XQuAD's)": (built("squad", squad_articles()), squad, "squad"),
    }
    if args.fit:
        fit_on_product(suites, save=args.write)
        return
    print("| suite | questions | read | right without | right with | false refusals without / with |")
    print("|---|---:|---:|---:|---:|---|")
    for name, (engine, items, suite) in suites.items():
        totals = [0.0, 0.0, 0.0, 0.0, 0]
        split = folds(items, suite) if args.half == "tune" else {0: items}  # the test halves: one reader
        for k, fold in split.items():
            if not fold:  # golden's tune questions are all odd-numbered: one fold
                continue
            right_off, refused_off, _ = right_and_refused(engine, fold, None)
            right_on, refused_on, read = right_and_refused(engine, fold, readers[k])
            for i, v in enumerate((right_off, right_on, refused_off, refused_on, read)):
                totals[i] += v
        n = len(items)
        print(
            f"| {name} | {n} | {totals[4]} | {totals[0] / n:.3f} | {totals[1] / n:.3f} | "
            f"{totals[2] / n:.3f} / {totals[3] / n:.3f} |"
        )


if __name__ == "__main__":
    main()
