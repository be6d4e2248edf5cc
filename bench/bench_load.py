"""Load: several people asking at once, with and without an ingest running, over a ~10k-chunk index.

Three ways to ask concurrently, each at 1, 4 and 16 askers:

- ``threads``: one process, one Engine, N threads (the app's shape: one server, many sessions);
- ``processes``: N processes, each with its own Engine on the same index directory (CLI users, workers);
- with ``--ingest``, the same while another process ingests new articles into the index
  (a new generation mid-run: every asker must reopen the store and rebuild BM25 and still answer).

Every answer's citations are checked against the stored article text (the quote
must be exactly ``text[start:end]``); any exception is an error. Reports
throughput and p50/p95/p99 latency per setting; writes bench/results/load.json.

Usage: python -m bench.bench_load [--chunks 10000] [--askers 1 4 16] [--per-asker 20]
       python -m bench.bench_load --app 8     (8 browser sessions against one `streamlit run`)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, machine
from bench.corpus import CACHE, build
from evaluation.evaluate import load_golden
from rag.api import Engine
from rag.settings import Settings
from rag.types import Answer

# With --server: the Chroma server every asker and the ingest talk to (set in main, read by every Engine here).
SERVER: dict[str, str | None] = {"url": None}


def settings(index: Path, embedder: str) -> Settings:
    return Settings(persist_dir=index, embedder=embedder, chroma_url=SERVER["url"], chroma_timeout=60.0)


def questions() -> list[str]:
    return [i.question for i in load_golden()]


def index_for(chunks: int, embedder: str) -> Path:
    """A ~``chunks``-chunk index of the synthetic corpus, built once and kept in bench/.cache."""
    index = CACHE / f"load-index-{chunks}-{embedder}"
    if not (index / ".complete").exists():
        shutil.rmtree(index, ignore_errors=True)
        Engine(Settings(persist_dir=index, embedder=embedder)).ingest([build(chunks)])
        (index / ".complete").write_text("built\n")
    return index


def valid(engine: Engine, answer: Answer) -> bool:
    """Every citation quotes its article exactly at its span."""
    for c in answer.citations:
        text = engine.document(c.doc_id)
        if text is None or text[c.start : c.end] != c.quote:
            return False
    return True


def ask_many(engine: Engine, asked: list[str]) -> list[dict[str, Any]]:
    out = []
    for q in asked:
        began = time.perf_counter()
        try:
            answer = engine.ask(q)
            row: dict[str, Any] = {
                "ms": (time.perf_counter() - began) * 1000,
                "error": None,
                "valid": valid(engine, answer),
            }
        except Exception as exc:  # counted, not raised: the figure is how many
            row = {"ms": (time.perf_counter() - began) * 1000, "error": f"{type(exc).__name__}: {exc}", "valid": False}
        out.append(row)
    return out


def share(n: int, per: int, offset: int = 0) -> list[list[str]]:
    qs = questions()
    return [[qs[(offset + a * per + i) % len(qs)] for i in range(per)] for a in range(n)]


def threads(index: Path, embedder: str, n: int, per: int) -> tuple[list[dict[str, Any]], float]:
    engine = Engine(settings(index, embedder))
    engine.ask(questions()[0])  # warm: model, BM25, vocabulary
    rows: list[dict[str, Any]] = []
    lock = threading.Lock()

    def work(asked: list[str]) -> None:
        got = ask_many(engine, asked)
        with lock:
            rows.extend(got)

    pool = [threading.Thread(target=work, args=(a,)) for a in share(n, per)]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return rows, time.perf_counter() - began


def worker(index: Path, embedder: str, asked: list[str]) -> None:
    """One asking process: warm up, say ready, wait for 'go' on stdin, ask, print the rows."""
    engine = Engine(settings(index, embedder))
    engine.ask(questions()[0])
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps(ask_many(engine, asked)), flush=True)


def processes(index: Path, embedder: str, n: int, per: int) -> tuple[list[dict[str, Any]], float]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    procs = []
    for a, asked in enumerate(share(n, per)):
        args = [sys.executable, "-m", "bench.bench_load", "--worker", str(index), "--embedder", embedder]
        args += ["--chroma-url", SERVER["url"]] if SERVER["url"] else []
        procs.append(
            subprocess.Popen(
                [*args, "--offset", str(a * per), "--per-asker", str(len(asked))],
                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )
        )  # fmt: skip
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    rows: list[dict[str, Any]] = []
    for p in procs:
        assert p.stdout is not None
        rows += json.loads(p.stdout.readline())
        p.wait(timeout=600)
    return rows, time.perf_counter() - began


def ingest_alongside(index: Path, embedder: str) -> subprocess.Popen[bytes]:
    """Another process ingesting ~500 new chunks into ``index`` (new doc ids), as a user adding articles would."""
    extra = CACHE / "load-extra"
    if not (extra / ".complete").exists():
        source = build(500, folder=CACHE / "load-extra-source")
        extra.mkdir(parents=True, exist_ok=True)
        for p in sorted(source.glob("*.txt")):
            shutil.copy(p, extra / p.name.replace("gen_", "extra_"))
        (extra / ".complete").write_text("copied\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_PERSIST_DIR": str(index), "RAG_EMBEDDER": embedder}
    if SERVER["url"]:
        env["RAG_CHROMA_URL"] = SERVER["url"]
    return subprocess.Popen(
        [sys.executable, "-m", "rag", "ingest", str(extra)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )


def chroma_server(index: Path) -> subprocess.Popen[bytes]:
    """`chroma run` on ``index`` at a free local port; sets SERVER["url"] once it answers."""
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(index), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                SERVER["url"] = url
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start")


def q(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


def summary(rows: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    ms = [r["ms"] for r in rows]
    return {
        "asks": len(rows),
        "throughput_per_s": round(len(rows) / wall, 2),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": q(ms, 0.95),
        "p99_ms": q(ms, 0.99),
        "errors": sum(r["error"] is not None for r in rows),
        "invalid_citations": sum(not r["valid"] and r["error"] is None for r in rows),
        "first_errors": sorted({r["error"] for r in rows if r["error"]})[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--askers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--per-asker", type=int, default=20)
    parser.add_argument("--embedder", default="use-multilingual", help="the index's embedder (fast to build)")
    parser.add_argument("--modes", nargs="+", default=["threads", "processes"])
    parser.add_argument("--ingest", action="store_true", help="also measure with an ingest running alongside")
    parser.add_argument("--ingest-only", action="store_true", help="only the runs with an ingest alongside")
    parser.add_argument("--server", action="store_true", help="run a `chroma run` server on the index copy")
    parser.add_argument("--chroma-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    SERVER["url"] = args.chroma_url
    if args.worker:
        worker(Path(args.worker), args.embedder, share(1, args.per_asker, args.offset)[0])
        return
    base = index_for(args.chunks, args.embedder)
    results: list[dict[str, Any]] = []
    for with_ingest in [True] if args.ingest_only else [False, True] if args.ingest else [False]:
        for mode in args.modes:
            for n in args.askers:
                index = base
                ingest = None
                server = None
                if with_ingest:  # a private copy: the ingest changes it
                    index = CACHE / "load-index-copy"
                    shutil.rmtree(index, ignore_errors=True)
                    shutil.copytree(base, index)
                    if args.server:
                        server = chroma_server(index)
                    ingest = ingest_alongside(index, args.embedder)
                run = threads if mode == "threads" else processes
                rows, wall = run(index, args.embedder, n, args.per_asker)
                ingest_done = ingest is None or ingest.poll() is not None
                if ingest is not None:
                    ingest.wait(timeout=3600)
                if server is not None:
                    server.terminate()
                    server.wait(timeout=30)
                    SERVER["url"] = None
                row = {"mode": mode, "askers": n, "ingest": with_ingest, "server": server is not None}
                row.update(summary(rows, wall))
                row["ingest_finished_first"] = ingest_done if with_ingest else None
                print(json.dumps(row), flush=True)
                results.append(row)
    RESULTS.mkdir(exist_ok=True)
    out = {"machine": machine(), "chunks": args.chunks, "embedder": args.embedder, "runs": results}
    (RESULTS / "load.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
