"""The embedding stage with one model call per article against one per batch of articles, same run.

    python -m bench.bench_batching --articles 60 --repeats 3

Keyword-only ingest of the first ``--articles`` synthetic articles
(bench/corpus.py, ~9-24 sentences each) into a fresh index, then
``embed_pending`` timed with ``BATCH_SENTENCES`` = 1 (every article its own
call: the previous release) and the current value, alternating, medians of
``--repeats``. Writes bench/results/batching.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import rag.ingestion.vectors as vectors
from bench.common import RESULTS, machine
from bench.corpus import build
from rag.api import Engine
from rag.settings import Settings
from vectorstore.embedders.e5_torch import has_bf16
from vectorstore.embedders.factory import E5Small


def embed_seconds(folder: Path, *, embedder: E5Small, batch: int) -> tuple[float, int]:
    """Seconds ``embed_pending`` takes over a fresh keyword-only index of ``folder``, and its sentences."""
    with tempfile.TemporaryDirectory(prefix="rag-batching-") as tmp:
        engine = Engine(Settings(persist_dir=Path(tmp)), embedder=embedder)
        engine.ingest([folder], embed=False)
        counted: list[int] = []
        vectors.BATCH_SENTENCES = batch
        began = time.perf_counter()
        engine.embed_pending(progress=lambda done, total, _: counted.append(total))
        seconds = time.perf_counter() - began
        return seconds, counted[-1] if counted else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    current = vectors.BATCH_SENTENCES
    corpus = build(1000)
    with tempfile.TemporaryDirectory(prefix="rag-batching-corpus-") as tmp:
        folder = Path(tmp)
        for path in sorted(corpus.glob("gen_*.txt"))[: args.articles]:
            shutil.copy(path, folder / path.name)
        embedder = E5Small()
        embedder.embed(["riscaldamento"] * 8)  # load the model outside the timings
        runs: dict[int, list[float]] = {1: [], current: []}
        sentences = 0
        for _ in range(args.repeats):
            for batch in runs:
                seconds, sentences = embed_seconds(folder, embedder=embedder, batch=batch)
                runs[batch].append(seconds)
    vectors.BATCH_SENTENCES = current
    medians = {batch: statistics.median(times) for batch, times in runs.items()}
    result = {
        "machine": {**machine(), "bf16": has_bf16()},
        "articles": args.articles,
        "sentences": sentences,
        "runs": {str(b): [round(t, 2) for t in times] for b, times in runs.items()},
        "median_seconds": {str(b): round(t, 2) for b, t in medians.items()},
        "sentences_per_second": {str(b): round(sentences / t, 1) for b, t in medians.items()},
        "speed_up": round(medians[1] / medians[current], 2),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "batching.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
