"""What an answer's sources agree on: reprints named, independent reports counted, differing figures shown.

Runs on a finished :class:`Answer` (extractive or a model's): each citation
learns which other articles reprint its passage, each claim how many
independent stories carry it, and a cited sentence that another article
prints with a different number (a figure, a day of a date) becomes a :class:`Disagreement` with
both versions cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from rag.display import say, versions
from rag.search.copies import Copies
from rag.types import Answer, Citation, Claim, Disagreement, Passage

# Two sentences say the same thing but for their figures when, with every
# number masked, at least this share of their words is shared (Jaccard).
SAME_STATEMENT = 0.6
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*%?")
_WORD = re.compile(r"\w+")


def differing_figures(a: str, b: str) -> tuple[list[str], list[str]] | None:
    """The figures only ``a`` and only ``b`` give, when they are otherwise the same statement; else None."""
    fa, fb = _FIGURE.findall(a), _FIGURE.findall(b)
    if not fa or not fb or sorted(fa) == sorted(fb):
        return None
    wa, wb = set(_WORD.findall(_FIGURE.sub("#", a.lower()))), set(_WORD.findall(_FIGURE.sub("#", b.lower())))
    if not wa or len(wa & wb) / len(wa | wb) < SAME_STATEMENT:
        return None
    only_a = [f for f in dict.fromkeys(fa) if f not in fb]
    only_b = [f for f in dict.fromkeys(fb) if f not in fa]
    return (only_a, only_b) if only_a and only_b else None


def corroborate(
    answer: Answer, *, copies: Copies, fetch: Callable[[Sequence[str]], list[Passage]], language: str = "en"
) -> Answer:
    """``answer`` with duplicates on its citations, sources on its claims and disagreements shown.

    Args:
        answer: A finished answer and the passages it was drawn from.
        copies: The index's copy groups.
        fetch: Passages by chunk id (the copies retrieval left out).
        language: The answer's language, for the disagreement line.
    """
    if answer.abstained or not answer.citations:
        return answer
    citations = [replace(c, duplicates=_passage_of(c, answer.passages).duplicates) for c in answer.citations]
    disagreements: list[Disagreement] = []
    for cited in list(citations):
        found = _disagreement(cited, answer.passages, fetch, citations)
        if found is not None:
            disagreements.append(found)
    claims = tuple(replace(c, sources=_sources(c, citations, copies)) for c in answer.claims)
    text = answer.text
    if disagreements:
        lines = [say("figures_differ", language, versions(d)) for d in disagreements]
        text = text.rstrip() + "\n\n" + "\n".join(lines)
    return replace(answer, text=text, citations=tuple(citations), claims=claims, disagreements=tuple(disagreements))


def _passage_of(citation: Citation, passages: Sequence[Passage]) -> Passage:
    for p in passages:
        if p.doc_id == citation.doc_id and p.start <= citation.start < p.end:
            return p
    return Passage("", citation.doc_id, "", 0.0, citation.title, citation.date, citation.source, 0, 0)


def _disagreement(
    cited: Citation,
    passages: Sequence[Passage],
    fetch: Callable[[Sequence[str]], list[Passage]],
    citations: list[Citation],
) -> Disagreement | None:
    """The first other article that prints ``cited.quote`` with other figures, added to ``citations``."""
    own = _passage_of(cited, passages)
    # The reprints retrieval left out first (the same passage), then the other articles retrieved.
    candidates = [*(fetch(own.copies) if own.copies else []), *(p for p in passages if p.doc_id != cited.doc_id)]
    for other in candidates:
        for start, end, sentence in other.sentence_texts():
            differ = differing_figures(cited.quote, sentence)
            if differ is None:
                continue
            n = len(citations) + 1
            version = Citation(n, other.doc_id, other.title, other.date, other.source, sentence, start, end, 0.0)
            citations.append(
                replace(
                    version,
                    outlet=other.outlet,
                    passage_start=other.start,
                    passage_end=other.end,
                    duplicates=other.duplicates,
                )
            )
            mine, theirs = differ
            return Disagreement(cited.quote, ((", ".join(mine), cited.n), (", ".join(theirs), n)))
    return None


def _sources(claim: Claim, citations: Sequence[Citation], copies: Copies) -> tuple[tuple[str, ...], ...]:
    """The independent stories behind a claim: its cited articles and their reprints, one story counted once."""
    by_n = {c.n: c for c in citations}
    stories: dict[str, set[str]] = {}
    for n in claim.citations:
        if n not in by_n:
            continue
        docs = {by_n[n].doc_id, *by_n[n].duplicates}
        keys = {copies.story(d) for d in docs}
        # A citation whose reprints span two stories joins them: they share this passage.
        merged = set(docs)
        for key in [k for k in stories if k in keys or stories[k] & docs]:
            merged |= stories.pop(key)
        stories[min(keys)] = merged
    return tuple(tuple(sorted(docs)) for _, docs in sorted(stories.items()))
