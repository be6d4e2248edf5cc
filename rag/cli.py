"""``python -m rag``: ingest articles, ask questions, show index stats, evaluate."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from rag.cli_feeds import add_parser as add_feeds_parser
from rag.cli_feeds import run as _feeds
from rag.cli_models import add_parser as add_models_parser
from rag.cli_models import run as _models
from rag.errors import ConfigError, RagError


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m rag",
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
    add_feeds_parser(sub)
    add_models_parser(sub)
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


class Bar:
    """A tqdm bar that appears on the first report of work to do (none when quiet)."""

    def __init__(self, unit: str, desc: str, quiet: bool) -> None:
        self.unit, self.desc, self.quiet = unit, desc, quiet
        self.bar: Any = None

    def __call__(self, done: int, total: int, doc_id: str) -> None:
        from tqdm import tqdm

        if self.bar is None and total:
            self.bar = tqdm(total=total, unit=self.unit, desc=self.desc, disable=self.quiet or None)
        if self.bar is not None:
            self.bar.n = done
            self.bar.set_postfix_str(doc_id, refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _ingest(engine: Any, args: argparse.Namespace) -> int:
    # Two stages: the articles are searchable by keyword when the report
    # prints; their sentence vectors (most of the time with E5) follow.
    paths = list(args.paths) + (_links(args.links) if args.links else [])
    if not paths:
        raise ConfigError("nothing to ingest; name files, folders or links, or --links FILE.")
    bar = Bar("doc", "ingest", args.json)
    report = engine.ingest(paths, prune=args.prune, reindex=args.reindex, embed=False, progress=bar)
    bar.close()
    if not args.json:
        print(report.summary())
        for group in ("added", "updated", "removed"):
            ids = getattr(report, group)
            if ids:
                print(f"  {group}: {', '.join(ids)}")
        for s in report.skipped:
            print(f"  skipped {s.path}: {s.reason}")
    left = engine.embed_status().keyword_only if args.keyword_only else _embed(engine, args)
    if args.json:
        print(json.dumps({**asdict(report), "keyword_only": left}, indent=2, ensure_ascii=False))
    return 130 if left and not args.keyword_only else 0


def _links(path: str) -> list[str]:
    """The links in a text file, one per line (blank lines and ``#`` comments skipped)."""
    try:
        with open(path, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    except OSError as exc:
        raise ConfigError(f"--links {path}: {exc.strerror or exc}; give a text file of links.") from None


def _embed(engine: Any, args: argparse.Namespace, *, reraise: bool = False) -> int:
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


def _ask(engine: Any, args: argparse.Namespace) -> int:
    from rag.types import Answer

    answer: Answer | None = None
    streamed = False
    for item in engine.ask_stream(args.question, k=args.k, mode=args.mode, as_of=args.as_of):
        if isinstance(item, Answer):
            answer = item
        elif not args.json and engine_streams(engine, args.mode):
            print(item, end="", flush=True)  # the model's words as they come
            streamed = True
    assert answer is not None
    if args.json:
        answer = engine.render(answer)
        data = asdict(answer)
        data.pop("passages")
        data["passages"] = [{k: v for k, v in asdict(p).items() if k != "sentences"} for p in answer.passages]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if streamed:
        print("\n")  # the verified answer follows the raw stream
    if answer.notice:
        print(f"note: {answer.notice}", file=sys.stderr)
    if answer.standalone_question:
        print(f"(read as: {answer.standalone_question})")
    answer = engine.render(answer)  # sources in another language: the answer in the question's (tens of ms)
    print(render_claims(answer), flush=True)
    for d in answer.disagreements:
        print(f"disagreement: {d.versions()}")
    if answer.rendering_hint:
        print(f"note: {answer.rendering_hint}", file=sys.stderr)
    if answer.citations:
        print("\nSources:")
    names = engine.labels(sorted({d for c in answer.citations for d in c.duplicates}))
    in_answer = {n for claim in answer.claims if claim.rendered for n in claim.citations}
    for c in answer.citations:
        page = f"p. {c.page}{' (OCR)' if c.ocr else ''}" if c.page else None
        where = ", ".join(x for x in (c.outlet, c.date, page) if x)
        span = f"{c.doc_id} chars {c.start}-{c.end}"
        print(f"[{c.n}] {c.title} ({where or c.doc_id}) — {span} · {c.score_kind} {c.score:.2f}")
        if c.link:
            print(f"    {c.link}")
        print(f"    “{c.quote}”")
        if c.translation is not None and not (c.translation.shown and c.n in in_answer):
            print(f"    {rendering_line(c.translation)}")
        if version := c.version_note():
            print(f"    {version}")
        if c.duplicates:
            print(f"    also in: {', '.join(names.get(d, d) for d in c.duplicates)}")
        if c.answer:
            print(f"    answer: {c.answer} (chars {c.answer_start}-{c.answer_end})")
    return 0


def rendering_line(r: Any) -> str:
    """A citation's machine translation, labelled as one, or why it was withheld."""
    if not r.shown:
        return f"(machine translation withheld: {r.withheld})"
    return f"{r.language.upper()}, machine translation ({r.translator}): “{r.text}”"


def engine_streams(engine: Any, mode: str | None) -> bool:
    """Whether answers come from a language model (worth printing as they stream)."""
    from rag.answering.llm import is_llm

    return is_llm(mode or engine.settings.answerer)


def render_claims(answer: Any) -> str:
    """The answer's text, with sentences its sources do not support marked.

    An answer in the question's language made from sources in another (``Claim.rendered``) gives each
    sentence on its own line with the article's words beneath it, and says once that it is a machine
    translation.
    """
    if not answer.claims:
        return str(answer.rendered_text or answer.text)
    quotes = {c.n: c for c in answer.citations}
    translated = any(c.rendered for c in answer.claims)
    parts = []
    for c in answer.claims:
        marks = "".join(f" [{n}]" for n in c.citations)
        flag = "" if c.supported else (f" [unsupported: {c.why}]" if c.why else " [unsupported]")
        if c.supported and c.attributed:
            flag = " [source found by the checker]"
        # Said where it tells something: more than one source, or one source printed by several articles.
        several = len(c.sources) > 1 or sum(len(s) for s in c.sources) > 1
        reported = f" ({c.reported_by()})" if several else ""
        line = f"{c.rendered or c.text}{marks}{flag}{reported}"
        if c.rendered:
            line += "".join(
                f"\n    {(quotes[n].language or '').upper()}: “{quotes[n].quote}” [{n}]"
                for n in c.citations
                if n in quotes
            )
        parts.append(line)
    if not translated:
        return " ".join(parts)
    from rag.api import translation_note

    return "\n".join([*parts, f"({translation_note(answer)})"])


def _stats(engine: Any, args: argparse.Namespace) -> int:
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


def _quotes(engine: Any, args: argparse.Namespace) -> int:
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


def _timeline(engine: Any, args: argparse.Namespace) -> int:
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


def _remove(engine: Any, args: argparse.Namespace) -> int:
    removed = engine.remove(args.doc_ids)
    print(f"removed {len(removed)} article(s): {', '.join(removed)}")
    return 0


def _embed_command(engine: Any, args: argparse.Namespace) -> int:
    if args.workers > 1 or args.worker:
        from rag.cli_workers import run_worker, run_workers

        return run_worker(engine) if args.worker else run_workers(engine, args.workers)
    if not engine.embed_status().keyword_only:
        print("nothing to embed: every article has its sentence vectors")
        return 0
    return 130 if _embed(engine, args) else 0


def _eval(engine: Any, args: argparse.Namespace) -> int:
    from evaluation.cli import run_eval

    return run_eval(engine, args)


COMMANDS = {
    "ingest": _ingest,
    "remove": _remove,
    "embed": _embed_command,
    "ask": _ask,
    "quotes": _quotes,
    "timeline": _timeline,
    "stats": _stats,
    "feeds": _feeds,
    "models": _models,
    "eval": _eval,
}
