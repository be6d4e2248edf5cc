"""Dates written in the text ("ieri", "martedì 6 gennaio", "last week"), resolved against the article's date.

dateparser does the parsing; it is slow (~50 ms a sentence) and reads
bare numbers as dates, so it only sees sentences holding one of its own
date words for the language (month and weekday names, "ieri", "oggi"...),
and only matches holding such a word count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from rag.text.calendar import MONTH_KEYS, date_words, forms
from rag.text.question import RECENT
from rag.types import Filters

_WORD = re.compile(r"[^\W\d_]+")


def mentioned_date(text: str, *, base: str | None, lang: str = "it") -> str | None:
    """The first date ``text`` mentions, as ``YYYY-MM-DD``, read relative to ``base`` (the article's date).

    Dates more than a year before or a month after ``base`` are not taken
    (a birthday, a treaty of 1994); without ``base`` nothing is resolved.
    """
    if not base or lang not in ("it", "en"):
        return None
    triggers = date_words(lang)
    if not {w.lower() for w in _WORD.findall(text)} & triggers:
        return None
    from dateparser.search import search_dates

    anchor = datetime.fromisoformat(base)
    settings = {"RELATIVE_BASE": anchor, "PREFER_DATES_FROM": "past"}
    for phrase, found in search_dates(text, languages=[lang], settings=settings) or []:  # type: ignore[arg-type]
        if not {w.lower() for w in _WORD.findall(phrase)} & triggers:
            continue
        if anchor - timedelta(days=366) <= found <= anchor + timedelta(days=31):
            return found.date().isoformat()
    return None


def month_range(question: str, *, lang: str, newest: str | None) -> tuple[str, str] | None:
    """``(first, last)`` day of a month a question names ("in December", "a dicembre").

    The year is the one the question gives, or the latest such month not
    after the newest article.
    """
    lowered = {w.lower() for w in _WORD.findall(question)}
    for number, key in enumerate(MONTH_KEYS, 1):
        if not {f for f in forms(key, lang) if len(f) >= 4} & lowered:
            continue
        year_match = re.search(r"\b(19|20)\d{2}\b", question)
        if year_match:
            year = int(year_match.group(0))
        else:
            latest = date.fromisoformat(newest) if newest else date.today()
            year = latest.year if number <= latest.month else latest.year - 1
        first = date(year, number, 1)
        last = (date(year + (number == 12), number % 12 + 1, 1)) - timedelta(days=1)
        return first.isoformat(), last.isoformat()
    return None


def day_named(question: str, *, lang: str, newest: str | None) -> tuple[str, str] | None:
    """``(the day, the phrase naming it)`` for a calendar day in the question ("6 January 2026", "7 gennaio",
    "January 7th"), from dateparser's month names; the year is the one given, or the latest such day not
    after the newest article."""
    for number, key in enumerate(MONTH_KEYS, 1):
        names = "|".join(re.escape(f) for f in sorted(forms(key, lang), key=len, reverse=True) if len(f) >= 3)
        day, year = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|°)?", r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?"
        for pattern in (rf"\b{day}\s+(?:{names})\b{year}", rf"\b(?:{names})\s+{day}\b{year}"):
            found = re.search(pattern, question, flags=re.IGNORECASE)
            if not found or not 1 <= int(found.group("d")) <= 31:
                continue
            latest = date.fromisoformat(newest) if newest else date.today()
            years = [int(found.group("y"))] if found.group("y") else [latest.year, latest.year - 1]
            for y in years:
                try:
                    named = date(y, number, int(found.group("d")))
                except ValueError:
                    break
                if found.group("y") or named <= latest:
                    return named.isoformat(), found.group(0)
    return None


# dateparser's relative periods that name a span of reports: "today", "this week", "last
# month" ("0 week ago", "1 month ago"). Hours, minutes and seconds are left out: Italian
# "ora" is "now" and also "hour"; years are left out: "last year" mostly dates an event.
_PERIOD = re.compile(r"^([0-2]) (day|week|month) ago$")
_UNIT_DAYS = {"day": 1, "week": 7, "month": 31}


def recent_window(question: str, *, lang: str, today: date) -> tuple[str, str] | None:
    """``(first, last)`` day of the reports a relative period asks about ("this week", "ieri").

    The window ends on ``today`` (the day the question is asked) and goes back
    over the whole period named, plus the ones between it and today: "last
    week" spans the last fourteen days.
    """
    from dateparser.languages.loader import default_loader

    lowered = " ".join(w.lower() for w in _WORD.findall(question))
    back = 0
    for key, phrases in default_loader.get_locale(lang).info.get("relative-type", {}).items():
        period = _PERIOD.match(key)
        if period and any(re.search(rf"\b{re.escape(f.lower())}\b", lowered) for f in phrases):
            back = max(back, (int(period.group(1)) + 1) * _UNIT_DAYS[period.group(2)])
    if not back:
        return None
    return (today - timedelta(days=back)).isoformat(), today.isoformat()


def temporal(
    question: str,
    filters: Filters | None,
    *,
    dated: Callable[[], tuple[str | None, str | None]],
    today: date | None = None,
) -> tuple[str, Filters | None, bool]:
    """What a question's time words ask for: ``(question without them, filters, newest first)``.

    A month ("in December", "a settembre 2025") becomes a date range unless
    the caller set one, and leaves the question (a month is not a name the
    articles must know); "latest", "ultime" ask for the newest reports first.
    A month outside the articles' dates (``dated()``: the oldest and newest)
    is about the events, not the reports ("eletto nel novembre 1960"): it
    stays in the question and filters nothing. A relative period ("this
    week", "ieri") becomes the range of days before ``today`` (the day the
    question is asked; the clock's when omitted) that it names, when some
    article is dated in it.
    """
    from rag.text.question import language

    lowered = [w.lower() for w in _WORD.findall(question)]
    latest = bool(set(lowered) & RECENT) or "most recent" in " ".join(lowered) or "più recenti" in " ".join(lowered)
    if filters is not None and (filters.date_from or filters.date_to):
        return question, filters, latest
    lang = language(question)
    oldest, newest = dated()
    day = day_named(question, lang=lang, newest=newest)
    if day is not None and oldest is not None and newest is not None and oldest <= day[0] <= newest:
        # A day of the reports ("What happened on 6 January?"): that day's articles, the date left out of the text.
        pattern = rf"\s*\b(?:on|il|del|of)?\s*{re.escape(day[1])}"
        stripped = re.sub(pattern, "", question, flags=re.IGNORECASE).strip()
        return stripped or question, replace(filters or Filters(), date_from=day[0], date_to=day[0]), latest
    span = month_range(question, lang=lang, newest=newest)
    if span is None:
        recent = recent_window(question, lang=lang, today=today or date.today())
        if recent is None or oldest is None or newest is None or recent[1] < oldest or recent[0] > newest:
            return question, filters, latest
        return question, replace(filters or Filters(), date_from=recent[0], date_to=recent[1]), latest
    if oldest is None or newest is None or span[1] < oldest or span[0] > newest:
        return question, filters, latest
    names = [re.escape(f) for m in MONTH_KEYS for f in forms(m, lang) if len(f) >= 4]
    pattern = rf"\s*\b(?:in|during|a|di|nel|nel mese di|of)?\s*\b(?:{'|'.join(names)})\b(?:\s+(?:19|20)\d{{2}})?"
    stripped = re.sub(pattern, "", question, flags=re.IGNORECASE).strip()
    return stripped or question, replace(filters or Filters(), date_from=span[0], date_to=span[1]), latest
