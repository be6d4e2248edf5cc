"""First-ask latency of English and Italian questions over the Italian sample, Apertium started per call or kept.

    python -m bench.bench_first_ask --sizes 0 10000

Each golden question (tune and test halves: only their wording matters here)
is asked once on a fresh engine, as the app asks it (``ask`` then renderings
of the cited sentences), so every question rendering and sentence rendering is
made, none cached. The baseline starts ``apertium -u <leg>`` processes for
every call, as the product did before rag/translation/apertium.py kept them
running; both run in the same process, one after the other. Size 0 is the
five sample articles with real e5-small vectors; 10000 is the synthetic
corpus with pooled vectors (bench/pooled_vectors.py: what matters is the
index's size). One warm-up question in each language is asked first, so the
figures are a running app's, whose first English question also started the
pipelines (reported as ``cold_first_en_ms``). Writes bench/results/first-ask.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rag.translation.apertium as apertium
from bench.common import RESULTS, machine
from bench.corpus import ARTICLES, build
from bench.pooled_vectors import PooledE5
from evaluation.evaluate import load_golden
from rag.api import Engine
from rag.settings import Settings
from vectorstore.embedders.factory import E5Small

WARM_UP = {"it": "Chi è il presidente francese?", "en": "Who is the French president?"}


class OneShot:
    """The baseline: each leg a new ``apertium -u`` process per call (the product until 2026-12-05)."""

    def __init__(self, legs: Sequence[str]) -> None:
        self.legs = tuple(legs)

    def run(self, lines: Sequence[str], *, timeout: float) -> list[str]:
        data = "\n".join(lines) + "\n"
        for leg in self.legs:
            data = subprocess.run(["apertium", "-u", leg], input=data, capture_output=True, text=True,
                                  timeout=timeout, check=True).stdout  # fmt: skip
        return data.split("\n")[: len(lines)]


def first_asks(engine: Engine, questions: list[str]) -> list[float]:
    """Milliseconds to answer and render each question, asked once."""
    times = []
    for q in questions:
        began = time.perf_counter()
        engine.ask(q)
        times.append((time.perf_counter() - began) * 1000)
    return times


def run(size: int, *, mode: str, embedder: Any, by_language: dict[str, list[str]], store: Path) -> dict[str, Any]:
    """One size, one mode: p50/p95 by language and the cold first English question."""
    original = apertium.pipeline
    if mode == "per-call":
        apertium.pipeline = OneShot  # type: ignore[assignment]
    else:
        for p in apertium._PIPELINES.values():  # cold: the first English question starts them
            p.close()
    try:
        engine = Engine(Settings(persist_dir=store), embedder=embedder)
        engine.ask(WARM_UP["it"])
        began = time.perf_counter()
        engine.ask(WARM_UP["en"])
        out: dict[str, Any] = {
            "size": size,
            "mode": mode,
            "cold_first_en_ms": round((time.perf_counter() - began) * 1000),
        }
        for lang, questions in by_language.items():
            times = sorted(first_asks(engine, questions))
            out[lang] = {"n": len(times), "p50": round(statistics.median(times), 1),
                         "p95": round(times[int(0.95 * (len(times) - 1))], 1)}  # fmt: skip
        out["en_minus_it_p50_ms"] = round(out["en"]["p50"] - out["it"]["p50"], 1)
        return out
    finally:
        apertium.pipeline = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10000])
    args = parser.parse_args()
    golden = load_golden()
    by_language = {lang: [g.question for g in golden if g.lang == lang] for lang in ("it", "en")}
    rows = []
    for size in args.sizes:
        embedder = E5Small() if size == 0 else PooledE5()
        with tempfile.TemporaryDirectory(prefix="bench-first-ask-") as tmp:
            store = Path(tmp) / "index"
            Engine(Settings(persist_dir=store), embedder=embedder).ingest([ARTICLES if size == 0 else build(size)])
            for mode in ("per-call", "kept"):
                row = run(size, mode=mode, embedder=embedder, by_language=by_language, store=store)
                print(json.dumps(row), flush=True)
                rows.append(row)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "first-ask.json").write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
