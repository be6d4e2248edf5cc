"""Answers to "what did X say / promise / reject": X's own words first, named and dated.

A sentence where X is the speaker (rag/news/quoting.py) outranks one that only
mentions X; the answer gives speaker and date, ``Maria Zakharova (4 September
2025): «…» [1]``, and when X's quotes come from different dates they are
shown in order, "earlier" then "later". Someone the articles mention but
never quote gets that said plainly, not someone else's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date as Date
from typing import Any

from rag import fitted
from rag.answering.answer_types import asks_for
from rag.answering.extractive import ABSTAIN, Candidate
from rag.display import say
from rag.news.quotebook import QuoteBook
from rag.news.quoting import is_speech
from rag.news.speakers import name_runs, words
from rag.text.calendar import month_name
from rag.text.question import language as language_of
from rag.text.speech import ASKING as _ASKING
from rag.types import Answer, Citation, Claim, Passage, Quote, Sentence

MAX_QUOTES = 3
WHOLE = 0.6  # a quote this much of its sentence is shown alone; a shorter one with its sentence


def asked_speaker(question: str, book: QuoteBook) -> str | None:
    """The speaker a "what did X say…" question is about, or None for other questions.

    A question that asks for a person, place, number or date ("Chi ha scritto…",
    "Quanto ha promesso X…") wants that, not X's words; a one- or two-letter
    part of a name ("Silas B. Cobb") names nobody.
    """
    tokens = words(question)
    lang = language_of(question)
    if asks_for(question) or not any(is_speech(w, lang=lang) or w in _ASKING for w in tokens):
        return None
    for _, _, name in name_runs(question):
        for part in (name, *(w for w in name.split() if len(w) >= 3)):
            who = book.speaker(part)
            if who:
                return who
    return None


def not_quoted(question: str, speaker: str, *, passages: list[Passage], language: str) -> Answer:
    """The honest answer about someone the articles never quote, citing where the name appears."""
    surname = speaker.split()[-1]
    citations: list[Citation] = []
    for p in passages:
        if any(c.doc_id == p.doc_id for c in citations) or len(citations) == MAX_QUOTES:
            continue
        for start, end, text in p.sentence_texts():
            if re.search(rf"\b{re.escape(surname)}\b", text):
                citations.append(
                    Citation(len(citations) + 1, p.doc_id, p.title, p.date, p.source, text, start, end, 0.0,
                             outlet=p.outlet, passage_start=p.start, passage_end=p.end)
                )  # fmt: skip
                break
    marks = " ".join(f"[{c.n}]" for c in citations)
    n = len(citations)
    if language == "it":
        where = f"il nome compare in {n} articol{'o' if n == 1 else 'i'} {marks}, ma" if n else "e"
        text = f"Nessun articolo riporta parole di {speaker}: {where} nessuno gli attribuisce dichiarazioni."
    else:
        where = f"the name appears in {n} article{'' if n == 1 else 's'} {marks}, but" if n else "and"
        text = f"No article quotes {speaker}: {where} none attributes any words to this person."
    return Answer(question, text, tuple(citations), False, tuple(passages), language=language)


def compose(
    question: str,
    speaker: str,
    *,
    said: list[Quote],
    candidates: list[Candidate],
    article: Callable[[str], tuple[list[Sentence], dict[str, Any]]],
    language: str,
) -> Answer | None:
    """The answer from ``speaker``'s quotes, ranked by the answer model's candidates that hold them.

    None when no candidate within the answer margin of the best holds their
    words: the question is then about something they did not say here.

    Args:
        question: The (standalone) question.
        speaker: The canonical speaker.
        said: Every quote of the speaker the filters allow.
        candidates: Sentences of retrieved passages, best first (ExtractiveAnswerer.rank).
        article: A doc id's sentences (to show a short quote in its sentence) and metadata.
        language: Of the answer's framing words.
    """
    holding = _holding(said, candidates)
    if not holding or holding[0][1].score < candidates[0].score - fitted.ANSWER_MARGIN:
        return None
    top = holding[0][1].score
    ranked: list[tuple[Quote, Candidate | None]] = [(q, c) for q, c in holding if c.score >= top - fitted.ANSWER_MARGIN]
    # Their position on the same subject at other dates ("earlier … later …"): the best quote of each
    # other date, within twice the margin.
    shown_dates = {q.date for q, _ in ranked}
    for q, c in holding:
        if q.date not in shown_dates and c.score >= top - 2 * fitted.ANSWER_MARGIN:
            ranked.append((q, c))
            shown_dates.add(q.date)
    direct = [r for r in ranked if r[0].kind == "direct"]
    chosen = (direct or ranked)[:MAX_QUOTES]
    dates = {q.date for q, _ in chosen if q.date}
    if len(dates) > 1:
        chosen.sort(key=lambda r: r[0].date or "")
    citations, claims = [], []
    for n, (q, holder) in enumerate(chosen, 1):
        sentences, meta = article(q.doc_id)
        shown, start, end = _shown(q, sentences)
        citations.append(_citation(n, q, holder, meta, start, end, shown))
        label = speaker + (f" ({_date(q.date, language)})" if q.date else "")
        if len(dates) > 1:
            label = f"{say('earlier' if n == 1 else 'later', language)}, {label}"
        body = f"«{shown}»" if q.kind == "direct" and (start, end) == (q.start, q.end) else shown
        if q.kind == "reported":
            label += f", {say('as_reported', language)}"
        claims.append(Claim(f"{label}: {body}", (n,), 1.0, True))
    text = " ".join(f"{c.text} [{c.citations[0]}]" for c in claims)
    passages = tuple(h.passage for _, h in chosen if h is not None)
    return Answer(question, text, tuple(citations), False, passages, language=language, claims=tuple(claims))


def _holding(said: list[Quote], candidates: list[Candidate]) -> list[tuple[Quote, Candidate]]:
    """Each of the speaker's quotes that a candidate sentence holds, with its best candidate, best first."""
    found: list[tuple[Quote, Candidate]] = []
    seen: set[str] = set()
    for c in candidates:
        for q in said:
            if q.doc_id == c.passage.doc_id and q.start < c.end and c.start < q.end and q.text not in seen:
                found.append((q, c))
                seen.add(q.text)
    return found


def _shown(q: Quote, sentences: list[Sentence]) -> tuple[str, int, int]:
    """The quote alone when it is most of its sentence, else the sentence that holds it (with its context)."""
    if q.kind == "reported":
        return q.text, q.start, q.end
    holder = next((s for s in sentences if s.start <= q.start and q.end <= s.end + 1), None)
    if holder is None or (q.end - q.start) >= WHOLE * (holder.end - holder.start):
        return q.text, q.start, q.end
    return holder.text, holder.start, holder.end


def _citation(
    n: int, q: Quote, c: Candidate | None, meta: dict[str, Any], start: int, end: int, shown: str
) -> Citation:
    p: Passage | None = c.passage if c is not None else None
    inside = (start, end) != (q.start, q.end)  # the quote is bolded inside its sentence
    return Citation(
        n=n,
        doc_id=q.doc_id,
        title=str(meta.get("title") or q.doc_id),
        date=q.date,
        source=meta.get("source"),
        quote=shown,
        start=start,
        end=end,
        score=round(c.similarity, 4) if c is not None else 0.0,
        outlet=meta.get("outlet"),
        passage_start=min(p.start, start) if p else start,
        passage_end=max(p.end, end) if p else end,
        answer=q.text if inside else None,
        answer_start=q.start if inside else None,
        answer_end=q.end if inside else None,
    )


def _date(iso: str, language: str) -> str:
    d = Date.fromisoformat(iso)
    return f"{d.day} {month_name(d.month, language)} {d.year}"


__all__ = ["ABSTAIN", "asked_speaker", "compose", "not_quoted"]
