"""``python -m rag``: the parser, and each command run with one engine; a user's error is one line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rag.cli import answer, commands, feeds, models
from rag.errors import RagError


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        # Named as it was called: the installed script (pyproject's [project.scripts]) or the module.
        prog="news-rag" if Path(sys.argv[0]).name == "news-rag" else "python -m rag",
        description="Question answering over news articles, with a citation for every sentence.",
        epilog="Configuration comes from RAG_* environment variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "ingest", help="index article files and folders (.txt .md .html .pdf .docx) and news pages or PDFs by URL"
    )
    p.add_argument("paths", nargs="*", help="files or folders of articles, or http(s):// links to news pages")
    p.add_argument("--links", default=None, metavar="FILE", help="a text file of links to fetch, one per line")
    p.add_argument("--prune", action="store_true", help="remove documents whose files are gone from a folder")
    p.add_argument("--reindex", action="store_true", help="drop the index first (after changing RAG_EMBEDDER)")
    p.add_argument(
        "--keyword-only",
        action="store_true",
        help="return once the articles are searchable by keyword; the app or `python -m rag embed` adds their vectors",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p = sub.add_parser("remove", help="take articles out of the index by doc id (see `stats`)")
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    p = sub.add_parser("embed", help="embed the sentences of articles searchable by keyword only so far")
    p.add_argument(
        "--workers", type=int, default=1, metavar="N",
        help="N worker processes sharing the CPU (needs RAG_CHROMA_URL); on other machines run `embed --worker`",
    )  # fmt: skip
    p.add_argument("--worker", action="store_true", help="one worker among several: claim each article first")
    p.add_argument("--threads", type=int, default=None, help="CPU threads of the model (default RAG_EMBED_THREADS)")
    p = sub.add_parser("ask", help="answer a question from the indexed articles")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=None, help="passages to retrieve (default RAG_TOP_K)")
    p.add_argument(
        "--mode",
        default=None,
        help="extractive, llamacpp:<model>, ollama:<model> or openai:<model> (default RAG_ANSWERER)",
    )
    p.add_argument(
        "--as-of",
        default=None,
        metavar="YYYY-MM-DD",
        help='the day "this week", "ieri" count back from (default today)',
    )
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p = sub.add_parser("quotes", help="who said what: direct quotes and reported speech, newest first")
    p.add_argument("--speaker", default=None, help="one speaker, any form of the name (Zelensky, il leader ucraino…)")
    p.add_argument("--kind", choices=["direct", "reported", "all"], default="all")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("timeline", help="dated statements on a topic or a person, oldest first")
    p.add_argument("subject", help='a topic ("garanzie di sicurezza") or a person ("Zelensky")')
    p.add_argument("--json", action="store_true")
    feeds.add_parser(sub)
    models.add_parser(sub)
    p = sub.add_parser("stats", help="what the index holds")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("eval", help="score a question suite: ours, BM25 alone, dense alone, the LangChain tutorial")
    p.add_argument(
        "--suite",
        choices=["golden", "squad-it", "realtimeqa", "all"],
        default="golden",
        help="question set (default golden); realtimeqa reads ../shared/eval/realtimeqa-dev and is skipped without it",
    )
    p.add_argument("--realtimeqa", default=None, help="the RealTime QA folder (default: ../shared/eval/realtimeqa-dev)")
    p.add_argument("--half", choices=["test", "tune", "all"], default="test", help="which fixed half (default test)")
    p.add_argument("--articles", default="data/articles", help="the articles the golden set is about")
    p.add_argument("--limit", type=int, default=None, help="score every n-th question only, for a quick look")
    p.add_argument("--no-baseline", action="store_true", help="skip the LangChain tutorial and the other embedders")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        from rag.api import Engine
        from rag.settings import Settings

        overrides = {"embed_threads": args.threads} if getattr(args, "threads", None) else {}
        engine = Engine(Settings.from_env(**overrides))
        if args.command in ("ask", "ingest", "embed"):
            engine.preload(passages=args.command != "ask")
        return int(COMMANDS[args.command](engine, args) or 0)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


COMMANDS = {
    "ingest": commands.ingest,
    "remove": commands.remove,
    "embed": commands.embed_command,
    "ask": answer.ask,
    "quotes": commands.quotes,
    "timeline": commands.timeline,
    "stats": commands.stats,
    "feeds": feeds.run,
    "models": models.run,
    "eval": commands.eval_command,
}
