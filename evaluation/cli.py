"""``python -m rag eval``, kept out of rag/cli/ so the everyday commands stay small."""

from __future__ import annotations

import argparse
from typing import Any


def run_eval(engine: Any, args: argparse.Namespace) -> int:
    """``python -m rag eval``: score the suites on private indexes and print the tables (or JSON)."""
    import tempfile
    from pathlib import Path

    from evaluation.evaluate import compare, half, load_golden, table, to_json
    from evaluation.realtimeqa import REALTIMEQA, SuiteMissing, load_realtimeqa, realtimeqa_articles
    from evaluation.squad import load_squad, squad_articles
    from rag.api import Engine
    from rag.ingestion.load import find_files

    suites = ["golden", "squad-it", "realtimeqa"] if args.suite == "all" else [args.suite]
    output: dict[str, Any] = {}
    for suite in suites:
        # Private indexes (and, for RealTime QA, article files) in a temporary
        # folder, so the figures never depend on what else the user's index holds.
        with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
            if suite == "golden":
                chosen = half("golden", args.half)
                items = [i for i in load_golden() if chosen is None or i.id in chosen]
                articles = [p for p, problem in find_files([args.articles]) if not problem]
            elif suite == "squad-it":
                items = load_squad(docs=half("squad-it", args.half), english=True)
                articles = squad_articles()  # every article: the other half's are distractors
            else:
                folder = Path(args.realtimeqa) if args.realtimeqa else REALTIMEQA
                try:
                    items = load_realtimeqa(folder, weeks=half("realtimeqa", args.half))
                    articles = realtimeqa_articles(Path(tmp) / "articles", folder)  # every week's articles
                except SuiteMissing as exc:
                    print(f"## realtimeqa skipped: {exc}; pass --realtimeqa PATH to score it.\n")
                    continue
            items = items[:: args.limit] if args.limit else items
            settings = engine.settings.with_(persist_dir=Path(tmp) / "index", chroma_url=None)
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
