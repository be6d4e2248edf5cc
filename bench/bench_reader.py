"""What the answer reader costs: ask latency at 10k chunks with the reader on and off, in the same run.

    python -m bench.bench_reader [--size 10000] [--repeats 3]

Builds (or reuses) the pooled-vector e5-small index of bench/bench_scale.py (real question vectors,
passage vectors that cost nothing to make: bench/pooled_vectors.py), opens it twice, reader on and
off, and asks the golden questions alternately of each, so both see the same machine state.
Writes bench/results/reader-<size>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from bench.bench_scale import RESULTS, embedder_for, ingest_once, machine, q
from bench.corpus import CACHE, build
from evaluation.evaluate import load_golden
from rag.api import Engine
from rag.settings import Settings
from vectorstore.e5_torch import has_bf16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    embedder = embedder_for("e5-small-pooled")
    index = CACHE / f"index-{args.size}-e5-small-pooled-reader"
    if not (index / "chroma.sqlite3").exists():
        shutil.rmtree(index, ignore_errors=True)
        print(ingest_once(embedder, build(args.size), index), flush=True)
    engines = {
        on: Engine(Settings(persist_dir=index, embedder=embedder.name, reader=on), embedder=embedder)
        for on in (False, True)
    }
    questions = [i.question for i in load_golden()]
    times: dict[bool, list[float]] = {False: [], True: []}
    chosen: dict[bool, str] = {}
    for on, engine in engines.items():
        chosen[on] = engine.ask(questions[0]).chooser  # warm: lexical index, vocabulary, the reader's weights
    for _ in range(args.repeats):
        for question in questions:
            for on, engine in engines.items():
                began = time.perf_counter()
                engine.ask(question)
                times[on].append((time.perf_counter() - began) * 1000)
    result: dict[str, Any] = {
        "size": args.size,
        "machine": {**machine(), "bf16": has_bf16()},
        "questions": len(questions),
        "repeats": args.repeats,
        **{
            ("reader_on" if on else "reader_off"): {
                "chooser": chosen[on],
                "ask_ms_p50": round(statistics.median(t), 1),
                "ask_ms_p95": round(q(t, 0.95), 1),
            }
            for on, t in times.items()
        },
    }
    RESULTS.mkdir(exist_ok=True)
    out: Path = RESULTS / f"reader-{args.size}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
