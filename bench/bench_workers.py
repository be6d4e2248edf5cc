"""Embedding with several workers against one with all the threads, on a `chroma run` server.

For each row: a fresh server, the synthetic corpus (``bench/corpus.py``)
ingested keyword-only, then the wall time of ``python -m rag embed`` as
configured (one process with ``--threads``, or ``--workers N``), and a check
that nothing is left keyword-only. Rows run one after another in one run, so
their ratio is the figure. On a 2-core machine N workers share the same two
cores; they pay on more cores or more machines.

Usage: python -m bench.bench_workers [--chunks 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_load import SERVER, chroma_server
from bench.common import RESULTS, machine
from bench.corpus import CACHE, ROOT, build


def row(corpus: Path, command: list[str]) -> dict[str, object]:
    folder = CACHE / "workers-server"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = chroma_server(folder)
    env = {**os.environ, "RAG_PERSIST_DIR": str(folder / "lock"), "RAG_CHROMA_URL": str(SERVER["url"]),
           "HF_HUB_OFFLINE": "1", "RAG_CHROMA_TIMEOUT": "60"}  # fmt: skip
    try:
        run = [sys.executable, "-m", "rag"]
        subprocess.run([*run, "ingest", "--keyword-only", str(corpus)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        began = time.perf_counter()
        done = subprocess.run([*run, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - began
        again = subprocess.run([*run, "embed"], cwd=ROOT, env=env, capture_output=True, text=True).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"command": " ".join(command), "seconds": round(seconds, 1), "rc": done.returncode,
            "all_embedded": "nothing to embed" in again}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=1000)
    args = parser.parse_args()
    corpus = build(args.chunks)
    rows = [row(corpus, ["embed", "--threads", "2"]), row(corpus, ["embed", "--workers", "2", "--threads", "2"])]
    summary = {"machine": machine(), "chunks": args.chunks, "rows": rows,
               "ratio": round(float(rows[0]["seconds"]) / float(rows[1]["seconds"]), 2)}  # type: ignore[arg-type]  # fmt: skip
    print(json.dumps(summary, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"workers-{args.chunks}.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
