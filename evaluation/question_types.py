"""The question-type dev set (evaluation/data/question_types.jsonl): is each kind of question answered usefully?

90 questions over the sample articles and 38 over the tune half of SQuAD-it, written here (28 of the SQuAD-it
ones are its own questions that rag/text/kinds.py reads as a count, a time, a list or a who-is, with their
gold answers). Each carries rules a program checks on the answer, never a judge:

- ``must`` (with ``at_least``, default all): phrases the answer's quotes or text hold (``a|b``: either);
- ``first``: a phrase the first cited sentence holds (the count's number, the role's name);
- ``cites`` / ``cites_at_least``: articles (id prefixes) the answer cites, or how many distinct ones;
- ``first_doc``: the article the first citation comes from ("the latest": the newest);
- ``avoid``: phrases the answer must not hold ("No article quotes Macron" to "And Macron?");
- ``refuse``: the answer is a refusal (an on-topic question the articles do not answer).

An answerable question is *useful* when the answer is no refusal and meets every rule; an unanswerable one is
*refused* when it is a refusal. The ``tune`` half (odd numbers) is for choosing; the ``test`` half (even) is
looked at once, at the end. Run: ``python -m evaluation.question_types --half tune``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.text.words import fold
from rag.types import Answer

DATA = Path(__file__).parent / "data" / "question_types.jsonl"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class TypedQuestion:
    """One question of the set and its rules."""

    id: str
    corpus: str
    lang: str
    kind: str
    question: str
    history: tuple[tuple[str, str], ...] = ()
    must: tuple[str, ...] = ()
    at_least: int | None = None
    first: str | None = None
    cites: tuple[str, ...] = ()
    cites_at_least: int = 0
    first_doc: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    refuse: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def half(self) -> str:
        """``tune`` for odd numbers, ``test`` for even ones."""
        return "tune" if int(self.id[1:]) % 2 else "test"


def load(path: Path = DATA) -> list[TypedQuestion]:
    """Every question of the set."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        known = {k: row.pop(k) for k in list(row) if k in TypedQuestion.__dataclass_fields__}
        for key in ("must", "cites", "first_doc", "avoid"):
            known[key] = tuple(known.get(key, ()))
        known["history"] = tuple(tuple(turn) for turn in known.get("history", ()))
        out.append(TypedQuestion(**known, extra=row))
    return out


def _holds(text: str, phrase: str) -> bool:
    return any(fold(option) in text for option in phrase.split("|"))


def score(item: TypedQuestion, answer: Answer) -> dict[str, Any]:
    """Whether ``answer`` meets ``item``'s rules: ``useful`` (answerable ones) or ``refused``, and why not."""
    refused = answer.abstained or not answer.citations
    if item.refuse:
        return {"refused": refused, "useful": None, "why": "" if refused else "answered"}
    if refused:
        return {"refused": True, "useful": False, "why": "refused"}
    said = fold(" ".join([answer.text, *(c.quote for c in answer.citations)]))
    found = [p for p in item.must if _holds(said, p)]
    why = []
    if len(found) < (item.at_least if item.at_least is not None else len(item.must)):
        why.append(f"holds {len(found)}/{len(item.must)} of {list(item.must)}")
    if any(_holds(said, p) for p in item.avoid):
        why.append("says what it must not")
    if item.first and not _holds(fold(answer.citations[0].quote), item.first):
        why.append(f"first sentence lacks {item.first!r}")
    docs = {c.doc_id for c in answer.citations}
    if item.cites and not all(any(d.startswith(p) for d in docs) for p in item.cites):
        why.append(f"cites {sorted(docs)}, not {list(item.cites)}")
    if len(docs) < item.cites_at_least:
        why.append(f"cites {len(docs)} articles, not {item.cites_at_least}")
    if item.first_doc and not any(answer.citations[0].doc_id.startswith(p) for p in item.first_doc):
        why.append(f"first cites {answer.citations[0].doc_id}")
    return {"refused": False, "useful": not why, "why": "; ".join(why)}


def run(items: list[TypedQuestion], *, render: bool = False) -> list[dict[str, Any]]:
    """Ask each question of a private index of its corpus; one row per question with its score."""
    from evaluation.squad import squad_articles
    from rag.api import Engine
    from rag.settings import Settings

    rows = []
    with tempfile.TemporaryDirectory(prefix="rag-types-") as tmp:
        engines: dict[str, Engine] = {}
        for corpus in sorted({i.corpus for i in items}):
            engine = Engine(Settings.from_env(persist_dir=Path(tmp) / corpus, chroma_url=None))
            engine.ingest([ROOT / "data" / "articles"] if corpus == "sample" else squad_articles())
            engines[corpus] = engine
        for item in items:
            answer = engines[item.corpus].ask(item.question, history=list(item.history) or None, render=render)
            rows.append({"id": item.id, "kind": item.kind, "lang": item.lang, "corpus": item.corpus,
                         "question": item.question, "answer": answer.text[:300], **score(item, answer)})  # fmt: skip
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    """A Markdown table: per kind, how many, and the share useful (or refused, for the unanswerable)."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    lines = ["| kind | questions | useful / refused |", "|---|---|---|"]
    for kind, group in sorted(by_kind.items()):
        key = "refused" if kind == "unanswerable" else "useful"
        share = sum(bool(r[key]) for r in group) / len(group)
        lines.append(f"| {kind} | {len(group)} | {share:.2f} |")
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    if answerable:
        lines.append(f"| **answerable, all** | {len(answerable)} | **{_share(answerable, 'useful'):.2f}** |")
    if unanswerable:
        lines.append(f"| **unanswerable, refused** | {len(unanswerable)} | **{_share(unanswerable, 'refused'):.2f}** |")
    return "\n".join(lines)


def _share(rows: list[dict[str, Any]], key: str) -> float:
    return sum(bool(r[key]) for r in rows) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tune", "test", "all"], default="tune")
    parser.add_argument("--corpus", choices=["sample", "squad-it", "all"], default="all")
    parser.add_argument("--misses", action="store_true", help="list each question that is not useful or refused")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args()
    items = [i for i in load() if args.half in ("all", i.half) and args.corpus in ("all", i.corpus)]
    rows = run(items)
    print(report(rows))
    if args.misses:
        for r in rows:
            if (r["useful"] is False) or (r["kind"] == "unanswerable" and not r["refused"]):
                print(f"- {r['id']} [{r['kind']}] {r['question']} -> {r['why']}: {r['answer'][:160]}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
