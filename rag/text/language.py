"""Which language a text is in, and that language's stemmer and function words.

Three kept libraries own this knowledge, so none of it is written here:

- detection is lingua's (``lingua-language-detector``), whose n-gram models
  ship inside its wheel and work offline; it is the most accurate detector we
  measured on short texts such as questions (docs/BENCHMARKS.md);
- stemming is Snowball's (``PyStemmer``);
- function words are Snowball's stop lists as ``bm25s`` ships them (the same
  lists BM25 drops), so "a content word" means one thing everywhere.

The detector chooses among :data:`LANGUAGES`: every language an article or a
question may be in. Each needs a Snowball stemmer and a stop list.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

# ISO 639-1 codes, with their Snowball stemmer and bm25s stop-list names. Only
# the languages the product is measured in: each added language makes a short
# question likelier to be taken for another one ("What did Angela Merkel
# promise?" reads as German among seven).
LANGUAGES = ("en", "it")
# How prompts and messages name each language.
LANGUAGE_NAMES = {"it": "Italian", "en": "English"}
_SNOWBALL = {"en": "english", "it": "italian"}
_STOPLIST = {"en": "STOPWORDS_EN_PLUS", "it": "STOPWORDS_ITALIAN"}
# Too little text to tell (an empty or one-name question): the language the
# answer model was fitted to fall back on.
DEFAULT = "en"

_local = threading.local()


@cache
def _detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(text: str) -> str:
    """The language of ``text`` among :data:`LANGUAGES` (``"en"``, ``"it"``), or :data:`DEFAULT`.

    Long texts are cut to their first 3,000 characters: more adds time, not accuracy.
    """
    return _detect(text[:3000])


@lru_cache(maxsize=4096)  # one question is looked at by several stages of one answer
def _detect(text: str) -> str:
    found = _detector().detect_language_of(text) if text.strip() else None
    code = found.iso_code_639_1.name.lower() if found is not None else DEFAULT
    return code if code in LANGUAGES else DEFAULT


def known(code: str | None) -> str:
    """``code`` when it is one of :data:`LANGUAGES`, else :data:`DEFAULT` (old or foreign metadata)."""
    return code if code in LANGUAGES else DEFAULT


def stemmer(code: str) -> Any:
    """The Snowball stemmer of ``code``, one per thread (PyStemmer's are not thread-safe)."""
    import Stemmer

    stemmers: dict[str, Any] = _local.__dict__.setdefault("stemmers", {})
    if code not in stemmers:
        stemmers[code] = Stemmer.Stemmer(_SNOWBALL[known(code)])
    return stemmers[code]


@cache
def stopwords(code: str) -> frozenset[str]:
    """The function words of ``code``, lower-case."""
    import bm25s.stopwords

    return frozenset(getattr(bm25s.stopwords, _STOPLIST[known(code)]))


@cache
def all_stopwords() -> frozenset[str]:
    """The function words of every language in :data:`LANGUAGES` (for text of unknown language)."""
    return frozenset().union(*(stopwords(code) for code in LANGUAGES))


@cache  # built once: it is passed to bm25s for every question (bm25s only reads it)
def stop_list(code: str) -> list[str]:
    """:func:`stopwords` as the list ``bm25s.tokenize`` takes."""
    return sorted(stopwords(code))
