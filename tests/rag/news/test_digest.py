"""A day as the topic: "What happened on 6 January 2026?" answers with that day's news, cited."""

from __future__ import annotations

import pytest

from rag.api import Engine
from rag.news.digest import about_the_period


@pytest.mark.parametrize(
    ("question", "as_of", "day"),
    [
        ("What happened on 6 January 2026?", None, "2026-01-06"),
        ("Cosa è successo ieri?", "2026-01-07", None),
        ("What was said on 7 January?", None, "2026-01-07"),
    ],
)
def test_a_day_is_answered_from_its_articles(sample_engine: Engine, question: str, as_of: str | None, day: str | None):
    answer = sample_engine.ask(question, as_of=as_of)
    assert not answer.abstained and answer.citations, answer.text
    dates = {c.date for c in answer.citations}
    if day:
        assert dates == {day}
    else:  # "ieri" asked on 7 January: the reports of the days before it
        assert dates <= {"2026-01-05", "2026-01-06", "2026-01-07"}
    assert "[1]" in answer.text


def test_a_topic_with_a_day_is_still_a_question_about_the_topic():
    assert about_the_period("What happened?") and about_the_period("Cosa è successo ieri?")
    assert not about_the_period("What did Biden say?")
    assert not about_the_period("What did the army announce?")


def test_a_name_no_article_knows_is_refused_on_any_day(sample_engine: Engine):
    assert sample_engine.ask("What did Biden say on 6 January 2026?").abstained
