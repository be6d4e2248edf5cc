"""Article and question languages (rag/text/language.py) and what they change: stemming and same-language pairs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.api import Engine
from rag.search.lexical import LexicalIndex
from rag.settings import Settings
from rag.text.language import detect, stemmer, stopwords
from rag.text.question import content_words, entities
from tests.conftest import ARTICLES, MELONI
from vectorstore.embedders.factory import E5Small

# An English news article written for this test (not taken from any outlet).
HARBOUR = """Oslo harbour fund approved

date 2026-01-09

Norway's parliament on Thursday approved a 4 billion crown fund for rebuilding the Oslo harbour front,
after months of debate about its cost.

The fund, approving work that starts in March, pays for new quays, a ferry terminal and flood barriers.
Harbour director Ingrid Solberg said the first ferries would use the new terminal in 2028.

Critics in the opposition called the plan too expensive, but the vote passed by 96 to 73.
"""


def test_languages_are_detected_by_the_library_not_by_word_lists():
    assert detect("Cosa ha promesso Meloni ai partner europei?") == "it"
    assert detect("What did Meloni promise the European partners?") == "en"
    assert detect("") == "en"  # nothing to tell: the default, not an error
    assert "the" in stopwords("en") and "della" in stopwords("it")  # Snowball's lists, as bm25s ships them
    assert stemmer("en").stemWord("approving") == stemmer("en").stemWord("approved")


def test_content_words_and_names_skip_function_and_question_words_of_both_languages():
    assert content_words("Cosa ha promesso Meloni della Ucraina?") == ["promesso", "meloni", "ucraina"]
    assert content_words("What did the parliament approve?") == ["parliament", "approve"]
    assert entities("Quando Meloni e Zelensky si sono incontrati?") == ["Meloni", "Zelensky"]
    assert entities("The fund and What Oslo approved") == ["Oslo"]


def test_each_language_part_of_bm25_stems_in_its_own_language():
    index = LexicalIndex(
        [
            ("en-1", "The parliament approved the harbour fund.", "en"),
            ("it-1", "Il parlamento ha approvato il fondo del porto.", "it"),
        ]
    )
    assert index.language_of("en-1") == "en" and index.language_of("it-1") == "it"
    # "approving" meets "approved" only through the English stemmer.
    assert [i for i, _ in index.search("approving", 5)] == ["en-1"]
    # "approvare" meets "approvato" only through the Italian one.
    assert [i for i, _ in index.search("approvare", 5)] == ["it-1"]


@pytest.mark.slow
def test_a_mixed_corpus_answers_each_question_from_an_article_in_its_language(tmp_path: Path, embedder: E5Small):
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    (folder / "oslo-harbour.txt").write_text(HARBOUR, encoding="utf-8")
    engine = Engine(Settings(persist_dir=tmp_path / "index"), embedder=embedder)
    engine.ingest([folder])
    languages = {d: m.get("lang") for d, m in engine.store.documents().items()}
    assert languages["oslo-harbour"] == "en" and {languages[d] for d in languages if d != "oslo-harbour"} == {"it"}

    english = engine.ask("When will ferries use the new harbour terminal?")
    assert not english.abstained and english.citations[0].doc_id == "oslo-harbour", english.text
    assert "2028" in english.text
    lexical = engine.retriever._lexical_index()
    assert lexical.language_of(english.passages[0].chunk_id) == "en"  # analysed with the English stemmer

    italian = engine.ask("Cosa ha promesso Meloni?")
    assert not italian.abstained and italian.citations[0].doc_id == MELONI, italian.text
    assert lexical.language_of(italian.passages[0].chunk_id) == "it"
    # The pair decides the BM25 weight: full for English-English, the cross weight for English-Italian.
    assert engine.retriever.weight_for(english.question, "en") == engine.settings.lexical_weight
    assert engine.retriever.weight_for(english.question, "it") == engine.settings.cross_lexical_weight
