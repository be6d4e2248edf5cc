"""Translators for renderings: the real Apertium, the factory and its messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.settings import Settings
from rag.translation.apertium import Apertium, protect, restore
from rag.translation.translators import make_translators

needs_apertium = pytest.mark.skipif(not Apertium.available(), reason="Apertium is not installed (`make translator`)")


@needs_apertium
def test_apertium_renders_each_line_both_ways_and_keeps_names():
    apertium = Apertium(timeout=30)
    out = apertium.translate(
        ["Il gatto non è sul tavolo.", "Trump non ha fatto pressione su Mosca.", "Mosca accusa Kiev."],
        source="it",
        target="en",
    )
    assert len(out) == 3 and out[0] == "The cat is not on the table."
    # Through the Spanish pivot "Mosca" would be "Fly"; a name is kept, even at a sentence start, in
    # its English form when CLDR has one (rag/translation/gazetteer.py).
    assert "Moscow" in out[1] and out[2].startswith("Moscow") and "Fly" not in out[2]
    back = apertium.translate(["We sent 200 soldiers on 5 March 2025."], source="en", target="it")
    assert "200" in back[0] and "2025" in back[0]


def test_placeholders_round_trip():
    lines, kept = protect(["Gli Stati Uniti e la Nato a Parigi."])
    assert "Stati" not in lines[0] and "Nato" not in lines[0]
    assert restore(lines[0], kept) == "Gli Stati Uniti e la Nato a Parigi."


def test_factory_names_what_it_accepts(tmp_path: Path):
    settings = Settings(persist_dir=tmp_path, model_dir=tmp_path / "models")
    assert make_translators("none", settings=settings) == []
    with pytest.raises(ConfigError, match="auto, none, apertium, llamacpp:<model>"):
        make_translators("google", settings=settings)
    with pytest.raises(ConfigError, match="neither a bundled model"):
        make_translators("apertium,llamacpp:no-such-model", settings=settings)
