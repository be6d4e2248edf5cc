"""Extractive answering: pick the retrieved sentences that answer the question
and cite each one, or abstain when nothing retrieved answers it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from rag import fitted
from rag.answering.answer_types import asks_for
from rag.answering.candidates import Candidate
from rag.answering.composers import choose, speaks_of
from rag.answering.features import FEATURES, is_fragment, sentence_features, stems
from rag.answering.phrase import answer_span
from rag.answering.reader import Reader, reads
from rag.display import WORDS, say
from rag.ingestion.chunk import sentence_id
from rag.search.vocabulary import Vocabulary, name_phrases, verdict
from rag.text.language import known
from rag.text.question import content_words, entities
from rag.types import Answer, Citation, Claim, Passage
from vectorstore.embedders.factory import Embedder
from vectorstore.store import ChromaStore

# The refusal, in each language (the LLM chain prescribes the same words to the model).
ABSTAIN = {language: say("abstain", language) for language in WORDS}
# Kinds whose answer is one phrase to mark in its sentence; a list, a summary or a comparison is not.
PHRASED = ("fact", "count", "time", "who_is")


class ExtractiveAnswerer:
    """Answers with sentences copied from the articles, each one cited."""

    def __init__(
        self, *, store: ChromaStore, embedder: Embedder, threshold: float, reader: Reader | None = None
    ) -> None:
        """``reader``: the trained answer reader (rag/answering/reader.py), or None (``RAG_READER`` unset)."""
        self.store = store
        self.embedder = embedder
        self.threshold = threshold
        self.reader = reader

    def answer(
        self,
        question: str,
        *,
        vector: np.ndarray,
        passages: list[Passage],
        language: str,
        vocabulary: Vocabulary,
        rendering: tuple[str, np.ndarray] | None = None,
        judged: list[Passage] | None = None,
        kind: str = "fact",
    ) -> Answer:
        """Compose a cited answer from ``passages`` or abstain.

        Args:
            question: The (standalone) question.
            vector: The question's embedding.
            passages: Retrieved passages, best first.
            language: The question's language (``"it"``, ``"en"``): for the
                abstention message, and against each passage's language.
            vocabulary: The corpus's names and words, to refuse questions about others.
            rendering: The question followed by its renderings in the index's other languages
                (rag/search/crosslingual.py), and that text's embedding. Whether the articles answer at
                all is judged on the question alone, as the answerability model was fitted; which
                sentences answer it is chosen against this, which shares words with them.
            judged: The passages whether the articles answer at all is judged on (default ``passages``):
                those the question alone retrieved, when ``passages`` were retrieved with its renderings.
            kind: What kind of answer the question wants (rag/text/kinds.py), which decides how its
                sentences are chosen and ordered (rag/answering/composers.py).
        """
        unknown_name, doubtful = verdict(
            (vocabulary.match(n, near=fitted.SPELLING) for n in name_phrases(question, entities(question))),
            standout=fitted.NAME_STANDOUT,
        )
        candidates = self.rank(question, vector=vector, passages=judged or passages, language=language)
        if unknown_name or not candidates:
            return abstain(question, passages, language)
        cross = known(candidates[0].passage.language or language) != known(language)
        # Words of a question in the best passage's language that no article uses
        # ("carri armati", "carbonara") say it is about something else. When that
        # passage is in another language (an English question over Italian articles,
        # or a mixed corpus), the lookup says nothing: the model was fitted with
        # unknown = 0 on every cross-language pair.
        unknown = 0.0 if cross else vocabulary.unknown_share(content_words(question), near=fitted.SPELLING)
        answerable = answerability(candidates[0], doubtful=doubtful, unknown=unknown, cross_language=cross)
        if rendering is not None and (answerable >= self.threshold or kind in ("summary", "latest")):
            wording, wording_vector = rendering
            candidates = self.rank(wording, vector=wording_vector, passages=passages, language=language)
        # A topic to sum up ("the latest on the peace talks") is no sentence's answer: it is answered when
        # the articles speak of it (rag/answering/composers.py).
        topical = kind in ("summary", "latest") and speaks_of(question, rendering and rendering[0], candidates)
        if answerable < self.threshold and not topical:
            return abstain(question, passages, language)
        if self.reader is not None and kind not in ("summary", "latest") and reads(language, candidates):
            candidates = self.reader.reorder(question, candidates)
        chosen = compose(question, choose(kind, question, candidates, wording=rendering[0] if rendering else None))
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
                **(answer_phrase(question, c) if kind in PHRASED else {}),
            )
            for n, c in enumerate(chosen, 1)
        )
        # Copied sentences support themselves fully.
        claims = tuple(
            Claim(_as_sentence(c.text), (cit.n,), 1.0, True) for c, cit in zip(chosen, citations, strict=True)
        )
        text = " ".join(f"{claim.text} [{claim.citations[0]}]" for claim in claims)
        return Answer(question, text, citations, False, tuple(passages), language=language, claims=claims)

    def rank(self, question: str, *, vector: np.ndarray, passages: list[Passage], language: str) -> list[Candidate]:
        """Every sentence of ``passages``, best answer first, scored by the fitted model (rag/fitted.py).

        ``language`` is the question's; each sentence is compared in its own article's.
        """
        rows, sims, features = self.featurise(question, vector=vector, passages=passages, language=language)
        if not rows:
            return []
        scores = features @ np.asarray(fitted.ANSWER_WEIGHTS) + fitted.ANSWER_BIAS
        out = [
            Candidate(row.passage, row.start, row.end, row.text, float(sim), float(score), row.vector, tuple(x))
            for row, sim, score, x in zip(rows, sims, scores, features.tolist(), strict=True)
        ]
        out.sort(key=lambda c: -c.score)
        return out

    def featurise(
        self, question: str, *, vector: np.ndarray, passages: list[Passage], language: str
    ) -> tuple[list[Candidate], np.ndarray, np.ndarray]:
        """The distinct sentences of ``passages``, their cosines and their feature rows."""
        rows, texts = [], set()
        for row in passage_sentences(passages, store=self.store, embedder=self.embedder):
            if row.text not in texts:  # a subtitle repeated as a heading
                texts.add(row.text)
                rows.append(row)
        if not rows:
            return [], np.zeros(0), np.zeros((0, len(FEATURES)))
        sims = np.stack([row.vector for row in rows]) @ vector
        ranks = {p.chunk_id: r for r, p in enumerate(passages, 1)}
        features = sentence_features(
            question,
            [r.text for r in rows],
            sims,
            [ranks[r.passage.chunk_id] for r in rows],
            question_language=language,
            languages=[r.passage.language for r in rows],
        )
        return rows, sims, features


def passage_sentences(
    passages: list[Passage], *, store: ChromaStore, embedder: Embedder, stored: bool = True
) -> list[Candidate]:
    """Each distinct sentence of ``passages`` with its vector (scores left at 0).

    Vectors come from the store, or with ``stored=False`` from ``embedder``.
    """
    seen: dict[tuple[str, int], tuple[Passage, int, str]] = {}
    for p in passages:
        for start, end, text in p.sentence_texts():
            seen.setdefault((p.doc_id, start), (p, end, text))
    if not seen:
        return []
    keys = list(seen)
    ids = [sentence_id(d, s, seen[(d, s)][2]) for d, s in keys]
    vectors = store.sentence_vectors(ids) if stored else {}
    absent = [i for i, sid in enumerate(ids) if sid not in vectors]
    if absent:  # not stored (or written by an older version): embed now rather than fail
        fresh = embedder.embed([seen[keys[i]][2] for i in absent])
        vectors.update({ids[i]: v for i, v in zip(absent, fresh, strict=True)})
    return [
        Candidate(seen[key][0], key[1], seen[key][1], seen[key][2], 0.0, 0.0, vectors[sid])
        for key, sid in zip(keys, ids, strict=True)
    ]


def compose(question: str, chosen: list[Candidate]) -> list[Candidate]:
    """Each chosen sentence, joined with the sentence after it when it only announces that one.

    A sentence announces the next when it ends in a colon ("…le garanzie
    comprendono:"), when it is a heading or a fragment (the ``fragment``
    feature), when the question asks for a phrase of a kind (a number, a
    date, a name: rag/answering/phrase.py) that it lacks and the next sentence
    of its paragraph holds, or when that next sentence holds a word of the
    question it lacks. The two are one citation: their span is contiguous in the article,
    so the quote stays exact. A next sentence already chosen is not repeated.
    """
    out: list[Candidate] = []
    for c in chosen:
        if any(_within(c, o) for o in out):
            continue  # already quoted as the follow-on of an earlier sentence
        following = _next_sentence(c)
        taken = following is not None and any(
            o.passage.doc_id == c.passage.doc_id and o.start <= following[0] < o.end for o in chosen
        )
        if following is not None and not taken and _announces(question, c, following):
            start, end = c.start, following[1]
            c = replace(c, end=end, text=c.passage.text[start - c.passage.start : end - c.passage.start])
        out.append(c)
    return out


# A follow-on sentence longer than this is not added: answers stay short.
_FOLLOW_ON_CHARS = 400


def _within(c: Candidate, other: Candidate) -> bool:
    return c.passage.doc_id == other.passage.doc_id and other.start <= c.start < other.end


def _next_sentence(c: Candidate) -> tuple[int, int, str] | None:
    after = [s for s in c.passage.sentence_texts() if s[0] >= c.end]
    following = min(after, default=None)
    return following if following is not None and len(following[2]) <= _FOLLOW_ON_CHARS else None


def _announces(question: str, c: Candidate, following: tuple[int, int, str]) -> bool:
    start, _, text = following
    if c.text.rstrip().endswith(":") or is_fragment(c.text):
        return not is_fragment(text)
    if "\n" in c.passage.text[c.end - c.passage.start : start - c.passage.start]:
        return False  # past a paragraph break the next sentence starts something else
    lang = c.passage.language
    if asks_for(question) is not None:
        return answer_span(question, c.text, lang) is None and answer_span(question, text, lang) is not None
    # It leaves open a word of the question that the next sentence takes up
    # ("…hanno concordato un pacchetto…" / "Comprende supporto politico…").
    wanted = stems(question, lang)
    return bool((wanted & stems(text, lang)) - stems(c.text, lang))


def answerability(best: Candidate, *, doubtful: int, unknown: float, cross_language: bool) -> float:
    """Log-odds that the articles answer the question at all, from the best candidate (rag/fitted.py).

    Fitted on tune questions asked of their own articles and of the other
    corpus (Wikipedia questions of the news, news questions of Wikipedia),
    so that it has thousands of realistic unanswerable questions to learn from.
    """
    overlap = best.features[FEATURES.index("word_overlap")] if best.features else 0.0
    features = (best.score, best.similarity, overlap, float(doubtful), unknown, float(cross_language))
    return float(np.dot(features, fitted.ANSWERABLE_WEIGHTS) + fitted.ANSWERABLE_BIAS)


def answer_phrase(question: str, candidate: Candidate) -> dict[str, Any]:
    """``answer``, ``answer_start``, ``answer_end`` of a cited sentence, or nothing."""
    span = answer_span(question, candidate.text, candidate.passage.language)
    if span is None:
        return {}
    a, b = span
    return {"answer": candidate.text[a:b], "answer_start": candidate.start + a, "answer_end": candidate.start + b}


def abstain(question: str, passages: list[Passage], language: str) -> Answer:
    """An explicit refusal in the question's language."""
    return Answer(question, ABSTAIN.get(language, ABSTAIN["en"]), (), True, tuple(passages), language=language)


def _as_sentence(text: str) -> str:
    return " ".join(text.split())


def newest_first(answer: Answer) -> Answer:
    """The same answer with its sentences ordered by their article's date, newest first, renumbered."""
    if len(answer.citations) < 2 or not answer.claims:
        return answer
    pairs = sorted(zip(answer.claims, answer.citations, strict=False), key=lambda p: p[1].date or "", reverse=True)
    citations = tuple(replace(c, n=n) for n, (_, c) in enumerate(pairs, 1))
    claims = tuple(replace(cl, citations=(n,)) for n, (cl, _) in enumerate(pairs, 1))
    text = " ".join(f"{cl.text} [{cl.citations[0]}]" for cl in claims)
    return replace(answer, text=text, citations=citations, claims=claims)
