"""Month and weekday names of each language, from dateparser's locale data (not word lists of ours)."""

from __future__ import annotations

import re
from functools import cache

_WORD = re.compile(r"[^\W\d_]+")

# dateparser's locale keys: the English names are its keys, not a list of ours.
MONTH_KEYS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@cache
def forms(key: str, lang: str) -> tuple[str, ...]:
    """Every form dateparser knows of one month or weekday in ``lang``, lower case ("gen", "gennaio")."""
    from dateparser.languages.loader import default_loader

    try:
        info = default_loader.get_locale(lang).info
    except ValueError:  # a language dateparser does not read: no names
        return ()
    return tuple(str(f).lower() for f in info.get(key, []))


def full_name(key: str, lang: str) -> str:
    """The full (longest) form of a month or weekday in ``lang``: "gennaio", "september"."""
    return max(forms(key, lang), key=len)


@cache
def month_names(*langs: str, min_len: int = 0) -> dict[str, int]:
    """Month names of ``langs`` to their number (1-12): the full names, or with ``min_len`` every form
    at least that long ("sept", "genn")."""
    return _names(MONTH_KEYS, langs, min_len, start=1)


@cache
def weekday_names(*langs: str, min_len: int = 0) -> dict[str, int]:
    """Weekday names of ``langs`` to their index (0 for Monday), as :func:`month_names`."""
    return _names(WEEKDAY_KEYS, langs, min_len, start=0)


@cache
def date_words(lang: str) -> frozenset[str]:
    """The words dateparser's locale data uses for months, weekdays and relative days."""
    from dateparser.languages.loader import default_loader

    info = default_loader.get_locale(lang).info
    keys = [*MONTH_KEYS, *WEEKDAY_KEYS]
    found: set[str] = set()
    for key in keys:
        for form in info.get(key, []):
            found.update(w.lower() for w in _WORD.findall(form) if len(w) >= 3)
    for forms in info.get("relative-type", {}).values():
        for form in forms:
            found.update(w.lower() for w in _WORD.findall(form) if len(w) >= 3)
    return frozenset(found)


def month_name(month: int, lang: str) -> str:
    """The full name of a month as written in ``lang`` ("gennaio", "January")."""
    name = full_name(MONTH_KEYS[month - 1], lang if lang in ("it", "en") else "en")
    return name.capitalize() if lang != "it" else name


def _names(keys: tuple[str, ...], langs: tuple[str, ...], min_len: int, *, start: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for lang in langs:
        for i, key in enumerate(keys, start):
            if not forms(key, lang):
                continue
            chosen = [f for f in forms(key, lang) if len(f) >= min_len] if min_len else [full_name(key, lang)]
            out.update(dict.fromkeys(chosen, i))
    return out
