"""The answer phrase inside an answer sentence, for questions that ask for a
number, a date, a person or a place: "Quanti chilometri quadrati…?" marks
"5.500.000" inside the cited sentence.

Candidates are the phrases of the asked type; the one nearest to the words
the sentence shares with the question wins (answers sit next to the
question's words in the sentence: the classic proximity heuristic of
extractive QA).
"""

from __future__ import annotations

import re

from rag.answering.answer_types import typed_phrases
from rag.answering.features import stems

_WORD = re.compile(r"\w+")


def answer_span(question: str, sentence: str, language: str | None = "it") -> tuple[int, int] | None:
    """Offsets of the answer phrase in ``sentence``, or None when the question asks for no such phrase.

    Both are stemmed in ``language``, the sentence's (rag/text/language.py).
    """
    candidates = typed_phrases(question, sentence)
    if not candidates:
        return None
    q_stems = stems(question, language)
    anchors: dict[str, list[int]] = {}
    for w in _WORD.finditer(sentence):
        for stem in q_stems & stems(w.group(0), language):
            anchors.setdefault(stem, []).append(w.start())

    def distance(m: re.Match[str]) -> float:
        # Summed over the question's words, each at its nearest occurrence.
        if not anchors:
            return m.start()
        return sum(min(min(abs(a - m.start()), abs(a - m.end())) for a in spots) for spots in anchors.values())

    best = min(candidates, key=distance)
    start, end = best.span()
    while end > start and sentence[end - 1] in ".,;:":
        end -= 1
    return start, end
