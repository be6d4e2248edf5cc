"""The index's write side: the article list, removal and re-ingest (rag/index.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import ArticleNotFound
from tests.conftest import ARTICLES, MELONI, TROOPS


def test_articles_lists_what_the_library_shows(sample_engine: Engine):
    articles = sample_engine.articles()
    assert len(articles) == 5
    dates = [a.date or "" for a in articles]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2026-01-07"  # newest first, undated last
    meloni = next(a for a in articles if a.doc_id == MELONI)
    assert meloni.author == "Angelo Vitale" and meloni.passages == 11 and not meloni.keyword_only
    assert meloni.indexed_at and meloni.indexed_at.endswith("+00:00")
    assert meloni.source and Path(meloni.source).name.startswith("002_")


@pytest.mark.slow
def test_remove_takes_every_trace_and_a_running_reader_sees_it(engine: Engine, articles: Path):
    engine.ingest([articles])
    reader = Engine(engine.settings, embedder=engine.embedder)  # another process's view, e.g. the app
    assert reader.ask("What did Meloni commit?").citations[0].doc_id == MELONI
    assert reader.date_span()[1] == engine.date_span()[1] == "2026-01-07"  # the newest: Meloni's
    before = engine.store.count("sentences")

    assert engine.remove([MELONI]) == (MELONI,)
    assert MELONI not in {a.doc_id for a in engine.articles()}
    assert engine.store.chunks_of(MELONI) == [] and engine.store.count("sentences") < before
    assert TROOPS not in reader.ask("What did Meloni commit?").text  # no restart needed
    assert all(p.doc_id != MELONI for p in reader.retrieve("Meloni truppe italiane", k=20))
    assert engine.document(MELONI) is None
    newest = engine.stats().date_max
    assert newest and newest < "2026-01-07" and reader.date_span()[1] == engine.date_span()[1] == newest

    with pytest.raises(ArticleNotFound, match="no article 'nope' in the index"):
        engine.remove(["nope", "001_51be7fdfb486c944"])
    assert len(engine.articles()) == 4  # nothing removed when one id is unknown

    assert engine.ingest([articles]).added == (MELONI,)  # its file is still there: an ingest adds it back


def test_remove_deletes_an_uploads_saved_copy(engine: Engine):
    engine.ingest_upload("nota.md", "# Nota\n\nIl vertice di Roma è fissato a marzo.".encode())
    saved = engine.settings.persist_dir / "uploads" / "nota.md"
    assert saved.exists()
    engine.remove(["nota"])
    assert not saved.exists() and engine.articles() == []


@pytest.mark.slow
def test_reingest_reads_the_file_again_and_refuses_when_it_is_gone(engine: Engine, tmp_path: Path):
    folder = tmp_path / "a"
    shutil.copytree(ARTICLES, folder)
    engine.ingest([folder])
    path = next(folder.glob("002*"))
    path.write_text(path.read_text(encoding="utf-8").replace("senza invio di truppe", "con invio di truppe"))
    report = engine.reingest(MELONI)
    # Read again on purpose: updated, not "repaired after an interrupted ingest" (nothing was interrupted).
    assert report.updated == (MELONI,) and report.repaired == () and report.added == ()
    assert "con invio di truppe" in (engine.document(MELONI) or "")
    assert engine.store.pending() == []

    path.unlink()
    with pytest.raises(ArticleNotFound, match="is gone"):
        engine.reingest(MELONI)
    assert "con invio di truppe" in (engine.document(MELONI) or "")  # the indexed version is kept
