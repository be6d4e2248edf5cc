"""The words Apertium's route leaves: glossed, told from names, and numbers in the target's separators.

Apertium marks a word its dictionaries lack (rag/translation/apertium_stream.UNKNOWN). A lower-case
word neither leg knew is glossed alone from the other pivot's dictionaries; a word the second leg
left in the pivot's language is traced back to the source word that gave it, which is glossed
instead. English capitalises its nationality adjectives and a headline's every word: those are
told from names here, so they are rendered and names are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.translation.apertium_stream import FAILED, UNKNOWN

# A word left in the source language: unknown to both legs of the route (two marks), in lower case
# (a capitalised one is a name, kept as written).
LEFT = re.compile(f"{UNKNOWN}{UNKNOWN}([a-zà-ÿ][\\w'’-]*)")
# A word left in the pivot's language: one mark, from the second leg.
PIVOT_LEFT = re.compile(f"(?<![{UNKNOWN}]){UNKNOWN}([^\\W\\d_][\\w'’-]*)")
OTHER_PIVOT = {"spa": "cat", "cat": "spa"}


def cased(gloss: str | None, left: re.Match[str]) -> str:
    """``gloss`` in place of the word ``left`` found, capitalised as that word was (a sentence's first word)."""
    if not gloss:
        return left.group(0)
    return gloss[:1].upper() + gloss[1:] if left.group(1)[:1].isupper() else gloss


def common_words(texts: Sequence[str], language: str) -> list[frozenset[str]]:
    """Each English text's capitalised words that are not names, by its dictionary's readings.

    English capitalises its nationality adjectives ("the Ukrainian president") and every word of a
    title-case headline; there a word is common when no reading of it is a noun (a noun may be a
    name: "Trump"), so "Meets" and "In" are rendered and "Trump" and "Paris" kept.
    """
    from rag.translation.lexicon import Lexicon, shared_lexicon

    if language != "en" or not Lexicon.available():
        return [frozenset() for _ in texts]
    found = []
    for words in shared_lexicon().readings(texts, language=language):
        out = set()
        capitals = [w for w, _ in words if w[:1].isupper()]
        headline = len(words) >= 3 and len(capitals) * 10 >= len(words) * 6
        for i, (w, rs) in enumerate(words):
            if not (w[:1].isupper() and w[1:].islower() and rs):
                continue
            # An adjective before a capitalised word is part of a name ("New Orleans", "Super Bowl").
            alone = i + 1 == len(words) or not words[i + 1][0][:1].isupper()
            adjective = alone and any(r[:1].islower() and "<adj>" in r for r in rs)
            lemmas_lower = all(r[:1].islower() for r in rs)
            if adjective or (headline and lemmas_lower and not any("<n>" in r or "<np>" in r for r in rs)):
                out.add(w)
        found.append(frozenset(out))
    return found


def traced_words(
    texts: Sequence[str], out: Sequence[str], *, source: str, target: str, pivot: str
) -> list[dict[str, str]]:
    """For each text with words left in the pivot's language, ``{pivot word: the source word that gave it}``."""
    from rag.translation.lexicon import Lexicon, shared_lexicon

    if pivot != "spa" or not Lexicon.available() or not any(PIVOT_LEFT.search(o) for o in out):
        return [{} for _ in texts]
    sources = shared_lexicon().pivot_words(texts, source=source, target=target)
    traced = []
    for o, given in zip(out, sources, strict=True):
        found = {}
        for m in PIVOT_LEFT.finditer(o):
            left = m.group(1).lower()
            # Inflected in the pivot ("ulteriores"): the longest lemma that starts it.
            stems = [p for p in given if left == p or (len(p) >= 4 and left.startswith(p))]
            if stems:
                found[left] = given[max(stems, key=len)]
        traced.append(found)
    return traced


_GLOSSES: dict[tuple[str, str, str], str | None] = {}


def glosses(words: Sequence[str], *, source: str, target: str, pivot: str, timeout: float) -> dict[str, str]:
    """Each word alone through ``pivot``'s dictionaries (rag/translation/lexicon.Lexicon.gloss); cached per process.

    A negation or a number word is never glossed: a wrong gloss there would change a fact
    (the Catalan route renders "nessun" as "cape").
    """
    from rag.text.words import NEGATIONS, fold, number_value
    from rag.translation.lexicon import Lexicon, shared_lexicon

    todo = [w for w in words if (w, source, target) not in _GLOSSES]
    if todo and Lexicon.available():
        skip = {fold(n) for n in NEGATIONS.get(source, set())}
        asked = [w for w in todo if fold(w) not in skip and number_value(w) is None]
        try:
            made = shared_lexicon().gloss(asked, source=source, target=target, pivot=pivot) if asked else []
        except (OSError, TimeoutError):
            made = [None for _ in asked]
        for w, g in zip(asked, made, strict=True):
            if g and source == "en" and target == "it":
                g = g[:1].lower() + g[1:]  # English capitalises its nationality adjectives, Italian does not
            _GLOSSES[(w, source, target)] = g
        for w in todo:
            _GLOSSES.setdefault((w, source, target), None)
    return {w: g for w in words if (g := _GLOSSES.get((w, source, target)))}


# A number written with the other language's separators: Italian "2.249" and "67,9" are English
# "2,249" and "67.9" (only a dot before three digits groups thousands in Italian; "10.30" is a time).
_NUMBER = {
    ("it", "en"): re.compile(r"(?<![\d.,])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\d.,]\d)"),
    ("en", "it"): re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d.,]\d)"),
}
_SWAP = str.maketrans(".,", ",.")


def separators(text: str, *, source: str, target: str) -> str:
    """``text``'s numbers with ``target``'s thousands and decimal separators in place of ``source``'s."""
    pattern = _NUMBER.get((source, target))
    return pattern.sub(lambda m: m.group(0).translate(_SWAP), text) if pattern else text


def strip_marks(text: str) -> str:
    """``text`` without Apertium's marks on words (as a reader sees it)."""
    return text.replace(UNKNOWN, "").replace(FAILED, "")
