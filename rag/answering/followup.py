"""Follow-up questions made standalone without a model.

"E Macron?" after "Cosa ha promesso Meloni?" becomes "Cosa ha promesso
Macron?": the previous topic is carried over and the new name replaces the
old one. LLM modes use the condense prompt instead (``rag/answering/chain.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.text.question import OPENER as _OPENER
from rag.text.question import PRONOUN as _PRONOUN
from rag.text.question import entities, words

History = Sequence[tuple[str, str]] | Sequence[Mapping[str, str]]


def user_turns(history: History | None) -> list[str]:
    """The user's earlier questions, oldest first, from either history shape."""
    turns: list[str] = []
    for turn in history or ():
        role, text = (turn.get("role", ""), turn.get("content", "")) if isinstance(turn, Mapping) else turn
        if role in ("user", "human") and str(text).strip():
            turns.append(str(text).strip())
    return turns


def standalone(question: str, history: History | None) -> str:
    """``question`` rewritten to stand alone, given the earlier user turns.

    Earlier turns are rewritten first, so a chain of follow-ups ("E Macron?",
    then "E Starmer?") keeps the first question's topic.
    """
    previous: str | None = None
    for turn in user_turns(history):
        previous = turn if previous is None else rewrite(turn, previous)
    return question if previous is None else rewrite(question, previous)


def rewrite(question: str, previous: str) -> str:
    """One follow-up against the previous standalone question."""
    opener = _OPENER.match(question)
    rest = question[opener.end() :] if opener else question
    new_names = entities(rest)
    old_names = entities(previous)
    n_words = len(words(rest))
    # Elliptical: an opener ("E", "And what about") or nothing but names.
    elliptical = bool(opener) or (bool(new_names) and n_words <= len(new_names))
    if new_names and old_names and elliptical and n_words <= len(new_names) + 2:
        # "E Macron?" -> the previous question about Macron instead.
        # The subject is the first name that is not an acronym ("SBU", "UE"):
        # only it, and names listed with it ("Meloni e Macron"), are replaced;
        # the other names keep the question's topic.
        subject = next((n for n in old_names if not n.isupper()), old_names[0])
        listed = rf"\b{re.escape(subject)}\b((?:\s*(?:,|\be\b|\band\b)\s*(?:{'|'.join(map(re.escape, old_names))})\b)*)"
        return re.sub(listed, lambda _: _join(new_names, previous), previous, count=1)
    if not new_names and old_names and _PRONOUN.search(rest):
        # "What did he say about troops?" -> name the person.
        return _PRONOUN.sub(old_names[0], rest, count=1)
    if elliptical and not new_names and rest.strip():
        # "E quando?" / "And when?": keep the question word, carry the topic.
        ask = rest.strip().rstrip("?").strip()
        return f"{ask[:1].upper()}{ask[1:]}? ({previous})"
    return question


def _join(names: list[str], previous: str) -> str:
    conj = " e " if _is_italian(previous) else " and "
    return conj.join(names) if len(names) > 1 else names[0]


def _is_italian(text: str) -> bool:
    from rag.text.question import language

    return language(text) == "it"
