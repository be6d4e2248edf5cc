"""This release against the previous one, in the same run on the same machine.

    python -m bench.bench_release --previous fa21dcd --sizes 1000 10000

For each release (the previous one checked out into a temporary git worktree
and run with the same virtualenv) and each corpus size: ingest wall time
(time-to-searchable: an article is searchable when its ingest returns),
ingest chunks/s, and warm retrieve/ask p50 and p95 over the golden questions.
Medians of repeated questions; each release runs in its own process so
caches and memory do not carry over. Writes bench/results/release-<sizes>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = r"""
import json, statistics, sys, time
from pathlib import Path
from rag.api import Engine
from rag.settings import Settings
from evaluation.evaluate import load_golden
folder, index, repeats = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
engine = Engine(Settings(persist_dir=index))
engine.embedder.embed(["warm up"])
began = time.perf_counter()
report = engine.ingest([folder])  # with --same-index the index is already full: nothing to add
seconds = time.perf_counter() - began
questions = [i.question for i in load_golden()]
engine.ask(questions[0])
lat = {"retrieve": [], "ask": []}
for _ in range(repeats):
    for q in questions:
        t = time.perf_counter(); engine.retrieve(q); lat["retrieve"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter(); engine.ask(q); lat["ask"].append((time.perf_counter() - t) * 1000)
def p(v, f):
    v = sorted(v); return round(v[min(len(v) - 1, round(f * (len(v) - 1)))], 1)
print(json.dumps({
    "embedder": engine.embedder.name, "chunks": engine.stats().chunks, "ingest_s": round(seconds, 1),
    "ingest_chunks_per_s": round(report.chunks / seconds, 1), "embed_s": round(report.timings.get("embed", 0), 1),
    "retrieve_ms": {"p50": p(lat["retrieve"], .5), "p95": p(lat["retrieve"], .95)},
    "ask_ms": {"p50": p(lat["ask"], .5), "p95": p(lat["ask"], .95)},
}))
"""


def measure(code: Path, folder: Path, repeats: int, index: Path | None = None) -> dict[str, object]:
    """Run the probe with ``code`` first on the path, on a fresh index (or a copy of ``index``)."""
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        if index is not None:
            shutil.copytree(index, Path(tmp) / "index")
        env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1", "RAG_PERSIST_DIR": tmp}
        env.pop("RAG_EMBEDDER", None)
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(folder), str(Path(tmp) / "index"), str(repeats)],
            cwd=code, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def shared_index(folder: Path, size: int) -> Path:
    """An E5 index of ``folder`` built once by this release (bench/.cache), for --same-index."""
    from bench.corpus import CACHE
    from rag.api import Engine
    from rag.settings import Settings

    index = CACHE / f"release-index-{size}"
    if not (index / ".complete").exists():
        shutil.rmtree(index, ignore_errors=True)
        Engine(Settings(persist_dir=index)).ingest([folder])
        (index / ".complete").write_text("built\n")
    return index


def main() -> None:
    from bench.common import RESULTS, ROOT, machine
    from bench.corpus import build

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--previous", default="fa21dcd", help="git revision of the previous release")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--same-index", action="store_true", help="ingest once with this release; both ask on copies of that index"
    )
    args = parser.parse_args()
    results: dict[str, object] = {"machine": machine(), "previous": args.previous, "runs": []}
    with tempfile.TemporaryDirectory(prefix="rag-previous-") as tmp:
        previous = Path(tmp) / "previous"
        subprocess.run(["git", "worktree", "add", "--detach", str(previous), args.previous], cwd=ROOT, check=True)
        try:
            for size in args.sizes:
                folder = build(size)
                index = shared_index(folder, size) if args.same_index else None
                for name, code in (("previous", previous), ("this", ROOT)):
                    run = {"release": name, "size": size, **measure(code, folder, args.repeats, index)}
                    print(json.dumps(run), flush=True)
                    results["runs"].append(run)  # type: ignore[attr-defined]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(previous)], cwd=ROOT, check=False)
    RESULTS.mkdir(exist_ok=True)
    name = "-".join(str(s) for s in args.sizes)
    (RESULTS / f"release-{name}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
