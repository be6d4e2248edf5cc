"""What the articles of a day report: "What happened on 6 January?", "Cosa è successo ieri?".

A question whose only topic is a day or a period (rag/search/dates.py turns it into a date filter)
has no sentence that answers it better than another: the answer model would pick one event, or refuse. It
is answered with the news of that period: the lead sentence of each of its articles, newest first, cited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rag.answering.features import is_fragment
from rag.text.calendar import date_words
from rag.text.question import content_words, entities, language
from rag.types import Answer, Citation, Claim, Filters, Passage

# Articles summed up in one answer: of a day, and of the whole index.
LEADS = 3
OVERVIEW = 5


def about_the_period(question: str) -> bool:
    """Whether the question's only topic is its time: no name, and one word at most beside its date words."""
    words = set(content_words(question)) - date_words(language(question))
    return not entities(question) and len(words) <= 1


def digest(
    question: str, passages: Sequence[Passage], *, language: str, leads: int = LEADS, min_words: int = 0
) -> Answer | None:
    """Each article's earliest retrieved sentence that is not a heading, newest article first; None without any.

    ``min_words`` passes over a shorter lead (a headline's "La bozza: …") for the article's next sentence.
    """
    firsts: dict[str, Passage] = {}
    for p in passages:
        if p.doc_id not in firsts or p.start < firsts[p.doc_id].start:
            firsts[p.doc_id] = p
    newest = sorted(firsts.values(), key=lambda p: p.date or "", reverse=True)
    citations: list[Citation] = []
    claims: list[Claim] = []
    for p in newest:
        lead = next((s for s in p.sentence_texts() if not is_fragment(s[2]) and len(s[2].split()) >= min_words), None)
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
        if n == leads:
            break
    if not citations:
        return None
    text = " ".join(f"{c.text} [{c.citations[0]}]" for c in claims)
    return Answer(question, text, tuple(citations), False, tuple(passages), language=language, claims=tuple(claims))


def newest_articles(documents: dict[str, dict[str, Any]], filters: Filters | None, *, count: int) -> list[str]:
    """The ids of the ``count`` newest articles the filters admit (undated ones last), for an overview.

    "Summarize the articles", "Riassumi le notizie": a summary with no topic reads the index's newest
    articles, not the passages most like words that name no topic.
    """
    f = filters or Filters()
    kept = [
        (str(meta.get("date") or ""), doc_id)
        for doc_id, meta in documents.items()
        if (not f.doc_ids or doc_id in f.doc_ids)
        and (not f.outlets or meta.get("outlet") in f.outlets)
        and (not f.date_from or str(meta.get("date") or "") >= f.date_from)
        and (not f.date_to or (meta.get("date") and str(meta["date"]) <= f.date_to))
    ]
    kept.sort(reverse=True)
    return [doc_id for _, doc_id in kept[:count]]


def overview(question: str, *, index: Any, filters: Filters | None, language: str) -> Answer | None:
    """The lead sentence of each of the newest articles of ``index`` (one story once), newest first; None if none."""
    store, passages, seen = index.store, [], set()
    for doc_id in newest_articles(store.documents(), filters, count=OVERVIEW * 3):
        records = store.chunks_of(doc_id) if doc_id not in seen else []
        if records:
            first = index.retriever.passage(min(records, key=lambda r: int(r.meta.get("start", 0))))
            passages.append(first)
            seen |= {doc_id, *first.duplicates}
        if len(passages) == OVERVIEW:
            break
    return digest(question, passages, language=language, leads=OVERVIEW, min_words=12)
