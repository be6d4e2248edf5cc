"""What the answer reader costs an ask: p50 with it and without, by the question's language, by sentences read.

    python -m bench.bench_reader --sizes 0 10000 --read 4 6 --weights bench/.cache/reader/runs/fold-all/reader.npz

Every golden question (tune and test halves: only their wording and language matter here) is
asked of an engine with the reader (``RAG_READER`` set to ``--weights``, reading the answer model's best ``--read``
sentences) and of one without, one after the other, question by question, so both see the same
machine load; ``--rounds`` times over. Answers only (no renderings): the reader runs inside
``ask``. Size 0 is the five sample articles with real e5-small vectors; 10000 is the synthetic
corpus with pooled vectors (bench/pooled_vectors.py: what matters is the index's size). Both
engines answer every question once before the clock starts, so the figures are a running app's;
the reader's first load is timed apart (``load_ms``). Writes bench/results/reader.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import rag.answering.reader as reader_module
from bench.common import RESULTS, machine
from bench.corpus import ARTICLES, build
from bench.pooled_vectors import PooledE5
from evaluation.evaluate import load_golden
from rag.api import Engine
from rag.settings import Settings
from vectorstore.embedders.factory import E5Small


def timed(engine: Engine, question: str) -> tuple[float, bool]:
    """Milliseconds to answer ``question``, and whether the reader read for it."""
    reader = engine.answerer.reader
    before = reader.calls if reader is not None else 0
    began = time.perf_counter()
    engine.ask(question)
    ms = (time.perf_counter() - began) * 1000
    return ms, reader is not None and reader.calls > before


def run(
    size: int, *, embedder: Any, questions: dict[str, list[str]], reads: list[int], rounds: int, weights: Path
) -> dict[str, Any]:
    """One size: the reader's load time, then p50 by language with and without it for each read count."""
    with tempfile.TemporaryDirectory(prefix="bench-reader-") as tmp:
        store = Path(tmp) / "index"
        Engine(Settings(persist_dir=store), embedder=embedder).ingest([ARTICLES if size == 0 else build(size)])
        on = Engine(Settings(persist_dir=store, reader=weights), embedder=embedder)
        off = Engine(Settings(persist_dir=store), embedder=embedder)
        assert on.answerer.reader is not None
        began = time.perf_counter()
        on.answerer.reader.score("warm-up", [reader_module.Pair("warm-up")])
        out: dict[str, Any] = {"size": size, "load_ms": round((time.perf_counter() - began) * 1000)}
        for q in questions["it"] + questions["en"]:  # caches (renderings, vectors) filled for both
            on.ask(q)
            off.ask(q)
        for read in reads:
            reader_module.READ = read
            row: dict[str, Any] = {}
            for lang, asked in questions.items():
                with_reader, without, engaged = [], [], 0
                for _ in range(rounds):
                    for q in asked:
                        ms, read_it = timed(on, q)
                        with_reader.append(ms)
                        engaged += read_it
                        without.append(timed(off, q)[0])
                p50_on, p50_off = statistics.median(with_reader), statistics.median(without)
                row[lang] = {
                    "n": len(with_reader), "reader_read": engaged, "p50_with": round(p50_on, 1),
                    "p50_without": round(p50_off, 1), "p50_growth_ms": round(p50_on - p50_off, 1),
                }  # fmt: skip
            out[f"read_{read}"] = row
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10000])
    parser.add_argument("--read", type=int, nargs="+", default=[reader_module.READ])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--weights", type=Path, default=Path("bench/.cache/reader/runs/fold-all/reader.npz"))
    args = parser.parse_args()
    golden = load_golden()
    questions = {lang: [g.question for g in golden if g.lang == lang] for lang in ("it", "en")}
    rows = []
    for size in args.sizes:
        embedder = E5Small() if size == 0 else PooledE5()
        row = run(
            size, embedder=embedder, questions=questions, reads=args.read, rounds=args.rounds, weights=args.weights
        )
        print(json.dumps(row), flush=True)
        rows.append(row)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reader.json").write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
