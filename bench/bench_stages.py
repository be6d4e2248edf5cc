"""Time to searchable with the two-stage ingest (rag/ingestion/vectors.py), against the one-stage ingest, same run.

    python -m bench.bench_stages --sizes 0 1000 10000 --full-up-to 1000

For each corpus size (0 = the five sample articles): a keyword-only ingest
(the articles answer when it returns), ask p50/p95 over the golden questions
on that keyword-only index, the embedding stage, ask p50/p95 after it, and,
up to ``--full-up-to`` chunks, a one-stage ingest on a fresh index as the
baseline. Writes bench/results/stages.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import RESULTS, machine
from bench.corpus import ARTICLES, build
from evaluation.evaluate import load_golden
from rag.api import Engine
from rag.settings import Settings
from vectorstore.embedders.factory import E5Small


def latency(engine: Engine, questions: list[str]) -> dict[str, float]:
    """Median and 95th percentile ask time in ms (after one warm-up question)."""
    engine.ask(questions[0])
    times = []
    for q in questions:
        began = time.perf_counter()
        engine.ask(q)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"p50": round(statistics.median(times), 1), "p95": round(times[int(0.95 * (len(times) - 1))], 1)}


def run(size: int, *, full: bool, embed: bool, embedder: E5Small, questions: list[str]) -> dict[str, Any]:
    folder = ARTICLES if size == 0 else build(size)
    out: dict[str, Any] = {"size": size}
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        engine = Engine(Settings(persist_dir=Path(tmp) / "two"), embedder=embedder)
        began = time.perf_counter()
        report = engine.ingest([folder], embed=False)
        out["chunks"] = report.chunks
        out["searchable_s"] = round(time.perf_counter() - began, 2)
        out["ask_keyword_only_ms"] = latency(engine, questions)
        if embed:
            began = time.perf_counter()
            engine.embed_pending()
            out["embed_stage_s"] = round(time.perf_counter() - began, 2)
            out["ask_embedded_ms"] = latency(engine, questions)
        if full:
            one = Engine(Settings(persist_dir=Path(tmp) / "one"), embedder=embedder)
            began = time.perf_counter()
            one.ingest([folder])
            out["one_stage_s"] = round(time.perf_counter() - began, 2)
    print(json.dumps(out), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10000])
    parser.add_argument("--full-up-to", type=int, default=1000, help="one-stage baseline up to this many chunks")
    parser.add_argument("--embed-up-to", type=int, default=1000, help="run the embedding stage up to this size")
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    embedder = E5Small()
    embedder.embed(["warm up"])
    questions = [i.question for i in load_golden()][: args.questions]
    rows = [
        run(s, full=s <= args.full_up_to, embed=s <= args.embed_up_to, embedder=embedder, questions=questions)
        for s in args.sizes
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stages.json").write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
