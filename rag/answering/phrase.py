"""The answer phrase inside an answer sentence, for questions that ask for a
number, a date, a person or a place: "Quanti chilometri quadrati…?" marks
"5.500.000" inside the cited sentence.

Candidates are the phrases of the asked type; the one nearest to the words
the sentence shares with the question wins (answers sit next to the
question's words in the sentence: the classic proximity heuristic of
extractive QA).
"""

from __future__ import annotations

import calendar
import re

from rag.answering.features import asks_for, stems
from rag.ingestion.clean import MONTHS
from rag.search.vocabulary import fold

_MONTHS = "|".join(MONTHS)  # Italian and English month names
_NUMBER = re.compile(
    r"(?:circa |oltre |più di |about |over )?\d[\d.,']*(?:\s?%| per cento| percent)?"
    r"(?:\s(?:milioni|miliardi|mila|million|billion|thousand))?",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?|(?:{_MONTHS})\s+(?:del\s+)?\d{{4}}|1\d{{3}}|20\d{{2}}|"
    r"[XVI]+\s+secolo|(?:anni|years)\s+\d0)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:(?:di|de|del|della|da|von|van|of|the)\s+)?[A-ZÀ-Ý][\w'’.-]*)*")
PATTERNS = {"number": _NUMBER, "when": _DATE, "who": _NAME, "where": _NAME, "name": _NAME}
_WORD = re.compile(r"\w+")
_CALENDAR = {*calendar.day_name, *calendar.month_name} - {""}


def answer_span(question: str, sentence: str, language: str | None = "it") -> tuple[int, int] | None:
    """Offsets of the answer phrase in ``sentence``, or None when the question asks for no such phrase.

    Both are stemmed in ``language``, the sentence's (rag/search/language.py).
    """
    kind = asks_for(question)
    if kind is None:
        return None
    asked = {fold(w) for w in _WORD.findall(question)}
    candidates = [
        m for m in PATTERNS[kind].finditer(sentence)
        if m.group(0).strip() and not ({fold(w) for w in _WORD.findall(m.group(0))} <= asked)
    ]  # fmt: skip
    if kind in ("who", "where", "name"):  # a capital after a full stop or at the start is no name by itself
        candidates = [m for m in candidates if m.start() > 0 or " " in m.group(0)] or candidates
        # English capitalises weekdays and months: they name a time, not a person, place or thing.
        candidates = [m for m in candidates if m.group(0) not in _CALENDAR] or candidates
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
