"""What we read off a question before answering it: its checks, words, language and named entities."""

from __future__ import annotations

import re
import unicodedata

from rag.errors import BadQuestion
from rag.text.language import all_stopwords, detect

_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)  # apostrophes split: dell'Australia, Kyiv's
# Question words, a closed class that stop lists leave out in part ("cosa",
# "quando"): they say what is asked, never what it is about.
INTERROGATIVES = frozenset({
    "cosa", "cos", "qual", "quale", "quali", "quando", "dove", "perché", "come", "chi", "quanto", "quanta", "quanti",
    "quante", "what", "who", "whom", "whose", "which", "when", "where", "why", "how",
})  # fmt: skip
# Capitalised words that start questions or sentences but name nothing.
_NOT_NAMES = {w.capitalize() for w in INTERROGATIVES} | {
    "Tell", "Dimmi", "Spiega", "Explain", "Describe", "Please", "Secondo", "According",
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
    """The language of a question or an article (``"it"``, ``"en"``): see :mod:`rag.text.language`."""
    return detect(text)


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
        if (
            w[:1].isupper()
            and w not in _NOT_NAMES
            and w.lower() not in all_stopwords()
            and len(w) > 1
            and w not in found
        ):
            found.append(w)
    return found


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` that are neither function words (of any language we read) nor question words."""
    stop = all_stopwords()
    return [
        w.lower()
        for w in _WORD.findall(text)
        if len(w) > 2 and (lw := w.lower()) not in stop and lw not in INTERROGATIVES
    ]


# Closed-class question words, not topic words.
ASKS = {
    "number": re.compile(r"\b(how many|how much|quant[ioae]|percentuale|percentage)\b", re.IGNORECASE),
    "when": re.compile(r"\b(when|quando|what year|which year|in che anno|in quale anno|che anno|what date)\b", re.I),
    "who": re.compile(r"\b(who|whom|whose|chi)\b", re.IGNORECASE),
    "where": re.compile(r"\b(where|dove|in which country|in quale (?:paese|città|stato))\b", re.IGNORECASE),
}

# "Which show…?", "What country…?", "Quale squadra…?": a question word and a
# noun ask for a named thing; "What did…", "Che cosa…" (a function or question
# word follows) do not.
WHICH = re.compile(r"\b(?:which|what|quale|quali|che)\s+([^\W\d_][\w'’-]*)", re.IGNORECASE)

# Openings that mark an elliptical follow-up ("E Macron?", "What about Macron?").
OPENER = re.compile(
    r"^\s*(?:e\s+invece|e|ed|invece|anche|and\s+what\s+about|what\s+about|how\s+about|and|also|"
    r"mentre|e\s+per|and\s+for)\b[\s,]*",
    re.IGNORECASE,
)

PRONOUN = re.compile(r"\b(he|she|they|him|her|them|his|their|lui|lei|loro|egli|ella|costui)\b", re.IGNORECASE)

# Words that ask for the newest reports ("the latest on…", "le ultime notizie"). "recently" is not
# among them: "what has the army recently announced" asks about an event, not for the newest article.
RECENT = {"latest", "newest", "ultimo", "ultima", "ultimi", "ultime"}
