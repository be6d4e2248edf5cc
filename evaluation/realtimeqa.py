"""The RealTime QA suite: CNN's weekly news-quiz questions with the CNN stories they were drawn from.

Evaluation only. The texts are CNN's copyright, so nothing of them is in this
repository: they are read from ``../shared/eval/realtimeqa-dev`` (beside the
checkout) at evaluation time, written as ``<article_id>.txt`` into a private
temporary folder, and the suite is skipped with a message when the folder is
absent. Scored as its README says: answers and passages are matched after
folding case, white space and quotation marks (:func:`evaluation.evaluate.normalise`);
a passage hits when it comes from a gold article and holds ``answer_text``;
R@k and MRR count only the questions whose answer a gold article states
verbatim (``EvalItem.ranked``); "right" needs the answer text and a citation
of a gold article. Halves are by quiz week (evaluation/data/splits.json).
"""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.evaluate import EvalItem, normalise

# Beside the checkout, as the team's machines and CI lay it out.
REALTIMEQA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realtimeqa-dev"


class SuiteMissing(Exception):
    """The suite's data folder is not on this machine."""


def _rows(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        raise SuiteMissing(
            f"{folder} has no {name}: the RealTime QA suite is evaluation-only data kept outside the repo"
        )
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def week(question_id: str) -> str:
    """The quiz week of a question id (``20220624_3`` -> ``20220624``)."""
    return question_id.split("_", 1)[0]


def load_realtimeqa(folder: Path = REALTIMEQA, *, weeks: set[str] | None = None) -> list[EvalItem]:
    """The quiz questions (optionally of ``weeks`` only) as evaluation items; the choices are not shown."""
    texts = {row["article_id"]: normalise(row["text"]) for row in _rows(folder, "articles.jsonl")}
    items = []
    for row in _rows(folder, "questions.jsonl"):
        if weeks is not None and week(row["question_id"]) not in weeks:
            continue
        answers = tuple(row["answer_text"])
        gold = tuple(row["gold_article_ids"])
        verbatim = any(normalise(a) in texts.get(d, "") for a in answers for d in gold)
        items.append(
            EvalItem(
                id=row["question_id"], lang="en", question=row["question"], doc_id=gold[0], also=gold[1:],
                contexts=tuple(normalise(a) for a in answers), answers=answers, ranked=verbatim,
                asked_on=row["question_date"].replace("/", "-"),
            )
        )  # fmt: skip
    return items


def realtimeqa_articles(into: Path, folder: Path = REALTIMEQA) -> list[Path]:
    """Write every article as ``<article_id>.txt`` (its text, nothing added) under ``into``; return the files."""
    into.mkdir(parents=True, exist_ok=True)
    paths = []
    for row in _rows(folder, "articles.jsonl"):
        path = into / f"{row['article_id']}.txt"
        path.write_text(row["text"], encoding="utf-8")
        paths.append(path)
    return sorted(paths)
