"""Language knowledge in one place: calendar names from dateparser, folding, numbers and name patterns."""

from __future__ import annotations

from rag.text.calendar import month_name, month_names, weekday_names
from rag.text.names import name_pattern, names
from rag.text.words import fold, folded_words, number_value, number_words


def test_month_and_weekday_names_come_from_dateparser_in_each_language():
    months = month_names("it", "en")
    assert len(months) == 24 and months["gennaio"] == 1 and months["december"] == 12
    assert weekday_names("it")["lunedì"] == 0 and weekday_names("en")["sunday"] == 6
    assert month_names("en", min_len=4).get("sept") == 9 and "may" not in month_names("en", min_len=4)
    assert month_name(3, "it") == "marzo" and month_name(3, "en") == "March"
    assert month_names("xx") == {}  # a language dateparser does not read has no names, and no error


def test_folding_makes_spellings_meet():
    assert fold("Zelenskyj È") == "zelenskyj e" and fold("dell’Ucraina") == "dell'ucraina"
    assert fold("Straße") == "strasse"
    assert folded_words("«Perché», disse.") == "perche disse"


def test_number_words_of_both_languages():
    assert number_value("Tre") == 3 and number_value("three") == 3 and number_value("venti") == 20
    assert number_value("cento") is None  # beyond the closed class up to twenty
    assert number_words("it", 2, 4) == ["due", "tre", "quattro"]


def test_name_patterns_are_built_in_one_place():
    runs = name_pattern(tail=r"[\w'’.-]*", particles=True)
    # A particle joins two capitalised words ("von" then "der" is not a capitalised word).
    found = [m.group(0) for m in runs.finditer("Ha parlato Ursula von der Leyen a Bruxelles.")]
    assert found == ["Ha", "Ursula", "Leyen", "Bruxelles."]
    assert runs.search("il Presidente della Repubblica").group(0) == "Presidente della Repubblica"
    alone = name_pattern(tail=r"[\w\-]*", gap=r"[ \t]+", alone=True)
    assert [m.group(0) for m in alone.finditer("dell'Ucraina e Stati\nUniti")] == ["Stati", "Uniti"]
    assert names("Mosca accusa Kiev. Poi Giorgia Meloni parla con Mosca.") == ["Kiev", "Giorgia Meloni", "Mosca"]
