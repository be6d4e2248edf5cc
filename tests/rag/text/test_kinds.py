"""What kind of answer a question wants, in Italian and English (rag/text/kinds.py)."""

from __future__ import annotations

import pytest

from rag.text.kinds import question_kind, topic


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who attended the Paris summit?", "list"),
        ("Chi ha partecipato al vertice di Parigi?", "list"),
        ("Quali paesi hanno offerto hub in Ucraina?", "list"),
        ("Quanti droni sono stati abbattuti?", "count"),
        ("How many drones were shot down?", "count"),
        ("When did Trump meet Putin in Alaska?", "time"),
        ("In che anno Trump ha incontrato Putin in Alaska?", "time"),
        ("Chi è il genero di Trump?", "who_is"),
        ("Who is Vitaly Korolev?", "who_is"),
        ("Summarize the articles", "summary"),
        ("Riassumi le notizie", "summary"),
        ("Cosa è successo a Tver?", "summary"),
        ("What's the latest on the peace talks?", "latest"),
        ("Le ultime notizie su Tver", "latest"),
        ("How do the positions of Italy and France differ?", "comparison"),
        ("Confronta le dichiarazioni di Zelensky e Witkoff", "comparison"),
        ("What did Meloni commit?", "fact"),
        ("Cosa ha detto Zakharova sulle truppe straniere?", "fact"),
        ("Who said the talks were useful?", "fact"),
    ],
)
def test_the_kind_comes_from_the_questions_words(question: str, kind: str):
    assert question_kind(question) == kind


def test_a_summarys_topic_is_what_is_left_of_the_asking():
    assert topic("Summarize the articles") == "" and topic("Riassumi le notizie") == ""
    assert topic("What's the latest on the peace talks?") == "peace talks"
    assert topic("Le ultime notizie su Tver") == "Tver"


def test_the_counted_words_and_the_who_is_subject():
    from rag.text.kinds import counted, who_is

    assert counted("Quanti droni sono stati abbattuti?") == "droni sono" and counted("Chi è Kushner?") == ""
    assert who_is("Chi è il genero di Trump?") == "il genero di Trump" and who_is("Who is Kushner?") == "Kushner"
    assert who_is("Who is the one that said it?") == ""  # not a question about someone
