"""Place names in the other language from CLDR, and Apertium's renderings using them."""

from __future__ import annotations

import pytest

from rag.translation.apertium import Apertium
from rag.translation.gazetteer import place_names


def test_countries_and_cities_have_their_form_in_the_other_language_both_ways():
    to_en, to_it = place_names("it", "en"), place_names("en", "it")
    assert {k: to_en[k] for k in ("Parigi", "Ucraina", "Stati Uniti", "Mosca", "Kiev")} == {
        "Parigi": "Paris", "Ucraina": "Ukraine", "Stati Uniti": "United States", "Mosca": "Moscow", "Kiev": "Kyiv",
    }  # fmt: skip
    assert to_it["Paris"] == "Parigi" and to_it["Ukraine"] == "Ucraina"
    assert "Russia" not in to_en and "Witkoff" not in to_en  # the same in both, or not a place: left as written


@pytest.mark.skipif(not Apertium.available(), reason="Apertium is not installed (`make translator`)")
def test_apertium_renders_place_names_in_the_target_form_unless_told_not_to():
    quote = ["Gli Stati Uniti hanno mandato l'ambasciatore a Parigi per l'Ucraina."]
    rendered = Apertium(timeout=60).translate(quote, source="it", target="en")[0]
    assert all(name in rendered for name in ("United States", "Paris", "Ukraine")), rendered
    verbatim = Apertium(timeout=60, places=False).translate(quote, source="it", target="en")[0]
    assert "Parigi" in verbatim and "Paris" not in verbatim, verbatim
