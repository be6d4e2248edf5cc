"""What describes a sentence as an answer to a question: the features the
answer model (rag/fitted.py) weighs, all general enough to transfer to
articles and questions nobody here wrote.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answering.answer_types import asks_for, has_kind
from rag.text.language import known, stemmer
from rag.text.question import content_words, entities
from rag.text.words import fold

FEATURES = (
    "similarity", "similarity_gap", "word_overlap", "name_overlap", "passage_rank", "type_match", "fragment",
    "cross_language",
)  # fmt: skip


def is_fragment(text: str) -> bool:
    """A heading or a cut-off phrase rather than a sentence: short, or with no closing punctuation."""
    return len(text.split()) < 8 or not text.rstrip().endswith((".", "!", "?", '"', "”", "»"))


def stems(text: str, language: str | None = "it") -> set[str]:
    """Folded Snowball stems of the content words of ``text``, in ``language`` (rag/text/language.py)."""
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
