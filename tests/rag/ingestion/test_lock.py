"""One writer, many readers: the writer lock, stale locks, and readers seeing new articles."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import IngestLocked
from rag.settings import Settings
from tests.conftest import ARTICLES, ROOT
from vectorstore.embedders.factory import E5Small

pytestmark = pytest.mark.slow

GENEVA = (
    "Ginevra, vertice straordinario\n\n"
    "Il vertice di Ginevra del 12 marzo 2026 ha fissato un cessate il fuoco di trenta giorni lungo tutta la linea "
    "del fronte.\n\nLa tregua sarà controllata da osservatori dell'Osce."
)


def holding_child(index: Path, *paths: Path, hold: float) -> subprocess.Popen[str]:
    """An ingest in another process that pauses after its first batch, holding the lock."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ingest_child", *map(str, paths), "--index", str(index), "--hold", str(hold)],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def test_second_writer_is_refused_at_once_and_a_dead_holder_is_taken_over(embedder: E5Small, tmp_path: Path):
    index = tmp_path / "index"
    proc = holding_child(index, ARTICLES, hold=60)
    engine = Engine(Settings(persist_dir=index), embedder=embedder)
    began = time.perf_counter()
    with pytest.raises(IngestLocked, match=f"another ingest is running \\(pid {proc.pid}\\)"):
        engine.ingest([ARTICLES])
    assert time.perf_counter() - began < 1.0
    cli = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", str(ARTICLES)],
        cwd=ROOT,
        env={**os.environ, "RAG_PERSIST_DIR": str(index), "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2 and f"(pid {proc.pid})" in cli.stderr and "Traceback" not in cli.stderr
    proc.send_signal(signal.SIGKILL)  # leaves ingest.lock behind with its pid inside
    proc.wait()
    assert (index / "ingest.lock").read_text() == str(proc.pid)
    report = engine.ingest([ARTICLES])  # the stale lock is taken over
    assert len(report.added) + len(report.unchanged) == 5 and engine.stats().chunks == 56


def test_reader_keeps_answering_during_an_ingest_and_then_sees_the_new_article(embedder: E5Small, tmp_path: Path):
    index = tmp_path / "index"
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    reader = Engine(Settings(persist_dir=index), embedder=embedder)
    reader.ingest([folder])
    question = "Cosa ha fissato il vertice di Ginevra?"
    before = reader.ask(question)
    assert all(c.doc_id != "geneva" for c in before.citations)

    (folder / "geneva.txt").write_text(GENEVA, encoding="utf-8")
    (folder / "zz_more.txt").write_text(GENEVA.replace("Ginevra", "Vienna").replace("12 marzo", "2 aprile"), "utf-8")
    writer = holding_child(index, folder, hold=3)  # both written, lock held, generation not yet bumped
    answered = 0
    while writer.poll() is None:
        answer = reader.ask("Cosa ha promesso Meloni?")
        assert "truppe" in answer.text
        answered += 1
    assert writer.returncode == 0 and answered >= 3
    after = reader.ask(question)  # same engine, no restart
    assert not after.abstained and after.citations[0].doc_id == "geneva", after.text
    assert "trenta giorni" in after.citations[0].quote
    assert reader.stats().documents == 7


def test_a_writer_killed_holding_the_lock_is_noticed_by_the_next_one(tmp_path: Path):
    from rag.ingestion.lock import LOCK_NAME, writer_lock

    with writer_lock(tmp_path) as interrupted:
        assert not interrupted  # a new index
    with writer_lock(tmp_path) as interrupted:
        assert not interrupted  # a clean release erases the pid
    # A holder killed with -9 leaves its pid behind (the kernel frees the flock only).
    code = (
        "import os, signal, sys\nfrom pathlib import Path\nfrom rag.ingestion.lock import writer_lock\n"
        "with writer_lock(Path(sys.argv[1])):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / LOCK_NAME).read_text().strip().isdigit()
    with writer_lock(tmp_path) as interrupted:
        assert interrupted
    with writer_lock(tmp_path) as interrupted:
        assert not interrupted  # and only once
