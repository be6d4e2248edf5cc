"""What describes a sentence as an answer to a question: the features the
answer model (rag/fitted.py) weighs, all general enough to transfer to
articles and questions nobody here wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from rag.question import content_words, entities
from rag.vocabulary import fold

FEATURES = (
    "similarity", "similarity_gap", "word_overlap", "name_overlap", "passage_rank", "type_match", "fragment",
    "cross_language",
)  # fmt: skip

# The answer type a question asks for (the classic answer-type idea in QA):
# closed-class question words, not topic words.
_ASKS = {
    "number": re.compile(r"\b(how many|how much|quant[ioae]|percentuale|percentage)\b", re.IGNORECASE),
    "when": re.compile(r"\b(when|quando|what year|which year|in che anno|in quale anno|che anno|what date)\b", re.I),
    "who": re.compile(r"\b(who|whom|whose|chi)\b", re.IGNORECASE),
    "where": re.compile(r"\b(where|dove|in which country|in quale (?:paese|città|stato))\b", re.IGNORECASE),
}
_MONTHS = (
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|"
    "january|february|march|april|june|july|august|september|october|november|december"
)
_HAS = {
    "number": re.compile(r"\d|\b(un|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|cento|mille|milioni?)\b", re.I),
    "when": re.compile(rf"\b(1\d{{3}}|20\d{{2}}|{_MONTHS}|secolo|century|ieri|oggi|domani)\b", re.IGNORECASE),
    "who": re.compile(r"(?<=\w[\s,;:(])[A-ZÀ-Ý][\w'’-]+"),
}
_HAS["where"] = _HAS["who"]  # a capitalised word inside the sentence: a person or a place


def asks_for(question: str) -> str | None:
    """``number``, ``when``, ``who``, ``where`` or None: what kind of phrase would answer."""
    for kind, pattern in _ASKS.items():
        if pattern.search(question):
            return kind
    return None


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("italian")


def stems(text: str) -> set[str]:
    """Folded Italian Snowball stems of the content words of ``text``."""
    return set(_stemmer().stemWords([fold(w) for w in content_words(text)]))  # type: ignore[attr-defined]


def sentence_features(
    question: str,
    sentences: Sequence[str],
    similarities: np.ndarray,
    passage_ranks: Sequence[int],
    *,
    cross_language: bool = False,
) -> np.ndarray:
    """One row of :data:`FEATURES` per sentence.

    Args:
        question: The standalone question.
        sentences: Candidate sentences.
        similarities: Cosine of each sentence with the question's query-side vector.
        passage_ranks: 1-based retrieval rank of the passage each sentence came from.
        cross_language: The question is not in the articles' language (word
            overlap then says little, and cosines run lower).
    """
    q_stems = stems(question)
    names = [fold(n)[:5] for n in entities(question)]
    kind = asks_for(question)
    best = float(np.max(similarities)) if len(similarities) else 0.0
    rows = []
    for text, sim, rank in zip(sentences, similarities, passage_ranks, strict=True):
        folded = fold(text)
        s_stems = stems(text)
        rows.append(
            [
                float(sim),
                float(sim) - best,
                len(q_stems & s_stems) / len(q_stems) if q_stems else 0.0,
                sum(n in folded for n in names) / len(names) if names else 0.0,
                1.0 / rank,
                float(bool(kind and _HAS[kind].search(text))),
                float(len(text.split()) < 8 or not text.rstrip().endswith((".", "!", "?", '"', "”", "»"))),
                float(cross_language),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
