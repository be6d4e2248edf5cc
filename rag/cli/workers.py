"""``python -m rag embed --workers N`` and ``--worker``: embedding spread over processes or machines.

Every worker takes keyword-only articles from the shared index, claiming
each first (``vectorstore/claims.py``), so none is taken twice and the article
of a worker that died is taken over when its claim's lease runs out. On one
machine ``--workers N`` starts N ``--worker`` processes, each with its share
of the CPU threads; on several machines sharing a Chroma server, run
``python -m rag embed --worker`` on each.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from typing import Any

from rag.errors import ConfigError


def run_worker(engine: Any) -> int:
    """One worker: embed unclaimed keyword-only articles until none is left; prints each one it finished."""
    owner = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
    finished: list[str] = []

    def report(done: int, total: int, doc_id: str) -> None:
        while finished:  # the ids this worker wrote since the last report, as they happen
            print(f"embedded {finished.pop(0)}", flush=True)

    count = 0
    with contextlib.suppress(KeyboardInterrupt):  # what is written stays; a claim left behind ends with its lease
        count = engine.embed_as_worker(owner, progress=report, finished_ids=finished)
    report(0, 0, "")
    print(f"worker {owner}: {count} article(s) embedded", flush=True)
    return 0 if not engine.embed_status().keyword_only else 130


def run_workers(engine: Any, n: int) -> int:
    """Start ``n`` worker processes on this machine and wait for them (their "embedded" lines go to stdout)."""
    if engine.settings.chroma_url is None:
        raise ConfigError(
            "--workers needs a Chroma server: worker processes writing one embedded directory can deadlock in "
            "SQLite; run `chroma run --path DIR --port 8000` and set RAG_CHROMA_URL=http://127.0.0.1:8000."
        )
    waiting = engine.embed_status().keyword_only
    if not waiting:
        print("nothing to embed: every article has its sentence vectors")
        return 0
    threads = max(1, engine.settings.embed_threads // n)
    print(f"embedding {waiting} article(s) with {n} workers of {threads} thread(s) each")
    command = [sys.executable, "-m", "rag", "embed", "--worker", "--threads", str(threads)]
    workers = [subprocess.Popen(command) for _ in range(n)]
    try:
        while any(w.poll() is None for w in workers):
            time.sleep(1.0)
    except KeyboardInterrupt:  # the workers got the same Ctrl-C and stop after their current article
        for w in workers:
            w.wait()
        return 130
    left = engine.embed_status().keyword_only
    print(f"{waiting - left} of {waiting} article(s) embedded" + (f"; {left} left" if left else ""))
    return 0 if not left and all(w.returncode == 0 for w in workers) else 1
