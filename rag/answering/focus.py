"""Whether an answer speaks to what was asked: "the population of Tver", "Meloni on migration".

A question names its focus with a preposition or an attribute: "What did Meloni say *about migration*?",
"What is *the population of* Tver?", "Cosa ha detto Meloni *sull'immigrazione*?". The retrieved
passages answer only if one of them holds the focus (in the articles' language: its rendering) together
with every name the question asks about; otherwise the answer is a refusal that names the focus, rather
than the nearest sentence about Tver or Meloni.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from rag.display import say
from rag.text.language import all_stopwords, known
from rag.text.question import INTERROGATIVES, entities
from rag.text.words import fold
from rag.types import Answer

_I = re.IGNORECASE
# The words after "about", "on the subject of", "su", "riguardo a"… to the question's end, or the head noun
# of "the X of Y" / "la X di Y".
_ABOUT = re.compile(
    r"(?:\b(?:about|regarding|concerning|on the subject of|riguardo (?:a|al|alla|ai|agli|alle)|a proposito d\w*|"
    r"in merito a\w*)\s+|"
    # Italian "su" is everywhere ("la bocca sulla pleurobrachia"): a focus only after a verb of saying.
    r"\b(?:detto|dett[aie]|dice|dicono|pensa|pensano|parlato|parla|dichiarato|affermato|promesso|scritto)\s+"
    r"(?:\w+\s+){0,2}?(?:su|sul|sullo|sulla|sui|sugli|sulle)\s+|\b(?:detto|dice|parlato|scritto)\s+(?:\w+\s+){0,2}?"
    r"sull['’]\s*)((?:[^\W\d_][\w'’-]*\s*){1,3})\??\s*$",
    _I,
)
_HEAD = re.compile(
    r"^\s*(?:what|which|qual|quale|quali|quanto|quanta)\s*(?:is|was|are|were|è|e'|era|sono|erano)?\s*"
    r"(?:the|il|la|lo|l['’]|i|gli|le)\s*([^\W\d_][\w'’-]+)\s+(?:of|di|del|della|dello|dei|degli|delle|dell['’])\s",
    _I,
)
PREFIX = 5  # letters compared: migrazione ~ migranti, popolazione ~ population (after rendering)
# "The X of Y" is a focus only for a measurable attribute of Y (its population, its budget, its capital):
# "il nome di", "il tipo di", "the rate of" ask for anything at all (measured on SQuAD-it's tune half).
ATTRIBUTES = frozenset({
    "population", "popolazione", "abitanti", "inhabitants", "capital", "capitale", "area", "superficie",
    "budget", "bilancio", "salary", "stipendio", "price", "prezzo", "cost", "costo", "gdp", "pil", "age", "età",
    "height", "altezza", "weight", "peso", "temperature", "temperatura", "currency", "valuta", "unemployment",
    "disoccupazione", "inflation", "inflazione", "climate", "clima", "religion", "religione",
})  # fmt: skip


def focus_words(question: str) -> list[str]:
    """The question's focus words, lower-case content words only (names are checked elsewhere); [] when none."""
    found = [m.group(1) for m in [_ABOUT.search(question)] if m]
    found += [m.group(1) for m in [_HEAD.search(question)] if m and m.group(1).lower() in ATTRIBUTES]
    stop = all_stopwords() | INTERROGATIVES
    words = [w for text in found for w in re.findall(r"[^\W\d_][\w-]*", text) if not w[:1].isupper()]
    return [w.lower() for w in words if len(w) > 3 and w.lower() not in stop]


def meets(focus: Iterable[str], names: Sequence[str], texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` holds a word beginning like a focus word and every name in ``names``."""
    keys = {fold(w)[:PREFIX] for w in focus}
    wanted = [fold(n) for n in names]
    for text in texts:
        folded = fold(text)
        words = {w[:PREFIX] for w in re.findall(r"\w+", folded)}
        if keys & words and all(n in folded for n in wanted):
            return True
    return False


def off_focus(answer: Answer, question: str, *, language: str, render: Callable[[str], Mapping[str, str]]) -> Answer:
    """``answer``, or a refusal naming the focus when no retrieved passage holds it beside the question's names.

    ``render`` gives a text's renderings in the indexed articles' other languages (the focus in their words).
    """
    focus = focus_words(question)
    if not focus:
        return answer
    texts = [p.text for p in answer.passages]
    words = list(focus)
    if any(known(p.language or language) != known(language) for p in answer.passages):
        words += [w for text in render(" ".join(focus)).values() for w in text.split()]
    names = [n for n in entities(question) if any(fold(n) in fold(t) for t in texts)]
    if meets(words, names, texts):
        return answer
    return replace(answer, text=say("no_focus", language, " ".join(focus)), citations=(), abstained=True, claims=())
