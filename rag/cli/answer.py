"""``python -m rag ask``: the answer, sentence by sentence, then its sources."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

# rag.api is imported by each command, not by this module: `python -m rag --help` stays fast.


def ask(engine: Any, args: argparse.Namespace) -> int:
    from rag.api import version_note, versions
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
        print(f"disagreement: {versions(d)}")
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
            print(f"    {rendering_line(c)}")
        if version := version_note(c):
            print(f"    {version}")
        if c.duplicates:
            print(f"    also in: {', '.join(names.get(d, d) for d in c.duplicates)}")
        if c.answer:
            print(f"    answer: {c.answer} (chars {c.answer_start}-{c.answer_end})")
    return 0


def rendering_line(c: Any) -> str:
    """A citation's rendering, labelled as a machine translation, or why it was withheld."""
    from rag.api import rendering_label

    label = rendering_label(c)
    return f"{label} “{c.translation.text}”" if c.translation.shown else label


def engine_streams(engine: Any, mode: str | None) -> bool:
    """Whether answers come from a language model (worth printing as they stream)."""
    return bool(engine.streams(mode))


def render_claims(answer: Any) -> str:
    """The answer's text, sentence by sentence, unsupported ones marked (rag/display.answer_as_text)."""
    from rag.api import answer_as_text

    return str(answer_as_text(answer))
