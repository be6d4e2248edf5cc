"""The answer reader's training and scoring data: every tune question's candidate sentences, as the
product's own retriever finds them, labelled.

    python -m evaluation.reader_candidates      # writes bench/.cache/reader/*.jsonl (RealTime QA's outside the repo)
    python -m evaluation.reader_candidates --only rendered   # Apertium's English of the Italian tune questions
    python -m evaluation.reader_candidates --only selqa      # SelQA's English questions (training only)

For each tune question (golden, SQuAD-it with its English slice, RealTime QA) the engine retrieves
its top five passages, exactly as ``ask`` does; each distinct sentence of them is a candidate, with
the passage title and the sentence before it (the reader's context), today's feature row and score
(rag/answering/features.py, rag/fitted.py), and whether it states the gold answer
(bench/fit/answer.label). The wrong sentences are the reader's hard negatives: what the retriever itself
puts next to the answer. RealTime QA's rows hold CNN text, so they are written outside the
repository (evaluation only: they never train shipped weights).

Two more sets only train: ``rendered``, each Italian SQuAD-it tune question rendered into English by
the product's Apertium translator, with the Italian question's candidates (ids suffixed ``-ap``); and
``selqa`` (../shared/train/selqa, Apache-2.0, Emory University), each English question against the
sentences of its Wikipedia section, which are same-topic negatives (no retrieval, no feature rows).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from bench.fit.answer import CACHE, built, collect, label
from evaluation.evaluate import EvalItem, half, load_golden
from evaluation.reader_model import sentence_before
from evaluation.realtimeqa import load_realtimeqa, realtimeqa_articles
from evaluation.squad import load_squad, squad_articles
from rag import fitted
from rag.ingestion.load import find_files

OUT = CACHE / "reader"
OUTSIDE = Path(tempfile.gettempdir()) / "rag-fit-realtimeqa"
SELQA = Path(__file__).resolve().parents[2] / "shared" / "train" / "selqa" / "selqa-ass.jsonl"


def rows(data: list[dict], *, suite: str, negative: bool = False) -> list[dict]:
    """One JSON-able record per question with its candidates (``negative``: questions the corpus cannot answer)."""
    out = []
    for d in data:
        item: EvalItem = d["item"]
        if not len(d["rows"]) or (d["negative"] or not item.answerable) != negative:
            continue
        scores = d["x"] @ np.asarray(fitted.ANSWER_WEIGHTS) + fitted.ANSWER_BIAS
        out.append(
            {
                "suite": suite,
                "id": item.id,
                "negative": negative,
                "lang": item.lang,
                "doc": item.doc_id,
                "question": item.question,
                "candidates": [
                    {
                        "text": r.text,
                        "title": r.passage.title or "",
                        "before": sentence_before(r.passage, r.start),
                        "doc": r.passage.doc_id,
                        "passage": r.passage.chunk_id,
                        "x": [round(float(v), 5) for v in x],
                        "old": round(float(s), 4),
                        "gold": not negative and bool(label(item, r.passage.doc_id, r.text)),
                    }
                    for r, x, s in zip(d["rows"], d["x"], scores, strict=True)
                ],
            }
        )
    return out


def write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{path}: {len(records)} questions, {sum(len(r['candidates']) for r in records)} candidates")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["golden", "squad", "negatives", "realtimeqa", "rendered", "selqa"])
    only = ap.parse_args().only
    if only == "rendered":
        write(OUT / "rendered.jsonl", rendered(load("squad")))
        return
    if only == "selqa":
        write(OUT / "selqa.jsonl", selqa(SELQA))
        return
    golden_tune = half("golden", "tune")
    golden = [i for i in load_golden() if golden_tune is None or i.id in golden_tune]
    sample = built("sample", [p for p, bad in find_files(["data/articles"]) if not bad])
    if only in (None, "golden"):
        write(OUT / "golden.jsonl", rows(collect(sample, golden), suite="golden"))
    wiki = built("squad", squad_articles())
    squad = load_squad(docs=half("squad-it", "tune"), english=True, xquad=True)
    if only in (None, "squad"):
        write(OUT / "squad.jsonl", rows(collect(wiki, squad), suite="squad"))
    # Questions the corpus cannot answer, for the reader's refusal bar: the golden tune set's off-corpus
    # questions, and each tune corpus's questions asked of the other one (as bench/fit/answer.py does).
    if only not in (None, "negatives"):
        return
    off = collect(sample, [i for i in golden if not i.answerable]) + collect(sample, squad[::8], negative=True)
    off += collect(wiki, [i for i in golden if i.answerable], negative=True)
    write(OUT / "negatives.jsonl", rows(off, suite="negatives", negative=True))
    if only == "negatives":
        return
    news = built("realtimeqa", realtimeqa_articles(OUTSIDE / "articles"), persist=OUTSIDE / "index")
    rtqa = load_realtimeqa(weeks=half("realtimeqa", "tune"))
    write(OUTSIDE / "reader-candidates.jsonl", rows(collect(news, rtqa), suite="realtimeqa"))


def rendered(squad: list[dict]) -> list[dict]:
    """Each Italian question's record again, its question rendered into English by Apertium."""
    from rag.translation.apertium import Apertium

    italian = [r for r in squad if r["lang"] == "it"]
    apertium, english = Apertium(timeout=60), []
    for at in range(0, len(italian), 16):  # a few at a time, as the product renders them
        english += apertium.translate([r["question"] for r in italian[at : at + 16]], source="it", target="en")
    return [
        {**r, "id": f"{r['id']}-ap", "lang": "en", "question": q, "rendered": True}
        for r, q in zip(italian, english, strict=True)
    ]


def selqa(path: Path) -> list[dict]:
    """SelQA's questions as candidate records: its section's sentences, the one before each as context."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        sentences, title = row["candidates"], f"{row['article']} ({row['section']})"
        out.append(
            {
                "suite": "selqa", "id": f"selqa-{n}", "negative": False, "lang": "en", "doc": row["article"],
                "question": row["question"],
                "candidates": [
                    {"text": s, "title": title, "before": sentences[i - 1] if i else "", "old": None,
                     "gold": i in row["answers"]}
                    for i, s in enumerate(sentences)
                    if s.strip()
                ],
            }
        )  # fmt: skip
    return out


def load(name: str) -> list[dict]:
    """The records written for ``name``: golden, squad, negatives, realtimeqa, rendered or selqa."""
    path = OUTSIDE / "reader-candidates.jsonl" if name == "realtimeqa" else OUT / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    main()
