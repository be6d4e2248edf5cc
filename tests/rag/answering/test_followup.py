import pytest

from rag.answering.followup import standalone
from rag.api import Engine


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (["Who did Zelensky remove as head of the SBU?"], "E Macron?", "Who did Macron remove as head of the SBU?"),
        (["Cosa ha promesso Meloni?"], "E Macron?", "Cosa ha promesso Macron?"),
        (["Cosa hanno promesso Meloni e Macron?"], "E Starmer?", "Cosa hanno promesso Starmer?"),
        (["Cosa ha promesso Meloni?", "E Macron?"], "E Starmer?", "Cosa ha promesso Starmer?"),
        (
            ["What did the EU and Meloni promise Kyiv?"],
            "What about Macron?",
            "What did the EU and Macron promise Kyiv?",
        ),
    ],
)
def test_the_subject_is_replaced_and_the_other_names_kept(history: list[str], question: str, expected: str):
    assert standalone(question, [("user", h) for h in history]) == expected


def test_the_engine_answers_the_rewritten_question(sample_engine: Engine):
    history = [("user", "Cosa ha promesso Meloni?")]
    answer = sample_engine.ask("E Macron?", history=history)
    assert answer.standalone_question == "Cosa ha promesso Macron?"
    assert answer.abstained or all("Macron" in c.quote or "Parigi" in c.quote for c in answer.citations)
