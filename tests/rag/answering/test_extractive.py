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


def test_a_sentence_that_only_announces_the_next_is_quoted_with_it(sample_engine: Engine):
    # The best sentence says a package was agreed; the next one says what it holds.
    answer = sample_engine.ask("Che cosa comprende il pacchetto di garanzie di sicurezza concordato a Parigi?")
    first = answer.citations[0]
    assert "hanno concordato un pacchetto di garanzie" in first.quote
    assert "Comprende supporto politico" in first.quote  # the follow-on, in the same citation
    text = sample_engine.document(first.doc_id)
    assert text is not None and text[first.start : first.end] == first.quote  # still one exact span
    assert answer.text.count("Comprende supporto politico") == 1


def test_compose_joins_a_heading_or_a_colon_to_the_next_sentence_and_nothing_else():
    import numpy as np

    from rag.answering.extractive import Candidate, compose
    from rag.types import Passage

    text = (
        "Le garanzie comprendono:\nmonitoraggio del cessate il fuoco e hub logistici.\n\nAltro tema, altra frase qui."
    )
    spans = ((0, 24), (25, 75), (77, len(text)))
    passage = Passage("c", "d", text, 1.0, "t", None, None, 0, len(text), sentences=spans, language="it")

    def candidate(i: int) -> Candidate:
        a, b = spans[i]
        return Candidate(passage, a, b, text[a:b], 0.9, 1.0, np.zeros(3))

    joined = compose("Quali garanzie?", [candidate(0)])
    assert joined[0].text == text[0:75] and (joined[0].start, joined[0].end) == (0, 75)
    # A whole sentence followed by another paragraph stays alone.
    assert compose("Quale tema?", [candidate(1)])[0].text == text[25:75]
    # A follow-on already chosen is not quoted twice.
    both = compose("Quali garanzie?", [candidate(0), candidate(1)])
    assert [c.text for c in both] == [text[0:24], text[25:75]]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which country announced a crackdown on rainbow toys?", "name"),
        ("What show won the award?", "name"),
        ("Quale paese ha firmato l'accordo?", "name"),
        ("What did Meloni say?", None),
        ("Che cosa comprende il pacchetto?", None),
        ("Chi guidava la delegazione?", "who"),
    ],
)
def test_which_and_what_name_questions_ask_for_a_name(question: str, kind: str | None):
    from rag.answering.answer_types import asks_for
    from rag.answering.phrase import answer_span

    assert asks_for(question) == kind
    if kind == "name":
        sentence = "Officials on Tuesday said the ban in Saudi Arabia starts at once."
        span = answer_span(question, sentence, "en")
        assert span is not None and sentence[span[0] : span[1]] == "Saudi Arabia"
