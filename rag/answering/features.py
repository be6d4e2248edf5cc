"""What describes a sentence as an answer to a question: the features the
answer model (rag/fitted.py) weighs, all general enough to transfer to
articles and questions nobody here wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rag.search.language import all_stopwords, known, stemmer
from rag.search.question import INTERROGATIVES, content_words, entities
from rag.search.vocabulary import fold

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
_HAS["where"] = _HAS["name"] = _HAS["who"]  # a capitalised word inside the sentence: a person, a place, a title


# "Which show…?", "What country…?", "Quale squadra…?": a question word and a
# noun ask for a named thing; "What did…", "Che cosa…" (a function or question
# word follows) do not.
_WHICH = re.compile(r"\b(?:which|what|quale|quali|che)\s+([^\W\d_][\w'’-]*)", re.IGNORECASE)


def asks_for(question: str) -> str | None:
    """``number``, ``when``, ``who``, ``where``, ``name`` or None: what kind of phrase would answer."""
    for kind, pattern in _ASKS.items():
        if pattern.search(question):
            return kind
    for m in _WHICH.finditer(question):
        word = m.group(1).lower()
        if word not in all_stopwords() and word not in INTERROGATIVES:
            return "name"
    return None


def has_kind(text: str, kind: str) -> bool:
    """Whether ``text`` holds a phrase of the kind :func:`asks_for` names."""
    return bool(_HAS[kind].search(text))


def is_fragment(text: str) -> bool:
    """A heading or a cut-off phrase rather than a sentence: short, or with no closing punctuation."""
    return len(text.split()) < 8 or not text.rstrip().endswith((".", "!", "?", '"', "”", "»"))


def stems(text: str, language: str | None = "it") -> set[str]:
    """Folded Snowball stems of the content words of ``text``, in ``language`` (rag/search/language.py)."""
    return set(stemmer(known(language)).stemWords([fold(w) for w in content_words(text)]))


def sentence_features(
    question: str,
    sentences: Sequence[str],
    similarities: np.ndarray,
    passage_ranks: Sequence[int],
    *,
    question_language: str = "it",
    languages: Sequence[str | None] | None = None,
) -> np.ndarray:
    """One row of :data:`FEATURES` per sentence.

    Args:
        question: The standalone question.
        sentences: Candidate sentences.
        similarities: Cosine of each sentence with the question's query-side vector.
        passage_ranks: 1-based retrieval rank of the passage each sentence came from.
        question_language: The question's language.
        languages: Each sentence's article language (None: the question's).
            A sentence in another language than the question is
            ``cross_language`` (word overlap then says little, and cosines
            run lower), and each side is stemmed in its own language.
    """
    langs = [known(lang or question_language) for lang in (languages or [None] * len(sentences))]
    q_stems = {lang: stems(question, lang) for lang in set(langs)}
    names = [fold(n)[:5] for n in entities(question)]
    kind = asks_for(question)
    best = float(np.max(similarities)) if len(similarities) else 0.0
    rows = []
    for text, sim, rank, lang in zip(sentences, similarities, passage_ranks, langs, strict=True):
        folded = fold(text)
        s_stems = stems(text, lang)
        wanted = q_stems[lang]
        rows.append(
            [
                float(sim),
                float(sim) - best,
                len(wanted & s_stems) / len(wanted) if wanted else 0.0,
                sum(n in folded for n in names) / len(names) if names else 0.0,
                1.0 / rank,
                float(bool(kind and has_kind(text, kind))),
                float(is_fragment(text)),
                float(lang != known(question_language)),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
