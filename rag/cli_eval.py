"""``python -m rag eval``, kept out of rag/cli.py so the everyday commands stay small."""

from __future__ import annotations

import argparse
from typing import Any


def run_eval(engine: Any, args: argparse.Namespace) -> int:
    """``python -m rag eval``: score the suites on private indexes and print the tables (or JSON)."""
    import tempfile
    from pathlib import Path

    from rag.api import Engine
    from rag.evaluate import compare, half, load_golden, table, to_json
    from rag.load import find_files
    from rag.squad import load_squad, squad_articles

    suites = ["golden", "squad-it"] if args.suite == "all" else [args.suite]
    output: dict[str, Any] = {}
    for suite in suites:
        if suite == "golden":
            chosen = half("golden", args.half)
            items = [i for i in load_golden() if chosen is None or i.id in chosen]
            articles = [p for p, problem in find_files([args.articles]) if not problem]
        else:
            items = load_squad(docs=half("squad-it", args.half))
            articles = squad_articles()  # every article: the other half's are distractors
        items = items[:: args.limit] if args.limit else items
        # Private indexes of the articles, so the figures never depend on what
        # else the user's index holds.
        with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
            settings = engine.settings.with_(persist_dir=Path(tmp), chroma_url=None)
            ours = Engine(settings, embedder=engine.embedder)
            ours.ingest(articles)
            others = {}
            if not args.no_baseline and engine.embedder.name != "use-multilingual":
                use = Engine(settings.with_(embedder="use-multilingual", collection="use"))
                use.ingest(articles)
                others["use-multilingual"] = use
            results = compare(ours, articles, items, baseline=not args.no_baseline, others=others)
        output[suite] = results
        if not args.json:
            print(f"## {suite}, {args.half} half: {len(items)} questions, {len(articles)} articles\n")
            print(table(results) + "\n")
    if args.json:
        print("{" + ",".join(f'"{k}": {to_json(v)}' for k, v in output.items()) + "}")
    return 0
