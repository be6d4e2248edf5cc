"""Is a rendering faithful enough to show beside its source sentence?

A rendering is shown only when it keeps the source's facts that a reader
would act on (its numbers, months, names and negation) and its meaning,
measured as the cross-lingual E5 cosine with the source, clears a bar fitted
on the parallel set's dev pairs (bench/bench_renderings.py). The same fact
checks tell the answer verifier when a model's sentence says a number or a
negation that its cited sentence does not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from rag.display import say
from rag.text.calendar import month_names, weekday_names
from rag.text.names import names
from rag.text.words import NEGATIONS, fold, number_value

# How alike a name and its target-language form are spelt (rapidfuzz ratio, 0-100) for the
# one to stand for the other; see bench/bench_renderings.py.
SPELLING = 70
ISO_DATE = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])-(\d{2})\b")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")


def numbers(text: str) -> Counter[str]:
    """The numbers of ``text``: digit groups ("1.500" and "1,500" both give 1 and 500, so either decimal
    style matches) and number words up to twenty, so "3 accordi" and "three agreements" agree.

    "un", "una" and "one" are articles as often as numbers, so they count as neither.
    """
    # An ISO date's month is a month, compared as one by :func:`months` ("2025-09-04" = "September 4, 2025").
    found = Counter(str(int(n)) for n in re.findall(r"\d+", ISO_DATE.sub(r"\1 \3", text)))
    for w in _WORD.findall(text):
        n = number_value(w)
        if n is not None and fold(w) not in ("uno", "one"):
            found[str(n)] += 1
    return found


def months(text: str, language: str) -> Counter[str]:
    """The months and weekdays named in ``text``, language-free ("m1" for January, "d2" for Tuesday)."""
    months = {fold(name): n for name, n in month_names(language).items()}
    days = {fold(name): n + 1 for name, n in weekday_names(language).items()}
    words = [fold(w) for w in _WORD.findall(text)]
    found: Counter[str] = Counter(f"m{int(m.group(2))}" for m in ISO_DATE.finditer(text))
    for i, w in enumerate(words):
        # "may" is also a verb in English: only a month next to a number counts there.
        if w in months and (w != "may" or any(x.isdigit() for x in words[max(0, i - 1) : i + 2])):
            found[f"m{months[w]}"] += 1
        elif w in days:
            found[f"d{days[w]}"] += 1
    return found


def negated(text: str, language: str) -> bool:
    """True when ``text`` holds a negation word of ``language``."""
    words = {fold(w) for w in _WORD.findall(text.replace("n't", " n't"))} | ({"n't"} if "n't" in text else set())
    return bool(words & {fold(w) for w in NEGATIONS.get(language, set())})


def missing_names(source: str, rendering: str) -> list[str]:
    """The names of ``source`` that ``rendering`` does not spell the same way, with each of their words.

    These are what the translator renders alone before the check, so that
    "Stati Uniti" may be "United States" and "Consiglio Giorgia Meloni" may be
    "Council" and "Giorgia Meloni" apart.
    """
    folded = fold(rendering)
    runs = [n for n in names(source) if fold(n) not in folded]
    return list(dict.fromkeys([*runs, *(w for n in runs if " " in n for w in n.split())]))


def fact_changes(
    source: str, other: str, *, source_language: str, other_language: str, said_in: str = "en"
) -> list[str]:
    """What ``other`` changes of ``source``'s numbers, months and negation, one phrase each in ``said_in``.

    Empty when nothing changes.
    """
    changes = []
    if numbers(source) != numbers(other):
        changes.append(say("why_number", said_in))
    if months(source, source_language) != months(other, other_language):
        changes.append(say("why_date", said_in))
    if negated(source, source_language) != negated(other, other_language):
        changes.append(say("why_negation", said_in))
    return changes


def withheld_because(
    source: str,
    rendering: str,
    *,
    source_language: str,
    target_language: str,
    cosine: float,
    bar: float,
    name_renderings: Mapping[str, str],
    strays: Sequence[str] = (),
) -> str | None:
    """Why ``rendering`` must not be shown, in ``target_language`` (the asker's), or None when it may be.

    Args:
        source: The verbatim sentence.
        rendering: Its machine translation.
        source_language: The sentence's language.
        target_language: The rendering's.
        cosine: Cross-lingual E5 cosine of the two.
        bar: The fitted minimum cosine (rag/fitted.py).
        name_renderings: The translator's rendering of each of
            :func:`missing_names` alone, for names that have their own form in
            the other language ("Parigi" -> "Paris").
        strays: Words of the rendering that translate a word of another
            sentence rendered with it and none of its own
            (rag/translation/lexicon.strays).
    """
    if not rendering.strip():
        return say("why_empty", target_language)
    changes = fact_changes(
        source, rendering, source_language=source_language, other_language=target_language, said_in=target_language
    )
    if changes:
        return changes[0]
    if strays:
        return say("why_strays", target_language, ", ".join(strays))
    folded = fold(rendering)

    # The rendering's own capitalised words: a name may take its target-language form there
    # ("Mosca" -> "Moscow", "Ucraina" -> "Ukraine"), close in spelling though not the same.
    own = [fold(w) for w in re.findall(r"\b[^\W\d_][\w'-]*", rendering) if w[:1].isupper()]

    def kept(name: str) -> bool:
        alone = fold(name_renderings.get(name, "").strip(" ."))
        if fold(name) in folded or (alone and alone in folded):
            return True
        return " " not in name and any(fuzz.ratio(fold(name), w) >= SPELLING for w in own)

    for name in names(source):
        words = name.split()
        # A long name may be partly translated ("Centro Congressi Santa Clara" -> "Santa Clara
        # Convention Center"): half its words kept is enough.
        if not (kept(name) or (len(words) > 1 and sum(map(kept, words)) * 2 >= len(words))):
            return say("why_name", target_language, name)
    if cosine < bar:
        return say("why_meaning", target_language)
    return None
