import pytest

from rag.api import Engine
from rag.errors import BadQuestion
from tests.conftest import MELONI


@pytest.mark.parametrize("question", ["What did Meloni commit?", "Cosa ha promesso Meloni?"])
def test_meloni_commitment_is_answered_and_cited(sample_engine: Engine, question: str):
    answer = sample_engine.ask(question)
    assert not answer.abstained and answer.citations
    # Her commitments are in the Paris article: support, and no Italian troops.
    assert all(c.doc_id == MELONI and c.date == "2026-01-07" for c in answer.citations)
    assert all("Meloni" in c.quote for c in answer.citations)
    assert any("truppe" in c.quote for c in answer.citations)
    for c in answer.citations:
        assert f"{c.quote} [{c.n}]" in answer.text
    assert "Presente anche la premier Giorgia Meloni" not in answer.text  # names her, commits nothing


def test_every_sentence_carries_a_marker_and_every_span_is_exact(sample_engine: Engine):
    answer = sample_engine.ask("What did Putin say about the European changes to the peace plan?")
    assert answer.citations and not answer.abstained
    for c in answer.citations:
        text = sample_engine.document(c.doc_id)
        assert text is not None and text[c.start : c.end] == c.quote
        assert c.passage_start <= c.start < c.end <= c.passage_end
        assert f"[{c.n}]" in answer.text
    assert "inaccettabili" in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            "Quanti carri armati ha promesso la Germania a Parigi?",
            "Non ho trovato la risposta negli articoli indicizzati.",
        ),
        ("What did Biden say in Paris?", "I could not find the answer in the indexed articles."),
        ("What is the recipe for carbonara?", "I could not find the answer in the indexed articles."),
    ],
)
def test_out_of_corpus_questions_abstain_in_their_language(sample_engine: Engine, question: str, message: str):
    answer = sample_engine.ask(question)
    assert answer.abstained and answer.citations == ()
    assert answer.text == message


@pytest.mark.parametrize("question", ["", "   ", "🙂🙂🙂", "?!...", "x" * 10_000])
def test_unusable_questions_are_refused_with_a_reason(sample_engine: Engine, question: str):
    with pytest.raises(BadQuestion):
        sample_engine.ask(question)


def test_number_question_marks_the_answer_phrase_inside_the_sentence(sample_engine: Engine):
    answer = sample_engine.ask("In quanti punti era il piano di pace presentato dagli Usa?")
    marked = [c for c in answer.citations if c.answer]
    assert marked, answer.citations
    c = marked[0]
    assert "28" in c.answer and c.quote.find(c.answer) >= 0
    text = sample_engine.document(c.doc_id)
    assert text is not None and text[c.answer_start : c.answer_end] == c.answer
    assert c.start <= c.answer_start < c.answer_end <= c.end
