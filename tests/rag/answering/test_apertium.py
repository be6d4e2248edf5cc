"""Apertium kept running: the same renderings as a fresh pipeline, whatever came before; recovery; escaping."""

from __future__ import annotations

import pytest

from rag.answering.apertium import Apertium, Pipeline, pipeline, unformat

needs_apertium = pytest.mark.skipif(not Apertium.available(), reason="Apertium is not installed (`make translator`)")

# Sentences whose readings depend on the one before when the tagger and the disambiguator are kept running.
SENTENCES = (
    "Malgrado l'avere svincolato il running back DeAngelo Williams ed avere perso il proprio migliore wide "
    "receiver, Kelvin Benjamin, per la rottura del legamento crociato anteriore in pre-stagione, i Carolina "
    "Panthers ebbero il miglior record nella stagione regolare della loro storia.",
    "Denver ha preso il calcio d' apertura e ha iniziato forte con Peyton Manning completando un passaggio di "
    "18 metri a fine stretto Owen Daniels e un tiro 22-cantiere al ricevitore Andre Caldwell.",
)


@needs_apertium
def test_a_sentence_renders_the_same_after_others_as_in_a_fresh_pipeline():
    fresh = Pipeline(("ita-spa", "spa-eng"))
    alone = fresh.run([SENTENCES[1]], timeout=60)
    fresh.close()
    kept = Pipeline(("ita-spa", "spa-eng"))
    kept.run([SENTENCES[0]], timeout=60)
    assert kept.run([SENTENCES[1]], timeout=60) == alone
    assert "Peyton Manning" in alone[0]
    kept.close()


@needs_apertium
def test_a_killed_pipeline_starts_again_and_reserved_characters_survive():
    apertium = Apertium(timeout=60)
    first = apertium.translate(["Il gatto è sul tavolo."], source="it", target="en")
    shared = pipeline(("ita-spa", "spa-eng"))
    shared.close()  # as if its programs had died: the next call starts them again
    again = apertium.translate(["Il gatto è sul tavolo.", "Ha pagato $5 [circa] per 3/4 <di> tutto."],
                               source="it", target="en")  # fmt: skip
    assert again[0] == first[0] == "The cat is on the table."
    assert all(part in again[1] for part in ("$5", "[", "]", "3/4", "<", ">")), again[1]


def test_unformat_splits_at_each_texts_line_break_and_undoes_escapes():
    assert unformat("A \\$5 b.[][\n]C [x] d.[][\n]") == ["A $5 b.", "C x d."]
