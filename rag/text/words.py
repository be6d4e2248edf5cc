"""Words compared across spellings and languages: folding, number words and negations (closed classes)."""

from __future__ import annotations

import re
import unicodedata

# A list enumerator at a line's start ("1.", "2)", "-", "•"): how a chat model numbers its reply's lines.
ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+", re.MULTILINE)

# Number words up to twenty: a closed class of each language, index = value.
NUMBER_WORDS = {
    "it": "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
    "sedici diciassette diciotto diciannove venti",
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty",
}
# Words that multiply a number before them ("3 milioni", "2 billion").
MULTIPLIERS = {"it": ("milioni", "miliardi", "mila"), "en": ("million", "billion", "thousand")}
# Round numbers written as words ("cento droni", "mille soldati"), beyond :data:`NUMBER_WORDS`.
ROUND_NUMBERS = {"it": ("cento", "mille", "milioni"), "en": ("hundred", "thousand", "millions")}
# Hedges before a number ("circa 30", "about 30") and the words of a percentage.
APPROXIMATELY = {"it": ("circa", "oltre", "più di"), "en": ("about", "over")}
PERCENT = {"it": ("per cento",), "en": ("percent",)}
NEGATIONS = {
    "it": {"non", "mai", "né", "ne", "nessun", "nessuno", "nessuna", "niente", "nulla", "senza", "neanche", "nemmeno"},
    "en": {"not", "no", "never", "nor", "neither", "none", "nothing", "without", "cannot", "n't", "nobody"},
}
_VALUES = {w: i for words in NUMBER_WORDS.values() for i, w in enumerate(words.split())}


def fold(text: str) -> str:
    """Lower case without accents, one apostrophe: ``Zelenskyj`` -> ``zelenskyj``, ``È`` -> ``e``, ``’`` -> ``'``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def folded_words(text: str) -> str:
    """:func:`fold`, with punctuation dropped and spaces made single: what two wordings share."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def number_value(word: str) -> int | None:
    """The value of a number word of any language we read ("tre", "Three" -> 3), or None."""
    return _VALUES.get(fold(word))


def number_words(lang: str, first: int = 0, last: int = 20) -> list[str]:
    """The number words of ``lang`` from ``first`` to ``last``."""
    return NUMBER_WORDS[lang].split()[first : last + 1]
