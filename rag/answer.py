"""Extractive answering: pick the retrieved sentences that answer the question
and cite each one, or abstain when nothing retrieved answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.chunk import sentence_id
from rag.question import content_words, entities, intents
from rag.types import Answer, Citation, Claim, Passage
from rag.vocabulary import KNOWN, UNKNOWN, Vocabulary, fold, name_phrases
from vectorstore.embeddings import Embedder
from vectorstore.store import ChromaStore

ABSTAIN = {
    "it": "Non ho trovato la risposta negli articoli indicizzati.",
    "en": "I could not find the answer in the indexed articles.",
}
MAX_SENTENCES = 3
# A sentence joins the answer when it scores within this margin of the best.
MARGIN = 0.06
# Weights of the sentence score beyond cosine similarity, tuned on the
# golden set (rag/eval/golden.jsonl); see docs/BENCHMARKS.md.
NAME_BONUS = 0.12
WORD_BONUS = 0.15
CUE_BONUS = 0.06
HEADING_PENALTY = 0.15
# A name the corpus only maybe mentions raises the bar by this much.
DOUBTFUL_NAME = 0.12
# What a sentence that answers each kind of question tends to contain.
CUES = {
    "commit": re.compile(
        r"(confermat|ribadit|impegn|promess|promett|garant|sostegn|support|assicur|offert|escl|senza invio)",
        re.IGNORECASE,
    ),
    "say": re.compile(
        r"([\"“”«»:]|\b(dice|detto|dichiarat|affermat|sottolinea|aggiunge|avvert|spiega)\w*)", re.IGNORECASE
    ),
    "number": re.compile(r"\d|\b(un|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|cento|mille)\b", re.IGNORECASE),
    "when": re.compile(
        r"\d|\b(ieri|oggi|domani|mezzanotte|mattin\w*|sera|notte|gennaio|febbraio|marzo|aprile|maggio|giugno|"
        r"luglio|agosto|settembre|ottobre|novembre|dicembre|lunedì|martedì|mercoledì|giovedì|venerdì)\b",
        re.IGNORECASE,
    ),
    "who": re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]+\s+[A-ZÀ-Ý][a-zà-ÿ]+"),
}


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    passage: Passage
    start: int
    end: int
    text: str
    similarity: float
    score: float
    vector: np.ndarray


class ExtractiveAnswerer:
    """Answers with sentences copied from the articles, each one cited."""

    def __init__(self, *, store: ChromaStore, embedder: Embedder, threshold: float) -> None:
        self.store = store
        self.embedder = embedder
        self.threshold = threshold

    def answer(
        self,
        question: str,
        *,
        vector: np.ndarray,
        passages: list[Passage],
        language: str,
        vocabulary: Vocabulary,
    ) -> Answer:
        """Compose a cited answer from ``passages`` or abstain.

        Args:
            question: The (standalone) question.
            vector: The question's embedding.
            passages: Retrieved passages, best first.
            language: ``"it"`` or ``"en"``, for the abstention message.
            vocabulary: The corpus's names, to refuse questions about others.
        """
        names = entities(question)
        closeness = [vocabulary.closeness(n) for n in name_phrases(question, names)]
        bar = self.threshold + DOUBTFUL_NAME * sum(c < KNOWN for c in closeness)
        candidates = self.rank(question, vector=vector, passages=passages, names=names)
        if any(c < UNKNOWN for c in closeness) or not candidates or candidates[0].score < bar:
            return abstain(question, passages, language)
        chosen = select(candidates)
        citations = tuple(
            Citation(
                n=n,
                doc_id=c.passage.doc_id,
                title=c.passage.title,
                date=c.passage.date,
                source=c.passage.source,
                quote=c.text,
                start=c.start,
                end=c.end,
                score=round(c.similarity, 4),
                outlet=c.passage.outlet,
                passage_start=c.passage.start,
                passage_end=c.passage.end,
            )
            for n, c in enumerate(chosen, 1)
        )
        # Copied sentences support themselves fully.
        claims = tuple(
            Claim(_as_sentence(c.text), (cit.n,), 1.0, True) for c, cit in zip(chosen, citations, strict=True)
        )
        text = " ".join(f"{claim.text} [{claim.citations[0]}]" for claim in claims)
        return Answer(question, text, citations, False, tuple(passages), language=language, claims=claims)

    def rank(self, question: str, *, vector: np.ndarray, passages: list[Passage], names: list[str]) -> list[Candidate]:
        """Every sentence of ``passages``, best answer first."""
        table = passage_sentences(passages, store=self.store, embedder=self.embedder)
        if not table:
            return []
        vectors = np.stack([row.vector for row in table])
        sims = vectors @ vector
        folded = [fold(n)[:5] for n in names]
        stems = {fold(w)[:5] for w in content_words(question)} - set(folded)
        wanted = intents(question)
        out, texts = [], set()
        for row, sim in zip(table, sims, strict=True):
            text = row.text
            if text in texts:  # a subtitle repeated as a heading
                continue
            texts.add(text)
            lower = fold(text)
            score = float(sim)
            if folded:
                score += NAME_BONUS * sum(n in lower for n in folded) / len(folded)
            if stems:
                score += WORD_BONUS * sum(s in lower for s in stems) / len(stems)
            score += CUE_BONUS * sum(bool(CUES[i].search(text)) for i in wanted)
            if len(text.split()) < 8 or not text.rstrip().endswith((".", "!", "?", '"', "”", "»")):
                score -= HEADING_PENALTY  # titles, headings and fragments are not answers
            out.append(Candidate(row.passage, row.start, row.end, text, float(sim), score, row.vector))
        out.sort(key=lambda c: -c.score)
        return out


def passage_sentences(passages: list[Passage], *, store: ChromaStore, embedder: Embedder) -> list[Candidate]:
    """Each distinct sentence of ``passages`` with its stored vector (scores left at 0)."""
    seen: dict[tuple[str, int], tuple[Passage, int, str]] = {}
    for p in passages:
        for start, end, text in p.sentence_texts():
            seen.setdefault((p.doc_id, start), (p, end, text))
    if not seen:
        return []
    keys = list(seen)
    ids = [sentence_id(d, s, seen[(d, s)][2]) for d, s in keys]
    stored = store.sentence_vectors(ids)
    absent = [i for i, sid in enumerate(ids) if sid not in stored]
    if absent:  # written by an older version; embed now rather than fail
        fresh = embedder.embed([seen[keys[i]][2] for i in absent])
        stored.update({ids[i]: v for i, v in zip(absent, fresh, strict=True)})
    return [
        Candidate(seen[key][0], key[1], seen[key][1], seen[key][2], 0.0, 0.0, stored[sid])
        for key, sid in zip(keys, ids, strict=True)
    ]


def select(candidates: list[Candidate]) -> list[Candidate]:
    """The best sentence plus close runners-up that say something new."""
    best = candidates[0]
    chosen = [best]
    for c in candidates[1 : MAX_SENTENCES * 3]:
        if len(chosen) == MAX_SENTENCES or c.score < best.score - MARGIN:
            break
        if not any(float(c.vector @ o.vector) > 0.85 for o in chosen):
            chosen.append(c)
    return chosen


def abstain(question: str, passages: list[Passage], language: str) -> Answer:
    """An explicit refusal in the question's language."""
    return Answer(question, ABSTAIN.get(language, ABSTAIN["en"]), (), True, tuple(passages), language=language)


def _as_sentence(text: str) -> str:
    return " ".join(text.split())
