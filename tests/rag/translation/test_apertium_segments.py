"""Every segment is rendered as if alone: no word slides from one quote into the next (rag/translation/apertium.py)."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.ingestion.chunk import split_sentences
from rag.ingestion.clean import clean
from rag.ingestion.load import read_file
from rag.translation.apertium import Apertium
from tests.conftest import ARTICLES

pytestmark = pytest.mark.skipif(not Apertium.available(), reason="Apertium is not installed (`make translator`)")

# The pair that slid before: the first has no full stop, and its last words went to the second.
SLID = (
    "Discusse reali capacità contrasto a terrore russo",
    "reali capacità dell'Ucraina di contrastare il terrore russo, la nostra difesa e il sostegno che può "
    "rafforzare le nostre posizioni in campo diplomatico",
)


@cache
def sample_sentences() -> tuple[str, ...]:
    """Every sentence of the sample articles (what answers cite), and every quote in them."""
    out: list[str] = []
    for path in sorted(ARTICLES.glob("*.txt")):
        article = clean(read_file(path, max_bytes=10**7), doc_id=path.stem, source=str(path))
        out += [s.text for s in split_sentences(article.text) if len(s.text.split()) >= 3]
        out += [q.strip('"“”«» ') for q in _quotes(article.text)]
    return tuple(dict.fromkeys(out))


def _quotes(text: str) -> list[str]:
    import re

    return [m.group(1) for m in re.finditer(r"[\"“«]([^\"”»]{20,400})[\"”»]", text)]


@pytest.fixture(scope="module")
def apertium() -> Apertium:
    return Apertium(timeout=60)


def test_the_pair_that_slid_renders_as_each_alone(apertium: Apertium):
    together = apertium.translate(list(SLID), source="it", target="en")
    alone = [apertium.translate([s], source="it", target="en")[0] for s in SLID]
    assert together == alone, (together, alone)
    assert "terror" in together[0] and not together[0].endswith("."), together  # no full stop added


@pytest.mark.slow
def test_every_sample_sentence_and_quote_renders_alone_as_in_a_batch_both_ways(apertium: Apertium):
    italian = list(sample_sentences())
    english = apertium.translate(italian, source="it", target="en")
    assert english == [apertium.translate([s], source="it", target="en")[0] for s in italian]
    back = apertium.translate(english, source="en", target="it")
    assert back == [apertium.translate([s], source="en", target="it")[0] for s in english]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.sampled_from(sample_sentences()),
    second=st.sampled_from(sample_sentences()),
    stop_first=st.booleans(),
    stop_second=st.booleans(),
)
def test_any_two_sentences_render_as_each_alone(
    apertium: Apertium, first: str, second: str, stop_first: bool, stop_second: bool
):
    pair = [s.rstrip(".") + ("." if stop else "") for s, stop in ((first, stop_first), (second, stop_second))]
    together = apertium.translate(pair, source="it", target="en")
    assert together == [apertium.translate([s], source="it", target="en")[0] for s in pair]


def test_who_said_what_renders_each_of_zelenskys_quotes_as_if_alone(sample_engine, monkeypatch):
    from rag.translation.rendering import RenderingCache

    def rendered(quotes: list) -> list[str | None]:
        monkeypatch.setattr(sample_engine.renderings, "cache", RenderingCache())  # each call renders afresh
        return [r.text if r else None for r in sample_engine.render_quotes(quotes, language="en")]

    quotes = sample_engine.quotes("Volodymyr Zelensky")
    assert len(quotes) >= 5 and rendered(quotes) == [rendered([q])[0] for q in quotes]
