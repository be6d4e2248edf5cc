"""What kind of phrase a question asks for, and the phrases of that kind a sentence offers.

The classic answer-type idea of extractive QA: "Quanti…?" asks for a number,
"Which state…?" for a named thing. A sentence offers an answer of the kind
only with a phrase the question does not already hold: "Biden tested positive"
answers "Which official tested positive?" with a name, while "The White House
said…" answers "What did the White House say?" with none (:func:`typed_phrases`,
the candidates of the marked answer phrase, rag/answering/phrase.py). The answer
model's ``type_match`` feature (rag/answering/features.py) reads :func:`has_kind`.
"""

from __future__ import annotations

import re

from rag.text.calendar import MONTH_KEYS, WEEKDAY_KEYS, month_names
from rag.text.language import all_stopwords
from rag.text.names import CAPITAL, name_pattern
from rag.text.question import ASKS as _ASKS
from rag.text.question import INTERROGATIVES
from rag.text.question import WHICH as _WHICH
from rag.text.words import APPROXIMATELY, MULTIPLIERS, PERCENT, ROUND_NUMBERS, fold, number_words

_MONTHS = "|".join(month_names("it", "en"))  # Italian and English month names
_NUMBER = re.compile(
    rf"(?:(?:{'|'.join(APPROXIMATELY['it'] + APPROXIMATELY['en'])}) )?\d[\d.,']*"
    rf"(?:\s?%|{'|'.join(' ' + p for p in PERCENT['it'] + PERCENT['en'])})?"
    rf"(?:\s(?:{'|'.join(MULTIPLIERS['it'] + MULTIPLIERS['en'])}))?",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?|(?:{_MONTHS})\s+(?:del\s+)?\d{{4}}|1\d{{3}}|20\d{{2}}|"
    r"[XVI]+\s+secolo|(?:anni|years)\s+\d0)\b",
    re.IGNORECASE,
)
_NAME = name_pattern(tail=r"[\w'’.-]*", particles=True)
PATTERNS = {"number": _NUMBER, "when": _DATE, "who": _NAME, "where": _NAME, "name": _NAME}
_WORD = re.compile(r"\w+")
_CALENDAR = {key.capitalize() for key in (*MONTH_KEYS, *WEEKDAY_KEYS)}  # English: dateparser's keys


# Any phrase of the kind, with no regard to the question: the answer model's
# ``type_match`` feature was fitted on this (a novelty-aware variant measured
# no better on the tune halves: docs/BENCHMARKS.md).
_MONTH_WORDS = "|".join(m for m in month_names("it", "en") if m != "may")  # alone, "may" is mostly the verb
_HAS = {
    "number": re.compile(rf"\d|\b(un|{'|'.join([*number_words('it', 2, 10), *ROUND_NUMBERS['it']])})\b", re.I),
    "when": re.compile(rf"\b(1\d{{3}}|20\d{{2}}|{_MONTH_WORDS}|secolo|century|ieri|oggi|domani)\b", re.IGNORECASE),
    "who": re.compile(rf"(?<=\w[\s,;:(])[{CAPITAL}][\w'’-]+"),
}
_HAS["where"] = _HAS["name"] = _HAS["who"]  # a capitalised word inside the sentence: a person, a place, a title


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
    """Whether ``text`` holds a phrase of the kind :func:`asks_for` names (the question's own words included)."""
    return bool(_HAS[kind].search(text))


def typed_phrases(question: str, sentence: str, kind: str | None = None) -> list[re.Match[str]]:
    """The phrases of the kind ``question`` asks for (or ``kind``) in ``sentence`` that say something new.

    A phrase made only of the question's own words is no answer ("Biden" for
    "What did Biden say?"). A capital at the start of a sentence is a name
    only when more capitals follow it, and English weekdays and months name a
    time, not a person, place or thing; when nothing else is left, those stay
    (the phrase to mark is then the best there is).
    """
    kind = kind or asks_for(question)
    if kind is None:
        return []
    asked = {fold(w) for w in _WORD.findall(question)}
    found = [
        m for m in PATTERNS[kind].finditer(sentence)
        if m.group(0).strip() and not ({fold(w) for w in _WORD.findall(m.group(0))} <= asked)
    ]  # fmt: skip
    if kind in ("who", "where", "name"):
        found = [m for m in found if m.start() > 0 or " " in m.group(0)] or found
        found = [m for m in found if m.group(0).rstrip(".") not in _CALENDAR] or found
    return found
