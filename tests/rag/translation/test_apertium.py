"""Apertium kept running: the same renderings as a fresh pipeline, whatever came before; recovery; escaping."""

from __future__ import annotations

import pytest

from rag.translation.apertium import Apertium, Pipeline, pipeline
from rag.translation.apertium_stream import UNKNOWN, unformat
from rag.translation.apertium_words import separators, strip_marks

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
    assert "Peyton Manning" in strip_marks(alone[0])
    kept.close()


@pytest.mark.slow
@needs_apertium
def test_a_batch_larger_than_the_pipes_hold_is_rendered_whole_and_in_order():
    """Written whole before it was read, 700 sentences at once (~175 KB) hung in the write: more than the
    pipes between the programs hold. Now the lines go in batches."""
    shared = Pipeline(("ita-spa", "spa-eng"))
    lines = [f"{SENTENCES[i % 2]} ({i})" for i in range(700)]
    assert sum(len(line) for line in lines) > 160_000
    out = shared.run(lines, timeout=300)
    assert len(out) == 700 and all(f"({i})" in line for i, line in enumerate(out))
    assert out[:2] == shared.run(lines[:2], timeout=60)
    shared.close()


@needs_apertium
def test_a_pipeline_works_when_the_process_holds_over_a_thousand_descriptors():
    """A long-lived server holds many files; select() refused a descriptor above 1023."""
    import os

    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        fresh = Pipeline(("ita-spa", "spa-eng"))
        assert strip_marks(fresh.run(["Il gatto è sul tavolo."], timeout=60)[0]) == "The cat is on the table."
        fresh.close()
    finally:
        for fd in held:
            os.close(fd)


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


def test_unformat_tells_apertiums_marks_from_a_texts_own_stars():
    assert unformat("**ucraino e \\*stella\\*.[][\n]") == [f"{UNKNOWN}{UNKNOWN}ucraino e *stella*."]


needs_glosses = pytest.mark.skipif(
    not (Apertium.available() and Apertium.available("cat")),
    reason="Apertium's Catalan pairs are not installed (`make translator`)",
)


@needs_glosses
def test_words_the_route_lacks_are_glossed_through_the_other_pivot_but_never_a_negation():
    apertium = Apertium(timeout=60)
    ukrainian, spiny, none = apertium.translate(
        ["Il presidente ucraino ha parlato.", "La questione più spinosa resta aperta.", "Non c'è nessun accordo."],
        source="it", target="en",
    )  # fmt: skip
    assert "Ukrainian" in ukrainian and "ucraino" not in ukrainian, ukrainian
    assert "spinosa" not in spiny, spiny
    assert "cape" not in none, none  # the Catalan route's "nessun"; a negation stays as the route left it
    plain = Apertium(timeout=60, glosses=False).translate(["Il presidente ucraino."], source="it", target="en")
    assert "ucraino" in plain[0]


@needs_glosses
def test_initials_and_nationality_adjectives_take_the_other_languages_form():
    apertium = Apertium(timeout=60)
    english = apertium.translate(["Gli Usa e la Nato hanno parlato con l'Ue."], source="it", target="en")[0]
    assert all(w in english.split() or f"{w}." in english for w in ("US", "NATO", "EU")), english
    italian = apertium.translate(["The Ukrainian president met the NATO chief and the US envoy."],
                                 source="en", target="it")[0]  # fmt: skip
    assert "presidente ucraino" in italian and "Nato" in italian and "Usa" in italian, italian
    assert "Ukrainian" not in italian


def test_numbers_take_the_target_languages_separators():
    assert separators("per 2.249 metri, 1,2 miliardi, alle 10.30, 1.234,5", source="it", target="en") == (
        "per 2,249 metri, 1.2 miliardi, alle 10.30, 1,234.5"
    )
    assert separators("2,249 yards, a 4.7 average, on 2025-09-04", source="en", target="it") == (
        "2.249 yards, a 4,7 average, on 2025-09-04"
    )
