import pytest

from rag import fitted
from rag.api import Engine
from rag.search.vocabulary import KNOWN, UNKNOWN, NameMatch, verdict
from rag.text.question import entities


def test_a_translated_name_stands_out_and_another_country_blends_in(sample_engine: Engine):
    vocabulary = sample_engine.vocabulary()
    assert vocabulary.match("Meloni") == NameMatch(1.0)
    paris = vocabulary.match("Paris")  # the articles say "Parigi"
    assert KNOWN <= paris.closeness < 1.0 and paris.standout >= fitted.NAME_STANDOUT
    brazil = vocabulary.match("Brasile")  # no article mentions Brazil; its nearest is another country
    assert UNKNOWN <= brazil.closeness < KNOWN
    assert brazil.standout < fitted.NAME_STANDOUT
    assert verdict([paris], standout=fitted.NAME_STANDOUT) == (False, 0)
    assert verdict([brazil], standout=fitted.NAME_STANDOUT) == (True, 1)


@pytest.mark.parametrize(
    ("matches", "expected"),
    [
        ([], (False, 0)),
        ([NameMatch(1.0), NameMatch(0.8, 0.0)], (False, 0)),  # close enough needs no standing out
        ([NameMatch(0.6, 0.3)], (False, 1)),  # a loose translation that stands out: only doubtful
        ([NameMatch(0.6, 0.05)], (True, 1)),  # one of a crowd of similar names
        ([NameMatch(0.45, 0.9)], (True, 1)),  # nothing like it in the corpus
    ],
)
def test_verdict_refuses_unknown_names_and_counts_doubtful_ones(matches, expected):
    assert verdict(matches, standout=0.1) == expected


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("Chi è il presidente del Brasile?", "Non ho trovato la risposta negli articoli indicizzati."),
        ("What did the president of Brazil say?", "I could not find the answer in the indexed articles."),
    ],
)
def test_a_country_no_article_mentions_is_refused(sample_engine: Engine, question: str, message: str):
    answer = sample_engine.ask(question)
    assert answer.abstained and answer.text == message


def test_spelling_is_the_nearest_corpus_spelling(sample_engine: Engine):
    vocabulary = sample_engine.vocabulary()
    assert vocabulary.spelling("Meloni") == vocabulary.spelling("ucraino") == 1.0  # as written; by stem
    assert vocabulary.spelling("Melloni") == pytest.approx(6 / 7)  # one letter too many of "meloni"
    assert vocabulary.spelling("Zelenski") == pytest.approx(7 / 8)
    assert vocabulary.spelling("Ptn") == 0.0  # too short to tell a typo from another word
    assert vocabulary.spelling("carbonara") < fitted.SPELLING
    assert vocabulary.match("Melloni", near=fitted.SPELLING) == NameMatch(1.0)
    assert vocabulary.match("Melloni") != NameMatch(1.0)  # 1.0 forgives nothing
    assert vocabulary.unknown_share(["melloni", "alleati"]) == 0.5
    assert vocabulary.unknown_share(["melloni", "alleati"], near=fitted.SPELLING) == 0.0


@pytest.mark.parametrize(
    ("misspelt", "spelt"),
    [
        ("What did Melloni commit?", "What did Meloni commit?"),
        ("Cosa ha detto Zelenski sugli alleati?", "Cosa ha detto Zelensky sugli alleati?"),
        ("Cosa ha detto Kushnner?", "Cosa ha detto Kushner?"),
    ],
)
def test_a_misspelt_name_gets_the_answer_the_right_spelling_gets(sample_engine: Engine, misspelt: str, spelt: str):
    right = sample_engine.ask(spelt)
    answer = sample_engine.ask(misspelt)
    assert not right.abstained and not answer.abstained, answer.text
    assert answer.citations[0].doc_id == right.citations[0].doc_id
    assert answer.standalone_question == spelt  # searched in the corpus's spelling, and says so
    assert [p.chunk_id for p in sample_engine.retrieve(misspelt)] == [p.chunk_id for p in sample_engine.retrieve(spelt)]


@pytest.mark.parametrize(
    "question",
    ["Who led the American delegation in Paris?", "How did Zelensky describe some of Ukraine's allies?",
     "What did the Russian envoy say?"],
)  # fmt: skip
def test_english_names_are_left_to_the_embedder(sample_engine: Engine, question: str):
    # "Paris" is one edit from "pari", "Ukraine" from "ucraine" and "Russian" from "russia":
    # the names they mean are "Parigi", "Ucraina" and Russia in English; respelling would garble them.
    vocabulary = sample_engine.vocabulary()
    assert vocabulary.respell(question, entities(question), near=fitted.SPELLING, across_languages=True) == question
    assert sample_engine.ask(question).standalone_question is None


def test_quotes_and_timeline_read_a_misspelt_speaker_in_the_articles_spelling(sample_engine: Engine):
    meloni = sample_engine.quotes(speaker="Meloni")
    assert meloni and sample_engine.quotes(speaker="Melloni") == meloni
    assert sample_engine.quotes(speaker="Zelenski") == sample_engine.quotes(speaker="Zelensky")
    assert sample_engine.timeline("Zelenski") == sample_engine.timeline("Zelensky")
    assert sample_engine.quotes(speaker="Macron") == []  # mentioned, never quoted: nothing to respell into
