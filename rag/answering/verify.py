"""Check a model's answer against the passages it was given.

Markers that point to no passage are dropped; each sentence is scored against
the sentences of the passages it cites (cosine with USE, the engine's name embedder),
and the best-matching sentence becomes the citation's highlighted span. A
sentence with no valid marker, whose sources do not say anything close to
it, or that says a number, a month or a negation its cited sentences do not
(rag/translation/faithfulness.py), whatever the cosine, is flagged as
unsupported rather than shown as fact.
"""

from __future__ import annotations

import re

import numpy as np

from rag.answering.extractive import ABSTAIN, Candidate, passage_sentences
from rag.ingestion.chunk import split_sentences
from rag.text.words import ENUMERATOR, folded_words
from rag.translation.faithfulness import months, negated
from rag.translation.faithfulness import numbers as figures
from rag.types import Answer, Citation, Claim, Passage
from vectorstore.embedders.factory import Embedder
from vectorstore.store import ChromaStore

MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_LEADING_MARKERS = re.compile(r"^(\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+")


# Markdown a chat model formats its reply with: list enumerators at line starts (rag/text/words.py) and emphasis.
_EMPHASIS = re.compile(r"\*\*|__")


def parse_claims(raw: str, *, language: str) -> list[tuple[str, list[int]]]:
    """Split model output into ``(sentence without markers, marker numbers)``.

    Markers a model puts after the full stop ("... truppe. [2] Poi ...") are
    given to the sentence before them. List enumerators and emphasis are
    formatting, not words of a claim; a sentence the model repeats word for
    word counts once, and a lead-in ending in a colon ("Meloni committed the
    following:") is no claim and is dropped when sentences follow it.
    """
    # Each line on its own: a list item is a sentence even without a full stop.
    lines = [" ".join(line.split()) for line in _EMPHASIS.sub("", ENUMERATOR.sub("", raw)).splitlines()]
    out: list[tuple[str, list[int]]] = []
    for piece in (s.text for line in lines if line for s in split_sentences(line, language=language)):
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:
            out[-1][1].extend(_numbers(lead.group(0)))
            piece = piece[lead.end() :]
        numbers = _numbers(piece)
        sentence = " ".join(MARKER.sub(" ", piece).split())
        sentence = re.sub(r"\s+([.,;:!?])", r"\1", sentence)
        repeated = next((marks for said, marks in out if said == sentence), None) if sentence else None
        if repeated is not None:
            repeated.extend(numbers)
        elif sentence:
            out.append((sentence, numbers))
        elif numbers and out:
            out[-1][1].extend(numbers)
    return [(c, n) for i, (c, n) in enumerate(out) if not (c.endswith(":") and not n and i + 1 < len(out))]


def is_refusal(raw: str) -> bool:
    """True when the model gave the prescribed 'not in the passages' reply."""
    said = folded_words(raw)
    return bool(said) and any(folded_words(m) in said for m in ABSTAIN.values())


def verify(
    raw: str,
    *,
    question: str,
    passages: list[Passage],
    language: str,
    store: ChromaStore,
    embedder: Embedder,
    threshold: float,
    mode: str,
) -> Answer:
    """Turn model output into an :class:`Answer` whose citations are checked.

    Args:
        raw: The model's text with ``[n]`` markers numbering ``passages`` from 1.
        question: The standalone question that was answered.
        passages: The numbered passages the model saw.
        language: ``"it"`` or ``"en"``.
        store: Where the passages' sentence vectors are.
        embedder: Embeds the answer's sentences for the support score.
        threshold: Support below this marks a claim as unsupported.
        mode: The answerer, e.g. ``ollama:qwen2.5:3b``.
    """
    if is_refusal(raw):
        return Answer(question, ABSTAIN[language], (), True, tuple(passages), language=language, mode=mode)
    parsed = parse_claims(raw, language=language)
    # The passages' sentences are embedded with ``embedder`` (USE, whose
    # cosines separate "says the same" from "is about the same" far better
    # than E5's, which put unrelated sentences of one topic above 0.75),
    # not taken from the store.
    table = passage_sentences(passages, store=store, embedder=embedder, stored=False)
    by_passage: dict[int, list[Candidate]] = {}
    for row in table:
        for i, p in enumerate(passages, 1):
            if p.doc_id == row.passage.doc_id and p.start <= row.start and row.end <= p.end:
                by_passage.setdefault(i, []).append(row)
    vectors = embedder.embed([sentence for sentence, _ in parsed]) if parsed else np.zeros((0, 1))

    renumber: dict[int, int] = {}
    best: dict[int, tuple[float, Candidate]] = {}
    claims: list[Claim] = []
    for (sentence, numbers), vector in zip(parsed, vectors, strict=True):
        valid = [n for n in dict.fromkeys(numbers) if n in by_passage]
        found = None if valid else attribute(sentence, vector, by_passage, threshold, language)
        attributed = found is not None
        if found is not None:
            valid = [found]
        support = 0.0
        evidence: list[Candidate] = []
        for n in valid:
            score, row = best_sentence(by_passage[n], vector)
            support = max(support, score)
            evidence.append(row)
            if n not in best or score > best[n][0]:
                best[n] = (score, row)
            renumber.setdefault(n, len(renumber) + 1)
        cited = tuple(renumber[n] for n in valid)
        why = unsupported_fact(sentence, evidence, language=language) if cited else None
        supported = bool(cited) and support >= threshold and why is None
        claims.append(Claim(sentence, cited, round(support, 4), supported, why=why, attributed=attributed))

    citations = tuple(_citation(new, best[old]) for old, new in sorted(renumber.items(), key=lambda kv: kv[1]))
    text = " ".join(c.text + "".join(f" [{n}]" for n in c.citations) for c in claims)
    return Answer(question, text, citations, False, tuple(passages), language=language, mode=mode, claims=tuple(claims))


def best_sentence(rows: list[Candidate], vector: np.ndarray) -> tuple[float, Candidate]:
    """The passage sentence closest to a claim's vector, with its cosine."""
    sims = np.stack([r.vector for r in rows]) @ vector
    top = int(np.argmax(sims))
    return float(sims[top]), rows[top]


def attribute(
    sentence: str, vector: np.ndarray, by_passage: dict[int, list[Candidate]], threshold: float, language: str
) -> int | None:
    """The passage that supports a sentence the model left without a marker, or None.

    Small local models often answer from the passages but drop the ``[n]``
    (the bundled 0.5B does so for most questions). Rather than discard such a
    sentence, the verifier cites the passage whose best sentence supports it
    as it would a marked one: cosine at least ``threshold`` and no number,
    date or negation that sentence lacks. The claim is marked ``attributed``
    so the reader knows the checker, not the model, chose the source.
    """
    scored = [(*best_sentence(rows, vector), n) for n, rows in by_passage.items()]
    for support, row, n in sorted(scored, key=lambda t: -t[0]):
        if support < threshold:
            return None
        if unsupported_fact(sentence, [row], language=language) is None:
            return n
    return None


def unsupported_fact(sentence: str, evidence: list[Candidate], *, language: str) -> str | None:
    """What ``sentence`` says that its best-matching cited sentences do not: a number, a month or a negation.

    A number or month of the claim must be in one of the cited sentences; the
    claim is negated if and only if one of them is. Cosine alone cannot see
    these: "did not send troops" and "sent troops" embed almost alike.
    """
    cited = [(r.text, r.passage.language or language) for r in evidence]
    if not set(figures(sentence)) <= {n for text, _ in cited for n in figures(text)}:
        return "a number its sources do not give"
    if not set(months(sentence, language)) <= {m for text, lang in cited for m in months(text, lang)}:
        return "a date its sources do not give"
    # A small model's reply may keep its source's words ("... senza invio di truppe" in an English
    # answer): the claim's negation is read in its own language and in its sources'.
    denies = any(negated(sentence, lang) for lang in {language, *(lang for _, lang in cited)})
    if denies != any(negated(text, lang) for text, lang in cited):
        return "a negation its sources do not have" if denies else "drops its sources' negation"
    return None


def _citation(n: int, scored: tuple[float, Candidate]) -> Citation:
    score, row = scored
    p = row.passage
    return Citation(
        n=n,
        doc_id=p.doc_id,
        title=p.title,
        date=p.date,
        source=p.source,
        quote=row.text,
        start=row.start,
        end=row.end,
        score=round(score, 4),
        score_kind="support",
        outlet=p.outlet,
        passage_start=p.start,
        passage_end=p.end,
    )


def _numbers(text: str) -> list[int]:
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"[,;]", group) if n.strip()]
