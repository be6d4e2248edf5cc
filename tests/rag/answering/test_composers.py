"""Each kind of question is answered its own way, in Italian and English, on the sample articles (real engine)."""

from __future__ import annotations

import pytest

from rag.api import Engine
from rag.types import Answer


def ask(engine: Engine, question: str, **kwargs: object) -> Answer:
    answer = engine.ask(question, render=False, **kwargs)  # type: ignore[arg-type]
    return answer


def quotes(answer: Answer) -> str:
    return " ".join(c.quote for c in answer.citations)


@pytest.mark.parametrize("question", ["Who attended the Paris summit?", "Chi ha partecipato al vertice di Parigi?"])
def test_a_list_names_the_set(sample_engine: Engine, question: str):
    answer = ask(sample_engine, question)
    named = [n for n in ("Meloni", "Zelensky", "Witkoff", "Kushner", "27 leader") if n in quotes(answer)]
    assert not answer.abstained and len(named) >= 3, (named, answer.text)
    assert len(answer.citations) >= 2  # one citation per sentence, so the answer covers the set


@pytest.mark.parametrize("question", ["Quanti droni sono stati abbattuti?", "How many drones were shot down?"])
def test_a_count_puts_the_counted_number_first(sample_engine: Engine, question: str):
    answer = ask(sample_engine, question)
    assert "129 droni" in answer.citations[0].quote, answer.text


@pytest.mark.parametrize(
    "question", ["Quando Trump ha incontrato Putin in Alaska?", "When did Trump meet Putin in Alaska?"]
)
def test_a_time_question_puts_the_date_first(sample_engine: Engine, question: str):
    answer = ask(sample_engine, question)
    assert "15 agosto" in answer.citations[0].quote, answer.text


def test_who_is_a_role_gives_the_name_said_just_before(sample_engine: Engine):
    answer = ask(sample_engine, "Chi è il genero di Trump?")
    first = answer.citations[0].quote
    assert "Kushner" in first and "il genero di Trump" in first, answer.text
    assert "Zakharova" in ask(sample_engine, "Chi è la portavoce del ministero degli Esteri russo?").citations[0].quote


@pytest.mark.parametrize("question", ["Summarize the articles", "Riassumi le notizie"])
def test_a_summary_cites_one_sentence_per_article_newest_first(sample_engine: Engine, question: str):
    answer = ask(sample_engine, question)
    docs = [c.doc_id for c in answer.citations]
    dates = [c.date for c in answer.citations if c.date]
    assert not answer.abstained and len(set(docs)) == len(docs) >= 4, answer.text
    assert dates == sorted(dates, reverse=True) and docs[0].startswith("002")  # 7 January 2026 first


@pytest.mark.parametrize(
    "question", ["What's the latest on the peace talks?", "Quali sono le ultime notizie sui colloqui di pace?"]
)
def test_the_latest_is_answered_newest_first(sample_engine: Engine, question: str):
    answer = ask(sample_engine, question)
    dates = [c.date or "" for c in answer.citations]
    assert not answer.abstained and dates == sorted(dates, reverse=True), answer.text
    assert answer.citations[0].doc_id[:3] in ("002", "003")


def test_a_summary_with_a_topic_stays_on_it_and_an_unknown_topic_is_refused(sample_engine: Engine):
    assert "Tver" in quotes(ask(sample_engine, "Riassumi le notizie su Tver"))
    assert ask(sample_engine, "What's the latest on the carbonara recipe?").abstained


@pytest.mark.parametrize(
    "question",
    [
        "How do the positions of Italy and the United States on sending troops differ?",
        "In cosa differiscono le posizioni di Italia e Stati Uniti sull'invio di truppe?",
    ],
)
def test_a_comparison_cites_each_side(sample_engine: Engine, question: str):
    answer = ask(sample_engine, question)
    said = quotes(answer)
    assert "Italia" in said and ("Stati Uniti" in said or "Usa" in said), answer.text


@pytest.mark.parametrize(
    ("first", "then"), [("What did Meloni commit?", "And Macron?"), ("Cosa ha promesso Meloni?", "E Macron?")]
)
def test_a_follow_up_on_someone_nobody_quotes_gets_the_ordinary_answer(sample_engine: Engine, first: str, then: str):
    answer = ask(sample_engine, then, history=[("user", first), ("assistant", ask(sample_engine, first).text)])
    assert not answer.abstained and "No article quotes" not in answer.text and "Macron" in quotes(answer)


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("What is the population of Tver?", "The indexed articles say nothing about population."),
        ("What did Meloni say about migration?", "The indexed articles say nothing about migration."),
        ("Cosa ha detto Meloni sull'immigrazione?", "Gli articoli indicizzati non dicono nulla su immigrazione."),
    ],
)
def test_an_answer_that_misses_the_focus_is_a_refusal_that_names_it(sample_engine: Engine, question: str, focus: str):
    answer = ask(sample_engine, question)
    assert answer.abstained and answer.text == focus and not answer.citations
