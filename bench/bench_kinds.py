"""Ask latency by kind of question (rag/text/kinds.py), on the sample and at ~10k chunks.

Usage: python -m bench.bench_kinds --size 0|10000 [--repeats 5] [--label NAME]
Asks every question of evaluation/data/question_types.jsonl on the sample articles (``--size 0``), or the
summary and latest ones over a generated ~10k-chunk index with pooled passage vectors
(bench/pooled_vectors.py: the store's size is what matters there), warm, ``--repeats`` times each, no
renderings; writes the p50 per kind to bench/results/kinds-<size>-<label>.json. Run it from two checkouts
one after the other to compare a change against its parent on one machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from collections import defaultdict
from typing import Any

from bench.common import CACHE, RESULTS, ROOT, machine
from bench.corpus import ARTICLES, build
from rag.api import Engine
from rag.settings import Settings

DATA = ROOT / "evaluation" / "data" / "question_types.jsonl"
SCALE_KINDS = ("summary", "latest")  # what reads the whole index, checked at 10k chunks


def questions(size: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["corpus"] == "sample"]
    return rows if size == 0 else [r for r in rows if r["kind"] in SCALE_KINDS]


def engine_for(size: int) -> Engine:
    if size == 0:
        index = CACHE / "kinds-0"
        engine = Engine(Settings(persist_dir=index))
        engine.ingest([ARTICLES])
        return engine
    from bench.pooled_vectors import PooledE5

    index = CACHE / f"kinds-{size}"
    engine = Engine(Settings(persist_dir=index), embedder=PooledE5())  # type: ignore[arg-type]
    if not (index / ".complete").exists():
        engine.ingest([build(size)])
        (index / ".complete").touch()
    return Engine(Settings(persist_dir=index))  # questions embedded by the real e5-small


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--label", default="current")
    args = parser.parse_args()
    engine = engine_for(args.size)
    items = questions(args.size)
    engine.ask("Cosa ha promesso Meloni?", render=False)  # warm: models and caches loaded
    by_kind: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.repeats):
        for item in items:
            history = [tuple(turn) for turn in item.get("history", [])] or None
            start = time.perf_counter()
            engine.ask(item["question"], history=history, render=False)
            by_kind[item["kind"]].append((time.perf_counter() - start) * 1000)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    result = {
        "size": args.size,
        "chunks": engine.stats().chunks,
        "label": args.label,
        "commit": commit.strip(),
        "machine": machine(),
        "p50_ms": {k: round(statistics.median(v), 1) for k, v in sorted(by_kind.items())},
        "all_p50_ms": round(statistics.median([x for v in by_kind.values() for x in v]), 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"kinds-{args.size}-{args.label}.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: result[k] for k in ("size", "chunks", "label", "p50_ms", "all_p50_ms")}, indent=1))


if __name__ == "__main__":
    main()
