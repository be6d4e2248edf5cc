"""A date for an undated article from its own words: a weekday and a day of a month that agree.

A report written on the day says "oggi, martedì 6 gennaio" or "on Tuesday,
January 6"; the year is the one, among the years the text mentions (and the
one after each, for a report early in a new year), in which that day falls on
that weekday. One agreeing year dates the article; none or several leave it
undated. The names come from dateparser's locale data (full names only, so
"mar" is not March and Tuesday at once).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from rag.text.calendar import month_names, weekday_names

LANGUAGES = ("it", "en")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


@cache
def _pattern() -> re.Pattern[str]:
    days = "|".join(sorted(map(re.escape, weekday_names(*LANGUAGES, min_len=4)), key=len, reverse=True))
    months = "|".join(sorted(map(re.escape, month_names(*LANGUAGES, min_len=4)), key=len, reverse=True))
    # "martedì 6 gennaio", "Tuesday 6 January", "Tuesday, January 6(th)"
    return re.compile(
        rf"\b(?P<wd>{days}),?\s+(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{months})|(?P<m2>{months})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
        re.IGNORECASE,
    )


def inferred_date(text: str) -> str | None:
    """The ISO date the text's first weekday-and-day agrees on, or None.

    Args:
        text: The article's cleaned text (its first ~2,000 characters are read).
    """
    head = text[:2000]
    years = {int(y) for y in _YEAR.findall(text)}
    candidates = sorted(years | {y + 1 for y in years})
    for m in _pattern().finditer(head):
        weekday = weekday_names(*LANGUAGES, min_len=4)[m.group("wd").lower()]
        month = month_names(*LANGUAGES, min_len=4)[(m.group("m1") or m.group("m2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        agreeing = []
        for year in candidates:
            try:
                if date(year, month, day).weekday() == weekday:
                    agreeing.append(date(year, month, day))
            except ValueError:
                continue
        if len(agreeing) == 1:
            return agreeing[0].isoformat()
    return None
