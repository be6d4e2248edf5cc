"""Speed and scale: ingest throughput by stage, latency, cold start, memory and disk at ~1k/10k/100k chunks.

Usage: python -m bench.bench_scale --sizes 0 1000 10000 100000 [--repeats 3] [--embedder e5-small] [--pooled]
(0 = the five sample articles; USE by default, the embedder the earlier runs used; --pooled: e5-small with
passage vectors that cost nothing (bench/pooled_vectors.py), for memory and latency at 100k in minutes)
Writes bench/results/scale-<size>.json (scale-<size>-<embedder>[-pooled].json for another embedder);
bench/report.py turns them into tables and plots.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import RESULTS, machine
from bench.corpus import ARTICLES, CACHE, ROOT, build
from evaluation.evaluate import load_golden
from rag.api import Engine
from rag.ingestion.chunk import chunk_article
from rag.ingestion.clean import clean
from rag.ingestion.load import read_file
from rag.settings import Settings
from vectorstore.embedders.factory import Embedder, make_embedder

QUESTION = "Cosa ha promesso Meloni?"


def suffix(spec: str) -> str:
    """What result files and indexes of an embedder other than the earlier runs' USE carry in their names."""
    return "" if spec == "use-multilingual" else f"-{spec}"


def embedder_for(spec: str) -> Embedder:
    """The embedder ``spec`` names; ``e5-small-pooled`` is e5-small with pooled passage vectors."""
    if spec == "e5-small-pooled":
        from bench.pooled_vectors import PooledE5

        return PooledE5()
    return make_embedder(spec)


def embedder_alone(embedder: Embedder, folder: Path, *, chunks_wanted: int, repeats: int) -> float:
    """Chunks per second the embedder alone manages on this corpus's sentences (the reference line)."""
    sentences, chunks = [], 0
    for path in sorted(folder.glob("*.txt")):
        article = clean(read_file(path, max_bytes=10**8), doc_id=path.stem, source=str(path))
        found = chunk_article(article)
        chunks += len(found)
        sentences += sorted({s.text: None for c in found for s in c.sentences})
        if chunks >= chunks_wanted:
            break
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        for i in range(0, len(sentences), 2000):  # the batch size ingest uses
            embedder.embed(sentences[i : i + 2000])
        times.append(time.perf_counter() - began)
    return chunks / statistics.median(times)


def ingest_once(embedder: Embedder, folder: Path, index: Path) -> dict[str, Any]:
    shutil.rmtree(index, ignore_errors=True)
    engine = Engine(Settings(persist_dir=index, embedder=embedder.name), embedder=embedder)
    report = engine.ingest([folder])
    return {"seconds": report.seconds, "chunks": report.chunks, "timings": report.timings}


def latencies(engine: Engine, questions: list[str], repeats: int) -> dict[str, list[float]]:
    engine.ask(questions[0])  # warm: lexical index, vocabulary
    out: dict[str, list[float]] = {"retrieve": [], "ask": []}
    for _ in range(repeats):
        for q in questions:
            t = time.perf_counter()
            engine.retrieve(q)
            out["retrieve"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            engine.ask(q)
            out["ask"].append((time.perf_counter() - t) * 1000)
    return out


def cold_cli(index: Path, repeats: int, spec: str) -> list[float]:
    """Seconds from a new `python -m rag ask` process to its printed answer."""
    env = {**os.environ, "RAG_PERSIST_DIR": str(index), "HF_HUB_OFFLINE": "1", "RAG_EMBEDDER": spec}
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "rag", "ask", QUESTION], env=env, cwd=ROOT, capture_output=True, check=True
        )
        times.append(time.perf_counter() - began)
    return times


def app_probe(index: Path, spec: str) -> dict[str, float]:
    """Cold start to first answer and peak RSS of the Streamlit app script (bench/app_probe.py)."""
    env = {**os.environ, "RAG_PERSIST_DIR": str(index), "HF_HUB_OFFLINE": "1", "RAG_EMBEDDER": spec}
    out = subprocess.run(
        [sys.executable, "-m", "bench.app_probe", QUESTION], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def q(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def run(size: int, repeats: int, *, spec: str, reuse: bool = False) -> dict[str, Any]:
    folder = ARTICLES if size == 0 else build(size)
    embedder = embedder_for(spec)
    embedder.embed(["warm up"])
    previous = RESULTS / f"scale-{size}{suffix(spec)}.json"
    if reuse and previous.exists():
        # Keep the ingest figures and index; measure everything else again.
        result = json.loads(previous.read_text())
        index = sorted(CACHE.glob(f"index-{size}{suffix(spec)}-*"))[-1]
        result.update(measure(embedder, index, repeats))
        return result
    ingest_repeats = max(repeats, 5) if size == 0 else repeats if size <= 10_000 else 1
    reference = embedder_alone(embedder, folder, chunks_wanted=min(size or 100, 2000), repeats=repeats)
    # A new directory per run: Chroma caches one client per path in-process.
    indexes = [CACHE / f"index-{size}{suffix(spec)}-{i}" for i in range(ingest_repeats)]
    runs = [ingest_once(embedder, folder, index) for index in indexes]
    index = indexes[-1]
    for other in indexes[:-1]:
        shutil.rmtree(other, ignore_errors=True)
    chunks = runs[0]["chunks"]
    seconds = [r["seconds"] for r in runs]
    embed = statistics.median(r["timings"]["embed"] for r in runs)
    return {
        "size": size,
        "chunks": chunks,
        "articles": len(list(folder.glob("*.txt"))),
        "machine": machine(),
        "embedder_alone_chunks_per_s": round(reference, 1),
        "ingest_runs": runs,
        "ingest_chunks_per_s": {
            "median": round(chunks / statistics.median(seconds), 1),
            "min": round(chunks / max(seconds), 1),
            "max": round(chunks / min(seconds), 1),
        },
        # Against the embedding time inside the same ingest runs: a baseline
        # measured in the same run, so the machine's noise cancels out.
        "ingest_overhead": round(statistics.median(seconds) / embed - 1, 3),
        "ingest_overhead_vs_reference": round(reference / (chunks / statistics.median(seconds)) - 1, 3),
        **measure(embedder, index, repeats),
    }


def measure(embedder: Embedder, index: Path, repeats: int) -> dict[str, Any]:
    """Warm latency, cold starts, memory and disk of one built index."""
    engine = Engine(Settings(persist_dir=index, embedder=embedder.name), embedder=embedder)
    lat = latencies(engine, [i.question for i in load_golden()], repeats)
    cli = cold_cli(index, repeats, embedder.name)
    return {
        "retrieve_ms": {"p50": round(statistics.median(lat["retrieve"]), 1), "p95": round(q(lat["retrieve"], 0.95), 1)},
        "ask_ms": {"p50": round(statistics.median(lat["ask"]), 1), "p95": round(q(lat["ask"], 0.95), 1)},
        "cli_cold_s": {
            "median": round(statistics.median(cli), 2),
            "min": round(min(cli), 2),
            "max": round(max(cli), 2),
        },
        "app": app_probe(index, embedder.name),
        "bench_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
        "disk_mb": round(disk_mb(index), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep existing indexes and ingest figures")
    parser.add_argument("--embedder", default="use-multilingual", help="e5-small for the product's default")
    parser.add_argument("--pooled", action="store_true", help="e5-small questions, pooled passage vectors")
    args = parser.parse_args()
    if args.pooled:
        args.embedder = "e5-small-pooled"
    RESULTS.mkdir(exist_ok=True)
    for size in args.sizes:
        # One process per size, so peak RSS and caches do not carry over.
        if len(args.sizes) > 1:
            cmd = [sys.executable, "-m", "bench.bench_scale", "--sizes", str(size), "--repeats", str(args.repeats)]
            cmd += ["--embedder", args.embedder]
            subprocess.run(cmd + (["--reuse"] if args.reuse else []), check=True)
            continue
        result = run(size, args.repeats, spec=args.embedder, reuse=args.reuse)
        (RESULTS / f"scale-{size}{suffix(args.embedder)}.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
