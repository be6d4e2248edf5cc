"""The facts a rendering or a model's sentence must keep: numbers, months, negation, names."""

from __future__ import annotations

import pytest

from rag.text.names import names
from rag.translation.faithfulness import fact_changes, missing_names, negated, numbers, withheld_because

SOURCE = "Il 6 gennaio 2026 i leader dei Volenterosi hanno firmato 3 accordi a Parigi con gli Stati Uniti."


def verdict(rendering: str, *, cosine: float = 0.95, alone: dict[str, str] | None = None) -> str | None:
    return withheld_because(
        SOURCE, rendering, source_language="it", target_language="en", cosine=cosine, bar=0.87,
        name_renderings=alone or {"Parigi": "Paris", "Stati Uniti": "United States", "Volenterosi": "Willing"},
    )  # fmt: skip


def test_a_faithful_rendering_is_shown():
    assert (
        verdict("On 6 January 2026 the leaders of the Willing signed 3 agreements in Paris with the United States.")
        is None
    )


@pytest.mark.parametrize(
    ("rendering", "why"),
    [
        ("On 6 January 2026 the Willing signed 4 agreements in Paris with the United States.", "a number differs"),
        ("On 6 February 2026 the Willing signed 3 agreements in Paris with the United States.", "a date differs"),
        ("On 6 January 2026 the Willing did not sign 3 agreements in Paris with the US.", "a negation differs"),
        ("On 6 January 2026 the leaders signed 3 agreements in Paris with the US.", "the name Volenterosi is missing"),
        ("", "the translator returned nothing"),
    ],
)  # fmt: skip
def test_a_changed_fact_withholds_the_rendering(rendering: str, why: str):
    assert verdict(rendering) == why


def test_a_rendering_far_in_meaning_is_withheld():
    faithful = "On 6 January 2026 the leaders of the Willing signed 3 agreements in Paris with the United States."
    assert verdict(faithful, cosine=0.80) == "its meaning is too far from the source"


def test_numbers_match_across_decimal_styles():
    assert numbers("1,2 miliardi") == numbers("1.2 billion")
    assert not fact_changes(
        "Lo stadio da 1,2 miliardi.", "The $1.2 billion stadium.", source_language="it", other_language="en"
    )


def test_negation_in_both_languages():
    assert negated("L'Italia non invierà truppe.", "it") and negated("Italy won't send troops.", "en")
    assert negated("senza invio di truppe", "it") and negated("without sending troops", "en")
    assert not negated("Italy will send troops.", "en")


def test_names_are_runs_of_capitalised_words_inside_a_sentence():
    assert names(SOURCE) == ["Volenterosi", "Parigi", "Stati Uniti"]
    # A name spelt the same way in the rendering is not missing; one with its own form is, with its words.
    assert missing_names(SOURCE, "... Volenterosi ... Paris ... United States") == [
        "Parigi",
        "Stati Uniti",
        "Stati",
        "Uniti",
    ]


def test_the_reason_is_given_in_the_askers_language():
    english = "On 6 January 2026 the leaders of the Willing signed 4 agreements in Paris with the United States."
    why = withheld_because(
        english, SOURCE, source_language="en", target_language="it", cosine=0.95, bar=0.87,
        name_renderings={"Paris": "Parigi", "United States": "Stati Uniti", "Willing": "Volenterosi"},
    )  # fmt: skip
    assert why == "un numero è diverso"
    slid = withheld_because(
        SOURCE, "On 6 January 2026 the Willing signed 3 agreements in Paris with the United States.",
        source_language="it", target_language="en", cosine=0.95, bar=0.87, strays=["summit"],
        name_renderings={"Parigi": "Paris", "Stati Uniti": "United States", "Volenterosi": "Willing"},
    )  # fmt: skip
    assert slid == "it holds words of another sentence (summit)"
