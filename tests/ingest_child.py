"""An ingest in a child process that the reliability tests kill or stall on purpose.

``--kill-at N`` sends SIGKILL to itself just before the N-th write call to the
store (upsert or delete of any collection, the pending marks included): a crash at an exact
point of an ingest, not a polite exit. ``--hold S`` sleeps S seconds after
the first batch of documents is written, holding the writer lock, so another process can bump into it.
``--embed-only`` runs the second stage alone (keyword-only articles get their vectors).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Any

from rag.api import Engine, ingest_summary
from rag.errors import RagError
from rag.settings import Settings
from vectorstore.core import StoreClient

WRITES = ("upsert", "add", "delete", "update")


def arm(kill_at: int) -> None:
    """Make the N-th write call to Chroma kill this process."""
    count = 0
    original = StoreClient.call

    def counted(self: StoreClient, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal count
        if getattr(fn, "__name__", "") in WRITES:
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return original(self, fn, *args, **kwargs)

    StoreClient.call = counted  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--index", required=True)
    parser.add_argument("--kill-at", type=int, default=0)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--prune", action="store_true")
    parser.add_argument("--embed-only", action="store_true", help="embed keyword-only articles, ingest nothing")
    args = parser.parse_args()
    if args.kill_at:
        arm(args.kill_at)

    held: list[int] = []

    def progress(done: int, total: int, doc_id: str) -> None:
        if args.hold and done > 0 and not held:  # after a batch is written, lock still held
            held.append(done)
            print("holding", flush=True)
            time.sleep(args.hold)

    engine = Engine(Settings(persist_dir=args.index))
    try:
        if args.embed_only:
            print(f"embedded {engine.embed_pending()}", flush=True)
            return 0
        report = engine.ingest(args.paths, prune=args.prune, progress=progress)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(ingest_summary(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
