"""Cold start of the Streamlit app to its first answer, and its peak RSS, in one fresh process.

Runs ui.py under Streamlit's AppTest (the app's real script and runtime, no
browser), asks one question, and prints JSON: seconds from process start to
the rendered answer, and the process's peak RSS in MB.

Usage: RAG_PERSIST_DIR=... python -m bench.app_probe "Cosa ha promesso Meloni?"
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before any heavy import

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

UI = Path(__file__).resolve().parent.parent / "ui.py"


def main() -> None:
    stages = {"imports": rss_mb()}  # Python, Streamlit and its test runtime
    at = AppTest.from_file(str(UI), default_timeout=600).run()
    stages["page"] = rss_mb()  # + the engine: store opened, models loading, the page drawn
    at.chat_input[0].set_value(sys.argv[1]).run()
    if at.exception or at.error:
        raise SystemExit(f"app failed: {at.exception or at.error}")
    first_answer = time.perf_counter() - STARTED
    stages["answer"] = rss_mb()  # + what the first answer loads (BM25, vocabulary, HNSW pages touched)
    out = {"cold_start_s": round(first_answer, 2), "peak_rss_mb": round(peak_rss_mb())}
    print(json.dumps({**out, "rss_mb_after": {k: round(v) for k, v in stages.items()}}))


def rss_mb() -> float:
    """This process's resident memory now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """This process's own peak RSS.

    Linux's ``ru_maxrss`` survives ``exec``: a child started by a process that
    already holds gigabytes (the bench, after an ingest) reports the parent's
    size. ``VmHWM`` belongs to the address space the child builds after exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
