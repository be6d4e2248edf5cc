"""The reader in the product, on the tune halves: ``ask`` with it and without it, answer right.

    python -m evaluation.reader_ask            # golden and SQuAD-it English tune questions (ours and XQuAD's)
    python -m evaluation.reader_ask --read 6   # the reader reading the answer model's best 6, not the product's

evaluation/reader_report.py weighs the reader on the candidates the answer model sees for the question
alone; the product also searches and ranks with the question's Apertium rendering, then composes an
answer. This asks each English tune question through the whole ``ask``, twice: with the reader
(``RAG_READER`` on) and without, and scores both as ``python -m rag eval`` does (evaluation/evaluate.py).
Each question is read by the reader trained on the other fold (evaluation/train_reader.py: fold-0's
reader was trained on fold 1 and scores fold 0), never by the shipped weights, which trained on it.
Italian questions over the Italian articles are not asked: the reader does not read for them
(rag/answering/reader.READ_PAIRS).
"""

from __future__ import annotations

import argparse

import rag.answering.reader as reader_module
from bench.fit.answer import built
from evaluation.evaluate import EvalItem, evaluate_engine, half, load_golden
from evaluation.reader_candidates import load
from evaluation.squad import load_squad, squad_articles
from evaluation.train_reader import RUNS, fold_of
from rag.answering.reader import Reader
from rag.api import Engine
from rag.ingestion.load import find_files


def folds(items: list[EvalItem], suite: str) -> dict[int, list[EvalItem]]:
    """The items of each fold, as evaluation/train_reader.py split them (SQuAD-it by article, golden by number)."""
    docs = sorted({r["doc"] for r in load("squad")})
    out: dict[int, list[EvalItem]] = {0: [], 1: []}
    for item in items:
        out[fold_of({"suite": suite, "doc": item.doc_id, "id": item.id}, docs)].append(item)
    return out


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
    ap.add_argument("--read", type=int, default=reader_module.READ, help="sentences read (default: the product's)")
    args = ap.parse_args()
    reader_module.READ = args.read
    readers = {k: Reader(path=RUNS / f"fold-{k}{args.name}" / "reader.npz") for k in (0, 1)}
    golden_tune = half("golden", "tune")
    golden = [
        i for i in load_golden() if i.lang == "en" and i.answerable and (golden_tune is None or i.id in golden_tune)
    ]
    squad = [i for i in load_squad(docs=half("squad-it", "tune"), english=True, xquad=True) if i.lang == "en"]
    suites = {
        "golden English (tune)": (
            built("sample", [p for p, bad in find_files(["data/articles"]) if not bad]),
            golden,
            "golden",
        ),
        "SQuAD-it English (tune: ours and XQuAD's)": (built("squad", squad_articles()), squad, "squad"),
    }
    print("| suite | questions | read | right without | right with | false refusals without / with |")
    print("|---|---:|---:|---:|---:|---|")
    for name, (engine, items, suite) in suites.items():
        totals = [0.0, 0.0, 0.0, 0.0, 0]
        for k, fold in folds(items, suite).items():
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
