"""Keyword-only ingest and the embedding stage that follows it (rag/ingestion/vectors.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.api import Engine
from rag.ingestion.vectors import provisional_vectors
from tests.conftest import ARTICLES, MELONI, ROOT, snapshot
from vectorstore.embedders.factory import E5Small


@pytest.mark.slow
def test_keyword_only_articles_answer_at_once_then_match_a_full_ingest(
    engine: Engine, sample_engine: Engine, embedder: E5Small
):
    report = engine.ingest([ARTICLES], embed=False)
    assert len(report.added) == 5
    status = engine.embed_status()
    assert status.keyword_only == 5 and not status.running
    assert engine.stats().keyword_only == 5
    assert engine.store.count("sentences") == 0  # nothing embedded yet

    # Searchable by keyword now; the answer embeds the sentences it needs.
    answer = engine.ask("Cosa ha promesso Meloni?")
    assert not answer.abstained and answer.citations[0].doc_id == MELONI
    assert "truppe" in answer.text

    assert engine.embed_pending() == 5
    assert engine.embed_status().keyword_only == 0
    assert engine.store.counter("vectors") == 1
    # Now the index holds exactly what a one-stage ingest writes, and ranks alike.
    ours, full = snapshot(engine), snapshot(sample_engine)
    assert ours == full


@pytest.mark.slow
def test_background_pass_reports_progress_and_takes_later_articles(engine: Engine, articles: Path):
    first, *rest = sorted(articles.iterdir())
    engine.ingest([first], embed=False)
    thread = engine.embed_in_background()
    engine.ingest(rest, embed=False)  # added while the thread may be running
    thread.join(timeout=300)
    engine.embed_in_background().join(timeout=300)  # a second start takes whatever the first missed
    status = engine.embed_status()
    assert status.keyword_only == 0 and not status.running and status.error is None
    assert 0 < status.done == status.total


@pytest.mark.slow
def test_an_update_written_keyword_only_drops_the_old_sentences(engine: Engine, articles: Path):
    engine.ingest([articles])
    target = articles / sorted(p.name for p in articles.iterdir())[0]
    before = engine.store.count("sentences")
    target.write_text(target.read_text(encoding="utf-8") + "\n\nUna frase aggiunta alla fine.\n", encoding="utf-8")
    report = engine.ingest([articles], embed=False)
    assert len(report.updated) == 1
    assert engine.store.count("sentences") < before  # the changed article has none until embedded
    engine.embed_pending()
    assert engine.store.count("sentences") == before + 1


def test_provisional_vectors_are_distinct_unit_vectors():
    vectors = provisional_vectors(["a", "b", "c"], 384)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert abs(float(vectors[0] @ vectors[1])) < 0.3
    assert np.array_equal(vectors, provisional_vectors(["a", "b", "c"], 384))  # the same on a rerun


@pytest.mark.slow
def test_cli_keyword_only_then_embed(tmp_path: Path):
    env = {"RAG_PERSIST_DIR": str(tmp_path / "index"), "HF_HUB_OFFLINE": "1", "PATH": str(Path(sys.executable).parent)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rag", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    first = run("ingest", "--keyword-only", "--json", str(ARTICLES))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["keyword_only"] == 5
    assert "5 article(s) searchable by keyword only" in run("stats").stdout
    embedded = run("embed")
    assert embedded.returncode == 0, embedded.stderr
    assert "embedding the sentences of 5 article(s)" in embedded.stdout
    assert "searchable by keyword only" not in run("stats").stdout
    again = run("ingest", str(ARTICLES))
    assert again.returncode == 0 and "5 unchanged" in again.stdout and "embedding" not in again.stdout
