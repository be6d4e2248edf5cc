"""Place names in the other language, from CLDR (through Babel): Parigi <-> Paris, Ucraina <-> Ukraine; initials.

A name kept verbatim through a translator stays the article's ("the ambassador
to Parigi"); CLDR's country and region names and its time-zone cities give
each its form in the other language. Only names whose two forms differ are
listed; a name CLDR does not know stays as written.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

# Italian news writes an organisation's initials as a word (Usa, Ue, Nato) and some in its own order
# (Onu, Fmi); English in capitals, in its order. CLDR names countries, not organisations, so these are here.
ACRONYMS = {
    ("it", "en"): {
        "Usa": "US", "Ue": "EU", "Nato": "NATO", "Onu": "UN", "Fmi": "IMF", "Bce": "ECB", "Oms": "WHO",
        "Ocse": "OECD", "Aiea": "IAEA", "Osce": "OSCE", "Cia": "CIA", "Fbi": "FBI", "Pil": "GDP",
    },
}  # fmt: skip
ACRONYMS[("en", "it")] = {en: it for it, en in ACRONYMS[("it", "en")].items()} | {"USA": "Usa", "U.S.": "Usa"}


@cache
def place_names(source: str, target: str) -> dict[str, str]:
    """``{name in source: name in target}`` for the countries, regions and cities CLDR names in both.

    With them, the organisations' initials of :data:`ACRONYMS` ("Usa" -> "US").
    """
    src, dst = Locale.parse(source), Locale.parse(target)
    out: dict[str, str] = dict(ACRONYMS.get((source, target), {}))
    for code, name in src.territories.items():
        other = dst.territories.get(code)
        if other and other != name and not code.isdigit():  # numeric codes are world regions ("Europa orientale")
            out[name] = other
    for zone in set(src.time_zones) | set(dst.time_zones):
        # A locale omits a city whose name is the zone id's ("Europe/Paris" -> Paris).
        here, there = (_city(locale, zone) for locale in (src, dst))
        if here != there:
            out.setdefault(here, there)
    return out


def _city(locale: Locale, zone: str) -> str:
    return str(locale.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " "))
