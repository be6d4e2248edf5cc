"""The everyday commands: ingest, embed, remove, stats, quotes, timeline (each prints or gives JSON)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from rag.cli.progress import Bar
from rag.errors import ConfigError


def ingest(engine: Any, args: argparse.Namespace) -> int:
    # Two stages: the articles are searchable by keyword when the report
    # prints; their sentence vectors (most of the time with E5) follow.
    paths = list(args.paths) + (links(args.links) if args.links else [])
    if not paths:
        raise ConfigError("nothing to ingest; name files, folders or links, or --links FILE.")
    bar = Bar("doc", "ingest", args.json)
    report = engine.ingest(paths, prune=args.prune, reindex=args.reindex, embed=False, progress=bar)
    bar.close()
    if not args.json:
        from rag.api import ingest_summary  # here, not at the top: `--help` does not load the engine

        print(ingest_summary(report))
        for group in ("added", "updated", "removed"):
            ids = getattr(report, group)
            if ids:
                print(f"  {group}: {', '.join(ids)}")
        for s in report.skipped:
            print(f"  skipped {s.path}: {s.reason}")
    left = engine.embed_status().keyword_only if args.keyword_only else embed(engine, args)
    if args.json:
        print(json.dumps({**asdict(report), "keyword_only": left}, indent=2, ensure_ascii=False))
    return 130 if left and not args.keyword_only else 0


def links(path: str) -> list[str]:
    """The links in a text file, one per line (blank lines and ``#`` comments skipped)."""
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    except OSError as exc:
        raise ConfigError(f"--links {path}: {exc.strerror or exc}; give a text file of links.") from None


def embed(engine: Any, args: argparse.Namespace, *, reraise: bool = False) -> int:
    """Embed keyword-only articles with a progress bar; returns how many are left (after Ctrl-C).

    Args:
        engine: The engine whose keyword-only articles are embedded.
        args: The command's arguments (``json`` keeps it quiet).
        reraise: Raise the Ctrl-C again once the report is printed, so a caller's loop (``feeds refresh
            --every``) stops too instead of carrying on to its next round.
    """
    quiet = bool(getattr(args, "json", False))
    waiting = engine.embed_status().keyword_only
    if not waiting:
        return 0
    if not quiet:
        print(
            f"embedding the sentences of {waiting} article(s) with {engine.embedder.name}; they are searchable by "
            "keyword meanwhile (Ctrl-C stops safely)"
        )
    bar = Bar("sentence", "embed", quiet)
    interrupted = False
    try:
        engine.embed_pending(progress=bar)
    except KeyboardInterrupt:  # what is done stays done; the rest stays keyword-only
        interrupted = True
    bar.close()
    left = engine.embed_status().keyword_only
    if left and not quiet:
        print(
            f"stopped: {left} article(s) still searchable by keyword only; `python -m rag embed` or the app "
            "finishes them"
        )
    if interrupted and reraise:
        raise KeyboardInterrupt
    return left


def stats(engine: Any, args: argparse.Namespace) -> int:
    stats = engine.stats()
    if args.json:
        print(json.dumps(asdict(stats), indent=2, ensure_ascii=False))
    else:
        span = f", {stats.date_min} – {stats.date_max}" if stats.date_min else ""
        print(f"{stats.documents} documents, {stats.chunks} chunks{span}")
        runtime = f", {stats.runtime}" if stats.runtime else ""
        print(f"embedder: {stats.embedder} ({stats.dimension}-d{runtime}); store: {stats.store}")
        if stats.keyword_only:
            print(f"{stats.keyword_only} article(s) searchable by keyword only so far (`python -m rag embed`)")
        for doc_id, title in stats.titles.items():
            print(f"  {doc_id}: {title}")
    return 0


def quotes(engine: Any, args: argparse.Namespace) -> int:
    found = [q for q in engine.quotes(args.speaker) if args.kind in ("all", q.kind)]
    if args.json:
        print(json.dumps([asdict(q) for q in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        who = f" by {args.speaker}" if args.speaker else ""
        print(f"no quotes{who} in the indexed articles (`python -m rag quotes` lists every speaker's)")
    for q in found:
        print(
            f"{q.date or 'undated':10}  {q.speaker or '(unattributed)'}  [{q.kind}, {q.doc_id} chars {q.start}-{q.end}]"
        )
        print(f"    «{q.text}»" if q.kind == "direct" else f"    {q.text}")
    return 0


def timeline(engine: Any, args: argparse.Namespace) -> int:
    entries = engine.timeline(args.subject)
    if args.json:
        print(json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print(f"nothing dated on {args.subject!r} in the indexed articles")
    for e in entries:
        who = f"{e.speaker}: " if e.speaker else ""
        print(f"{e.date or 'undated':10}  {who}{e.text}  [{e.doc_id} chars {e.start}-{e.end}]")
    return 0


def remove(engine: Any, args: argparse.Namespace) -> int:
    removed = engine.remove(args.doc_ids)
    print(f"removed {len(removed)} article(s): {', '.join(removed)}")
    return 0


def embed_command(engine: Any, args: argparse.Namespace) -> int:
    if args.workers > 1 or args.worker:
        from rag.cli.workers import run_worker, run_workers

        return run_worker(engine) if args.worker else run_workers(engine, args.workers)
    if not engine.embed_status().keyword_only:
        print("nothing to embed: every article has its sentence vectors")
        return 0
    return 130 if embed(engine, args) else 0


def eval_command(engine: Any, args: argparse.Namespace) -> int:
    from evaluation.cli import run_eval

    return run_eval(engine, args)
