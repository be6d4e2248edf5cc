"""A rendering holding a word of its neighbour is caught (rag/translation/lexicon.py, the faithfulness check)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rag.translation.apertium import Apertium
from rag.translation.lexicon import Lexicon, shared_lexicon, strays
from rag.translation.rendering import checked
from tests.rag.translation.test_apertium_segments import SLID, sample_sentences

needs_apertium = pytest.mark.skipif(
    not (Apertium.available() and Lexicon.available()), reason="Apertium is not installed (`make translator`)"
)
SUMMIT = "Il vertice della Coalizione dei Volenterosi a Parigi consente al presidente di ottenere garanzie."


class Sliding:
    """Scripted: renders like Apertium, then moves the last word of the first rendering to the second's start
    (the fault of a translator that carries words across a text's end; an exact-output case)."""

    name = "sliding"

    def __init__(self) -> None:
        self.inner = Apertium(timeout=60)

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        out = self.inner.translate(texts, source=source, target=target)
        if len(out) == 2:
            *first, last = out[0].rstrip(".").split()
            out = [" ".join(first) + ".", f"{last} {out[1]}"]
        return out


@needs_apertium
def test_a_word_moved_from_the_neighbour_is_found_and_none_in_the_real_renderings():
    pair = [SLID[0], SUMMIT]
    real = Apertium(timeout=60).translate(pair, source="it", target="en")
    assert strays(pair, real, source="it", target="en", lexicon=shared_lexicon()) == [[], []]
    assert "summit" in real[1]
    swapped = [f"{real[0]} summit", real[1].replace("summit", "")]
    assert strays(pair, swapped, source="it", target="en", lexicon=shared_lexicon())[0] == ["summit"]


@needs_apertium
def test_the_check_withholds_a_rendering_that_took_its_neighbours_word():
    quotes = ["Meloni ha parlato a lungo del vertice.", SLID[1]]  # "... of the summit": a noun slides
    renderings = checked(quotes, source="it", target="en", translator=Sliding(), embedder=_embedder(), bar=0.0)
    assert renderings[1].withheld is not None and "another sentence" in renderings[1].withheld, renderings[1]
    alone = checked(quotes, source="it", target="en", translator=Apertium(timeout=60), embedder=_embedder(), bar=0.0)
    assert all(r.withheld is None for r in alone), alone


@needs_apertium
@pytest.mark.slow
def test_no_sample_sentence_rendered_three_at_a_time_is_said_to_hold_a_neighbours_word():
    italian = list(sample_sentences())
    english = Apertium(timeout=120).translate(italian, source="it", target="en")
    flagged = [
        (italian[i + j], found)
        for i in range(0, len(italian) - 2, 3)
        for j, found in enumerate(
            strays(italian[i : i + 3], english[i : i + 3], source="it", target="en", lexicon=shared_lexicon())
        )
        if found
    ]
    assert flagged == [], flagged


def _embedder():
    from vectorstore.embedders.factory import E5Small

    return E5Small()
