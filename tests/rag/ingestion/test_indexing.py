from pathlib import Path

import pytest

from rag.api import Engine
from tests.conftest import MELONI


@pytest.mark.slow
def test_reingest_adds_nothing_and_keeps_chunk_count(engine: Engine, articles: Path):
    first = engine.ingest([articles])
    assert len(first.added) == 5 and first.chunks > 40 and not first.skipped
    again = engine.ingest([articles])
    assert again.added == () and again.updated == () and len(again.unchanged) == 5
    assert again.chunks == first.chunks


@pytest.mark.slow
def test_changed_file_replaces_exactly_its_chunks(engine: Engine, articles: Path):
    engine.ingest([articles])
    before = engine.store.chunk_ids(MELONI)
    others = engine.store.chunk_ids() - before
    path = next(articles.glob("002*"))
    path.write_text(
        path.read_text("utf-8") + "\n\nMeloni ha poi annunciato un nuovo vertice a Roma a febbraio.\n", "utf-8"
    )
    report = engine.ingest([articles])
    assert report.updated == (MELONI,) and report.added == ()
    after = engine.store.chunk_ids(MELONI)
    assert before < after and len(after - before) == 1  # one new chunk for the new sentence
    assert engine.store.chunk_ids() - after == others
    assert "nuovo vertice a Roma" in (engine.document(MELONI) or "")


@pytest.mark.slow
def test_prune_removes_documents_whose_files_are_gone(engine: Engine, articles: Path):
    engine.ingest([articles])
    next(articles.glob("004*")).unlink()
    kept = engine.ingest([articles])
    assert kept.removed == () and engine.stats().documents == 5
    pruned = engine.ingest([articles], prune=True)
    assert pruned.removed == ("004_9d4c0b04a2cdfc69",)
    assert engine.stats().documents == 4
    assert all(p.doc_id != "004_9d4c0b04a2cdfc69" for p in engine.retrieve("Zakharova", k=20))


@pytest.mark.slow
def test_bad_files_are_skipped_with_reasons_and_lose_nothing(engine: Engine, articles: Path, tmp_path: Path):
    engine.ingest([articles])
    chunks = engine.stats().chunks
    (articles / "empty.txt").write_text("", "utf-8")
    (articles / "blank.txt").write_text("   \n\n  ", "utf-8")
    (articles / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100)
    (articles / "latin.txt").write_bytes(
        "Il ministro è arrivato a Bruxelles perché la riunione è stata anticipata.".encode("latin-1")
    )
    (articles / "copy.txt").write_bytes(next(articles.glob("001*")).read_bytes())
    (articles / "notes.pdf").write_bytes(b"%PDF-1.4")  # a PDF with nothing after its header
    (articles / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    report = engine.ingest([articles, tmp_path / "missing-folder"])
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.txt"]
    assert "binary" in reasons["image.txt"]
    assert "001_51be7fdfb486c944" in reasons["copy.txt"]
    assert "not found" in reasons["missing-folder"]
    assert reasons["notes.pdf"].startswith("damaged PDF") and "\n" not in reasons["notes.pdf"]
    assert "sheet.xlsx" not in reasons  # folders only yield supported types
    assert report.added == ("latin",)
    assert "perché la riunione" in (engine.document("latin") or "")
    assert engine.stats().chunks == chunks + 1 and len(report.unchanged) == 5


@pytest.mark.slow
def test_file_that_turns_bad_keeps_its_indexed_version(engine: Engine, articles: Path):
    engine.ingest([articles])
    path = next(articles.glob("002*"))
    path.write_bytes(b"")
    report = engine.ingest([articles], prune=True)
    assert [Path(s.path).name for s in report.skipped] == [path.name]
    assert report.removed == ()
    assert engine.ask("What did Meloni commit?").citations[0].doc_id == MELONI
