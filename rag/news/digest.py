"""What the articles of a day report: "What happened on 6 January?", "Cosa è successo ieri?".

A question whose only topic is a day or a period (rag/search/dates.py turns it into a date filter)
has no sentence that answers it better than another: the answer model would pick one event, or refuse. It
is answered with the news of that period: the lead sentence of each of its articles, newest first, cited.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.features import is_fragment
from rag.text.calendar import date_words
from rag.text.question import content_words, entities, language
from rag.types import Answer, Citation, Claim, Passage

# Articles summed up in one answer.
LEADS = 3


def about_the_period(question: str) -> bool:
    """Whether the question's only topic is its time: no name, and one word at most beside its date words."""
    words = set(content_words(question)) - date_words(language(question))
    return not entities(question) and len(words) <= 1


def digest(question: str, passages: Sequence[Passage], *, language: str) -> Answer | None:
    """Each article's earliest retrieved sentence that is not a heading, newest article first; None without any."""
    firsts: dict[str, Passage] = {}
    for p in passages:
        if p.doc_id not in firsts or p.start < firsts[p.doc_id].start:
            firsts[p.doc_id] = p
    newest = sorted(firsts.values(), key=lambda p: p.date or "", reverse=True)
    citations: list[Citation] = []
    claims: list[Claim] = []
    for p in newest:
        lead = next((s for s in p.sentence_texts() if not is_fragment(s[2])), None)
        if lead is None:
            continue
        start, end, text = lead
        n = len(citations) + 1
        citations.append(
            Citation(
                n=n, doc_id=p.doc_id, title=p.title, date=p.date, source=p.source, quote=text, start=start,
                end=end, score=round(p.score, 4), outlet=p.outlet, passage_start=p.start, passage_end=p.end,
            )
        )  # fmt: skip
        claims.append(Claim(" ".join(text.split()), (n,), 1.0, True))
        if n == LEADS:
            break
    if not citations:
        return None
    text = " ".join(f"{c.text} [{c.citations[0]}]" for c in claims)
    return Answer(question, text, tuple(citations), False, tuple(passages), language=language, claims=tuple(claims))
