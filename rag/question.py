"""What we read off a question before answering it: language and named entities."""

from __future__ import annotations

import re
import unicodedata

from rag.errors import BadQuestion

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)  # apostrophes split: dell'Australia, Kyiv's
_IT = set(
    [
        "il",
        "lo",
        "la",
        "i",
        "gli",
        "le",
        "un",
        "una",
        "di",
        "da",
        "del",
        "della",
        "dei",
        "delle",
        "che",
        "chi",
        "cosa",
        "come",
        "quando",
        "dove",
        "perché",
        "quale",
        "quali",
        "quanto",
        "quanti",
        "quante",
        "ha",
        "hanno",
        "è",
        "sono",
        "con",
        "per",
        "su",
        "tra",
        "fra",
        "non",
        "ne",
        "al",
        "alla",
        "ai",
        "nel",
        "nella",
        "sul",
        "sulla",
        "e",
        "ed",
        "o",
        "anche",
        "questo",
        "questa",
        "detto",
        "fatto",
        "promesso",
        "qual",
        "cos",
        # elided articles and prepositions: dell'Australia, nell'articolo
        "dell",
        "dall",
        "nell",
        "sull",
        "all",
        "coll",
        "quest",
        "quell",
    ]
)
_EN = set(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "what",
        "who",
        "whom",
        "which",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "say",
        "said",
        "about",
        "from",
        "and",
        "or",
        "not",
        "this",
        "that",
        "it",
        "its",
        "their",
        "his",
        "her",
        "be",
        "been",
        "will",
        "would",
        "can",
        "could",
        "should",
        "after",
        "before",
    ]
)
# Capitalised words that start questions or sentences but name nothing.
_NOT_NAMES = {w.capitalize() for w in _IT | _EN} | {
    "Qual", "Quale", "Chi", "Cosa", "Come", "Quando", "Dove", "Perché", "Quanti", "Quanto",
    "What", "Who", "Which", "When", "Where", "Why", "How", "Tell", "Dimmi", "Spiega", "Explain",
    "Describe", "Please", "Secondo", "According", "E", "And", "Ma", "But",
}  # fmt: skip


def check_question(question: str, *, max_chars: int) -> str:
    """Normalise a question, or raise :class:`BadQuestion` saying how to fix it."""
    text = " ".join(unicodedata.normalize("NFC", question or "").split())
    if not text:
        raise BadQuestion("the question is empty; type a question about the articles.")
    if len(text) > max_chars:
        raise BadQuestion(f"the question is {len(text)} characters long; keep it under {max_chars} characters.")
    if not _WORD.search(text):
        raise BadQuestion("the question has no words; ask it in words, e.g. 'Cosa ha promesso Meloni?'.")
    return text


def language(text: str) -> str:
    """``"it"`` or ``"en"``: the likelier of the two by common words."""
    words = [w.lower() for w in _WORD.findall(text)]
    it = sum(w in _IT or w.endswith(("zione", "mente")) for w in words)
    en = sum(w in _EN or w.endswith(("tion", "ing", "ed")) for w in words)
    return "it" if it > en else "en"


def words(text: str) -> list[str]:
    """The words of ``text``, as written."""
    return _WORD.findall(text)


def entities(question: str) -> list[str]:
    """Capitalised words of a question that look like names ("Meloni", "Parigi").

    A possessive ``'s`` is dropped; question words and sentence starts that
    are common words are not names.
    """
    found: list[str] = []
    for w in _WORD.findall(question):
        w = re.sub(r"['’]s$", "", w)
        if w[:1].isupper() and w not in _NOT_NAMES and len(w) > 1 and w not in found:
            found.append(w)
    return found


_STOPWORDS = _IT | _EN


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` that are not function words."""
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOPWORDS and len(w) > 2]
