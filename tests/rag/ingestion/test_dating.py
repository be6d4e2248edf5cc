"""Undated articles dated from their own words: a weekday and a day that agree, marked as inferred."""

from __future__ import annotations

from pathlib import Path

from rag.api import Engine
from rag.ingestion.clean import clean
from rag.ingestion.dating import inferred_date
from rag.ingestion.load import RawText

PARIS = (
    "Vertice dei Volenterosi a Parigi\n\nIl vertice si tiene oggi, martedì 6 gennaio, all'Eliseo. "
    "Dopo l'incontro di fine 2025 a Mar-a-Lago, Zelensky chiede garanzie."
)


def test_a_weekday_and_a_day_that_agree_date_the_text_in_either_language():
    assert inferred_date(PARIS) == "2026-01-06"  # 6 January is a Tuesday in 2026, not in 2025
    assert inferred_date("The leaders met on Tuesday, January 6th, after talks in late 2025.") == "2026-01-06"


def test_a_weekday_that_disagrees_or_no_year_leaves_the_text_undated():
    assert inferred_date("Il vertice si tiene lunedì 6 gennaio; se ne parla dal 2026.") is None
    assert inferred_date("Il vertice si tiene oggi, martedì 6 gennaio.") is None  # no year to choose from
    assert inferred_date("Un marzo freddo: il 6 marzo 2026 era venerdì.") is None  # no weekday next to the day


def test_clean_marks_an_inferred_date_and_keeps_a_given_one():
    undated = clean(RawText(text=PARIS), doc_id="paris", source="paris.txt")
    assert (undated.date, undated.date_inferred, undated.title) == (
        "2026-01-06",
        True,
        "Vertice dei Volenterosi a Parigi",
    )
    dated = clean(RawText(text="date 2026-01-07\n" + PARIS), doc_id="paris", source="paris.txt")
    assert (dated.date, dated.date_inferred) == ("2026-01-07", False)


def test_the_library_marks_the_inferred_date(engine: Engine, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paris.txt").write_text(PARIS, encoding="utf-8")
    engine.ingest([folder])
    [info] = engine.articles()
    assert (info.date, info.date_inferred, info.title) == ("2026-01-06", True, "Vertice dei Volenterosi a Parigi")


def test_the_samples_undated_articles_have_no_weekday_and_day_to_read(sample_engine: Engine):
    # 000 says only "fine 2025" and "dicembre scorso", 001 no date at all: they stay undated, honestly.
    undated = sorted(a.doc_id for a in sample_engine.articles() if not a.date)
    assert undated == ["000_b41f0020d2eff032", "001_51be7fdfb486c944"]
    assert not any(a.date_inferred for a in sample_engine.articles())
