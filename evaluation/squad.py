"""The SQuAD-it suite: an external Italian QA set (evaluation/data/squad-it-dev, CC BY-SA 4.0).

Scored the way its README says: a passage hits, and an answer is right, when
it holds a gold answer at its gold position, i.e. the answer with ~12
characters of the text around it (whitespace and case normalised), so the
same number elsewhere in the article does not count.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from evaluation.evaluate import EvalItem, normalise

SQUAD = Path(__file__).parent / "data" / "squad-it-dev"
CONTEXT = 12


def load_squad(
    folder: Path = SQUAD, *, docs: set[str] | None = None, english: bool = False, xquad: bool = False
) -> list[EvalItem]:
    """Questions of ``folder`` (optionally only those on ``docs``), as evaluation items.

    With ``english``, the Italian items are followed by the English versions
    of the questions ``questions-en.jsonl`` has (the README's English slice):
    the same gold spans, ``lang`` "en", ids suffixed ``-en``. With ``xquad``, then by
    XQuAD's original English questions (``questions-en-xquad.jsonl``), ids suffixed ``-xq``.
    """
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / "articles").glob("*.txt"))}
    items = []
    for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if docs is not None and row["doc"] not in docs:
            continue
        text = texts[row["doc"]]
        keys: list[str] = []
        for a in row["answers"]:
            start, answer = a["start"], a["text"]
            end = start + len(answer)
            keys += [normalise(text[max(0, start - CONTEXT) : end]), normalise(text[start : end + CONTEXT])]
        items.append(
            EvalItem(
                id=row["id"], lang="it", question=row["q"], doc_id=row["doc"], contexts=tuple(dict.fromkeys(keys)),
                answers=tuple(dict.fromkeys(a["text"] for a in row["answers"])),
            )
        )  # fmt: skip
    by_id = {i.id: i for i in items}
    for wanted, name, suffix in ((english, "questions-en.jsonl", "en"), (xquad, "questions-en-xquad.jsonl", "xq")):
        path = folder / name
        if not wanted or not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row["id"] in by_id:
                items.append(replace(by_id[row["id"]], id=f"{row['id']}-{suffix}", lang="en", question=row["q_en"]))
    return items


def squad_articles(folder: Path = SQUAD, *, docs: set[str] | None = None) -> list[Path]:
    """The article files of ``folder`` (optionally only ``docs``)."""
    return [p for p in sorted((folder / "articles").glob("*.txt")) if docs is None or p.stem in docs]
