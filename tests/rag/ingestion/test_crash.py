"""kill -9 during an ingest, then ingest again: the index must equal a clean one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluation.reprints import build
from rag.api import Engine
from rag.settings import Settings
from tests.conftest import ARTICLES, ROOT, snapshot
from vectorstore.embedders.factory import E5Small

pytestmark = pytest.mark.slow

# Kill points are write calls to Chroma (upserts and deletes, pending marks
# included), tried one after another until an ingest gets through them all.
MAX_POINTS = 40


def child(
    index: Path, *paths: Path, kill_at: int = 0, prune: bool = False, embed_only: bool = False
) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "tests.ingest_child", *map(str, paths), "--index", str(index)]
    args += ["--kill-at", str(kill_at)] + (["--prune"] if prune else []) + (["--embed-only"] if embed_only else [])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def clean_snapshot(embedder: E5Small, index: Path, folder: Path) -> dict[str, object]:
    engine = Engine(Settings(persist_dir=index), embedder=embedder)
    engine.ingest([folder], prune=True)
    return snapshot(engine)


def recover(embedder: E5Small, index: Path, folder: Path) -> dict[str, object]:
    # A new engine, as a new process would build: it must repair, not trust.
    engine = Engine(Settings(persist_dir=index), embedder=embedder)
    engine.ingest([folder], prune=True)
    assert engine.ingest([folder], prune=True).added == ()  # and then be stable
    return snapshot(engine)


def differences(got: dict[str, object], want: dict[str, object]) -> dict[str, tuple[object, object]]:
    """The parts of two snapshots that differ, both versions (empty when the index is as a clean one)."""
    return {k: (got.get(k), want[k]) for k in want if got.get(k) != want[k]}


def test_kill_at_every_write_of_a_fresh_ingest(embedder: E5Small, tmp_path: Path):
    reference = clean_snapshot(embedder, tmp_path / "reference", ARTICLES)
    outcomes = {}
    for point in range(1, MAX_POINTS):
        index = tmp_path / f"killed-{point}"
        result = child(index, ARTICLES, kill_at=point)
        if result.returncode == 0:  # past the last write: every point has been tried
            break
        assert result.returncode == -signal.SIGKILL, (point, result.stderr[-500:])
        outcomes[point] = differences(recover(embedder, index, ARTICLES), reference)
    print(f"fresh ingest: {len(outcomes)} kill points, {sum(not d for d in outcomes.values())} equal to a clean ingest")
    assert len(outcomes) >= 5 and not any(outcomes.values()), {p: d for p, d in outcomes.items() if d}


def test_kill_while_embedding_keyword_only_articles(embedder: E5Small, tmp_path: Path):
    """The second stage (rag/ingestion/vectors.py) killed at every write: the next ingest finishes the articles."""
    reference = clean_snapshot(embedder, tmp_path / "reference", ARTICLES)
    outcomes = {}
    # Three writes per article (sentences, chunk vectors, the done mark): every
    # other point still hits each kind, at half the child processes.
    for point in range(1, MAX_POINTS, 2):
        index = tmp_path / f"killed-{point}"
        Engine(Settings(persist_dir=index), embedder=embedder).ingest([ARTICLES], embed=False)
        result = child(index, ARTICLES, kill_at=point, embed_only=True)
        if result.returncode == 0:
            break
        assert result.returncode == -signal.SIGKILL, (point, result.stderr[-500:])
        outcomes[point] = differences(recover(embedder, index, ARTICLES), reference)
    print(f"embedding stage: {len(outcomes)} kill points, {sum(not d for d in outcomes.values())} equal to a clean one")
    assert len(outcomes) >= 5 and not any(outcomes.values()), {p: d for p, d in outcomes.items() if d}


def test_kill_during_an_update_and_a_prune(embedder: E5Small, articles: Path, tmp_path: Path):
    index = tmp_path / "index"
    # Reprints of two articles, so the copy groups (rag/search/copies.py) change with the update and the prune.
    build(sorted(ARTICLES.glob("*.txt"))[:2], tmp_path / "reprints", copies=1)
    for reprint in (tmp_path / "reprints").glob("*-*.txt"):
        shutil.copy(reprint, articles / reprint.name)
    first = child(index, articles)
    assert first.returncode == 0, first.stderr
    changed = sorted(p for p in articles.glob("*.txt") if "-" not in p.stem)
    changed[0].write_text(changed[0].read_text(encoding="utf-8") + "\n\nUna frase aggiunta alla fine.", "utf-8")
    changed[1].unlink()
    reference = clean_snapshot(embedder, tmp_path / "reference", articles)
    tried = 0
    for point in range(1, MAX_POINTS):
        killed = tmp_path / f"killed-{point}"
        shutil.copytree(index, killed)
        result = child(killed, articles, kill_at=point, prune=True)
        if result.returncode == 0:
            break
        assert result.returncode == -signal.SIGKILL, (point, result.stdout, result.stderr[-500:])
        assert not differences(recover(embedder, killed, articles), reference), point
        tried += 1
    print(f"update + prune: {tried} kill points, all equal to a clean ingest")
    assert tried >= 8


def test_kill_at_random_moments(embedder: E5Small, tmp_path: Path):
    reference = clean_snapshot(embedder, tmp_path / "reference", ARTICLES)
    for delay in (6.5, 7.0, 7.5):  # model load takes ~6 s, the writes follow
        index = tmp_path / f"timed-{delay}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ingest_child", str(ARTICLES), "--index", str(index)],
            cwd=ROOT,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not differences(recover(embedder, index, ARTICLES), reference), delay


def test_clean_exit_then_fresh_process_sees_every_vector(embedder: E5Small, tmp_path: Path):
    # chroma-core/chroma#6975: a clean exit below the HNSW sync threshold lost vectors.
    index = tmp_path / "index"
    assert child(index, ARTICLES).returncode == 0
    code = (
        "from rag.api import Engine; from rag.settings import Settings; import sys\n"
        f"e = Engine(Settings(persist_dir={str(index)!r}))\n"
        "s = e.store; e.sync()\n"
        "hits = s.query(e.embedder.embed(['Meloni'])[0], k=10_000)\n"
        "print(len(hits), s.count('sentences'), s.count())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    hits, sentences, chunks = map(int, out.stdout.split())
    assert hits == sentences > 0 and chunks == 56
