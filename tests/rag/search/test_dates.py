"""Relative periods in questions ("this week", "ieri") against the day the question is asked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import BadQuestion
from rag.search.dates import day_named, recent_window, temporal
from rag.settings import Settings
from tests.rag.test_cli import run

DAY = date(2026, 3, 3)


@pytest.mark.parametrize(
    ("question", "lang", "first"),
    [
        ("Who was appointed this week?", "en", "2026-02-24"),
        ("What did the minister say yesterday?", "en", "2026-03-01"),
        ("What happened last week in Kyiv?", "en", "2026-02-17"),
        ("Che cosa ha detto oggi Meloni?", "it", "2026-03-02"),
        ("Chi è stato nominato questa settimana?", "it", "2026-02-24"),
        ("Che cosa è successo il mese scorso?", "it", "2025-12-31"),
    ],
)
def test_a_relative_period_is_the_days_before_the_question(question: str, lang: str, first: str):
    assert recent_window(question, lang=lang, today=DAY) == (first, "2026-03-03")


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Who is the president now?", "en"),  # "now" is not a span of reports
        ("Chi è ora il presidente?", "it"),  # nor is "ora" ("now", "hour")
        ("What did the war cost last year?", "en"),  # a year mostly dates the event
        ("What did they agree in Paris?", "en"),
    ],
)
def test_other_questions_name_no_period(question: str, lang: str):
    assert recent_window(question, lang=lang, today=DAY) is None


def test_a_period_outside_the_articles_dates_filters_nothing():
    dated = lambda: ("2025-09-04", "2026-01-07")  # noqa: E731
    question = "Who was appointed this week?"
    assert temporal(question, None, dated=dated, today=DAY) == (question, None, False)
    _, filters, _ = temporal(question, None, dated=dated, today=date(2026, 1, 9))
    assert filters is not None and (filters.date_from, filters.date_to) == ("2026-01-02", "2026-01-09")


@pytest.mark.slow
def test_this_week_is_answered_from_the_reports_of_the_week_asked(tmp_path: Path, embedder):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "older.txt").write_text(
        "date 2026-02-20\nPort authority appoints a new director\n\n"
        "The port authority of Genoa appointed Marco Bianchi as its new director on Thursday. "
        "He replaces Anna Verdi, who retired after eleven years in the post.",
        encoding="utf-8",
    )
    (folder / "newer.txt").write_text(
        "date 2026-03-02\nPort authority names another director after a resignation\n\n"
        "The port authority of Genoa appointed Luca Neri as its new director on Monday. "
        "Marco Bianchi resigned last week over a dispute about the new container terminal.",
        encoding="utf-8",
    )
    engine = Engine(Settings(persist_dir=tmp_path / "index"), embedder=embedder)
    engine.ingest([folder])
    question = "Who did the port authority of Genoa appoint as its new director this week?"
    newer = engine.ask(question, as_of="2026-03-03", render=False)
    assert newer.citations and newer.citations[0].doc_id == "newer" and "Luca Neri" in newer.text, newer
    older = engine.ask(question, as_of=date(2026, 2, 22), render=False)
    assert older.citations and older.citations[0].doc_id == "older" and "Marco Bianchi" in older.text, older
    # A week with no report on it, inside the articles' dates: the question is still answered.
    between = engine.ask(question, as_of="2026-02-28", render=False)
    assert not between.abstained and between.citations, between
    with pytest.raises(BadQuestion, match="YYYY-MM-DD"):
        engine.ask(question, as_of="next Tuesday")
    bad = run("ask", question, "--as-of", "3/3/26", index=tmp_path / "index")
    assert bad.returncode == 2 and bad.stderr.startswith("error: as_of=") and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("question", "lang", "day", "phrase"),
    [
        ("What happened on 6 January 2026?", "en", "2026-01-06", "6 January 2026"),
        ("Cosa è successo il 7 gennaio?", "it", "2026-01-07", "7 gennaio"),
        ("What was said on January 7th?", "en", "2026-01-07", "January 7th"),
        ("Cosa è accaduto il 4 settembre?", "it", "2025-09-04", "4 settembre"),
    ],
)
def test_a_calendar_day_is_read_with_the_year_of_the_reports(question: str, lang: str, day: str, phrase: str):
    assert day_named(question, lang=lang, newest="2026-01-07") == (day, phrase)
    stripped, filters, _ = temporal(question, None, dated=lambda: ("2025-09-04", "2026-01-07"))
    assert filters is not None and filters.date_from == filters.date_to == day
    assert phrase not in stripped


@pytest.mark.parametrize(
    "question", ["What happened on 31 February?", "Chi è nato nel 1960?", "Quanti punti ha il piano?"]
)
def test_no_day_where_none_is_named(question: str):
    assert day_named(question, lang="en", newest="2026-01-07") is None
