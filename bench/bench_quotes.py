"""Who said what, measured: attribution against the labelled quotes, and speaker questions before/after.

    python -m bench.bench_quotes

1. Direct-quote attribution on the five sample articles against
   ``evaluation/data/quotes.jsonl`` (every quoted passage of four words or more,
   labelled by hand with its speaker or none): precision, recall, exact spans.
   The rules in rag/news/quoting.py and rag/news/speakers.py were written while reading
   these articles, so this is a development-set figure, not a held-out one.
2. The golden set's test half with speaker answers off (the previous
   behaviour) and on, in one run on one index: all questions, and the
   "what did X say/commit" ones alone.
Writes bench/results/quotes.json.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from bench.common import RESULTS, machine
from bench.corpus import ARTICLES
from evaluation.evaluate import evaluate_engine, half, load_golden, to_json
from rag.api import Engine
from rag.news.quoting import score_attribution
from rag.settings import Settings

GOLD = Path(__file__).resolve().parent.parent / "evaluation" / "data" / "quotes.jsonl"


def main() -> None:
    out: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="bench-quotes-") as tmp:
        engine = Engine(Settings(persist_dir=Path(tmp)))
        engine.ingest([ARTICLES])
        from rag.news.quotebook import QuoteBook

        began = time.perf_counter()
        QuoteBook.build(engine.store.iter_documents())  # what the ingest above also did at its end
        out["build_s"] = round(time.perf_counter() - began, 2)
        book = engine.quotebook()
        gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
        out["attribution"] = score_attribution(book.quotes, gold)
        test = half("golden", "test")
        items = [i for i in load_golden() if test is None or i.id in test]
        asking = [i for i in items if i.answerable and _asks_speaker(engine, i.question)]
        out["speaker_questions"] = [i.id for i in asking]
        for flag in (False, True):
            system = Engine(engine.settings.with_(speaker_answers=flag), embedder=engine.embedder)
            name = "speaker answers " + ("on" if flag else "off")
            out[name] = {
                "all": _brief(evaluate_engine(system, items, name=name)),
                "speaker questions": _brief(evaluate_engine(system, asking, name=name)),
            }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quotes.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(out, indent=2, ensure_ascii=False))


def _asks_speaker(engine: Engine, question: str) -> bool:
    from rag.news.attribution import asked_speaker

    return asked_speaker(question, engine.quotebook()) is not None


def _brief(result: object) -> dict[str, object]:
    data = json.loads(to_json([result]))[0]  # type: ignore[list-item]
    keep = ("questions", "recall_at_5", "mrr", "answer_right", "gold_cited", "abstention", "false_abstention")
    return {k: data[k] for k in keep} | {"failures": data["failures"]}


if __name__ == "__main__":
    main()
