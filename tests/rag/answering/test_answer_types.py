import pytest

from rag.answering.answer_types import typed_phrases


@pytest.mark.parametrize(
    ("question", "sentence", "offered"),
    [
        # A name the question does not hold answers a name question; the question's own names do not.
        ("Which official met Zelensky in Kyiv?", "Zelensky met the envoy in Kyiv.", []),
        ("Which official met Zelensky in Kyiv?", "In Kyiv, Zelensky met Steve Witkoff.", ["Steve Witkoff."]),
        # A number already in the question is no answer to "how many"; a new one is.
        ("How many of the 30 drones were shot down?", "Of the 30 drones, most fell.", []),
        ("How many of the 30 drones were shot down?", "Of the 30 drones, 27 were shot down.", ["27"]),
        (
            "Quando è stato firmato l'accordo?",
            "L'accordo è stato firmato il 6 gennaio 2026 a Parigi.",
            ["6 gennaio 2026"],
        ),
        # A capital that only starts the sentence, or a weekday, names nothing when a name is there.
        ("Which band announced a tour?", "They said on Tuesday that Blinkers will tour.", ["Blinkers"]),
        ("Who spoke after the vote?", "After the vote, Maria Rossi spoke to reporters.", ["Maria Rossi"]),
    ],
)
def test_a_sentence_offers_only_phrases_the_question_lacks(question: str, sentence: str, offered: list[str]):
    assert [m.group(0) for m in typed_phrases(question, sentence)] == offered


def test_no_phrases_for_a_question_that_asks_for_no_kind():
    assert typed_phrases("Cosa ha promesso Meloni?", "Meloni ha promesso sostegno a Kiev.") == []
