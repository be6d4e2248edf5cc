"""Where names are in a text: runs of capitalised words.

Every reader of names builds its pattern here, so what counts as a capital and
which particles join a name ("Ursula von der Leyen", "Banca d'Italia") is said once.
"""

from __future__ import annotations

import re
from functools import cache

# Capitals of the Latin alphabets we read (A-Z and the accented capitals of Latin-1).
CAPITAL = "A-ZÀ-Ý"
# Lower-case words inside a name: "Presidente della Repubblica", "Prince of Wales".
PARTICLES = ("di", "de", "del", "della", "da", "von", "van", "of", "the")


@cache
def name_pattern(
    *, tail: str = r"[\w'’-]*", gap: str = r"\s+", particles: bool = False, alone: bool = False
) -> re.Pattern[str]:
    """A pattern for runs of capitalised words.

    Args:
        tail: What may follow the capital in one word (``+`` for two letters or more).
        gap: What separates the words of a run (``[ \\t]+`` keeps a run on one line).
        particles: Whether a particle of :data:`PARTICLES` may join two capitalised words.
        alone: Whether the run must not continue a word ("dell'Ucraina" is then not a run).
    """
    word = f"[{CAPITAL}]{tail}"
    link = rf"{gap}(?:(?:{'|'.join(PARTICLES)}){gap})?" if particles else gap
    behind = r"(?<![\w'’])" if alone else ""
    return re.compile(rf"{behind}{word}(?:{link}{word})*")


def names(text: str, *, known: frozenset[str] = frozenset(), common: frozenset[str] = frozenset()) -> list[str]:
    """Runs of capitalised words that do not start a sentence ("Stati Uniti", "Giorgia Meloni"): names to keep.

    A capitalised word that starts a sentence is a name only when it is in
    ``known`` (e.g. seen capitalised inside a sentence of the same text:
    "Mosca accusa ..." after "... pressione su Mosca"). A word in ``common``
    is never part of a name (English capitalises its nationality adjectives:
    "the Ukrainian president").
    """
    out: list[str] = []
    run: list[str] = []
    starts = True
    for token in text.split():
        # Italian elides articles into names: "dell'Ucraina" names Ucraina.
        word = re.split(r"['’]", token)[-1].strip('"“”«»()[],.;:!?')
        if word[:1].isupper() and len(word) > 1 and (not starts or word in known) and word not in common:
            run.append(word)
        elif run:
            out.append(" ".join(run))
            run = []
        # A run ends at punctuation after the word: "Parigi, Roma" are two names.
        if run and token.rstrip('"”»)') != token.rstrip('"”»),.;:!?'):
            out.append(" ".join(run))
            run = []
        # A dash opens a sentence too ("ha aggiunto su X - Oggi a Parigi ...").
        starts = token in ("-", "–", "—") or token.rstrip('"”»)').endswith((".", "!", "?", ":"))
    if run:
        out.append(" ".join(run))
    return list(dict.fromkeys(out))
