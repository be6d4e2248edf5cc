import pytest

from rag.answering.phrase import answer_span


@pytest.mark.parametrize(
    ("question", "sentence", "phrase"),
    [
        (
            "Chi ha guidato la delegazione americana?",
            "La delegazione americana era guidata da Steve Witkoff.",
            "Steve Witkoff",
        ),
        ("In che anno fu fondata la città?", "La città fu fondata nel 1492 da coloni spagnoli.", "1492"),
        ("How many drones were launched?", "Mosca ha lanciato 129 droni nella notte.", "129"),
        ("Dove si è tenuto il vertice?", "Il vertice si è tenuto a Parigi, all'Eliseo.", "Parigi"),
    ],
)
def test_the_asked_phrase_is_marked(question: str, sentence: str, phrase: str):
    span = answer_span(question, sentence)
    assert span is not None and sentence[span[0] : span[1]] == phrase


def test_no_phrase_for_questions_that_ask_for_none():
    assert answer_span("Cosa ha promesso Meloni?", "Meloni ha promesso sostegno.") is None
    assert answer_span("Quanti droni?", "Nessun numero qui.") is None
