"""Embedding workers sharing one index on a real `chroma run` server, one of them killed with -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import ConfigError
from rag.settings import Settings
from tests.conftest import ARTICLES, ROOT, snapshot
from vectorstore import claims
from vectorstore.embedders.e5_torch import has_bf16
from vectorstore.embedders.factory import E5Small


def worker(settings: Settings, lease: float, precision: str = "auto") -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "RAG_E5_PRECISION": precision,
        "RAG_PERSIST_DIR": str(settings.persist_dir),
        "RAG_CHROMA_URL": str(settings.chroma_url),
        "RAG_COLLECTION": settings.collection,
        "RAG_EMBED_LEASE": str(lease),
    }
    command = [sys.executable, "-m", "rag", "embed", "--worker", "--threads", "1"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


@pytest.mark.parametrize(
    "precision",
    [
        "fp32",
        pytest.param("bf16", marks=pytest.mark.skipif(
            not has_bf16(), reason="no bf16 units: emulated bf16 is ~4x slower; test_e5_torch checks its threads"
        )),
    ],
)  # fmt: skip
@pytest.mark.slow
def test_two_workers_one_killed_embed_every_article_once(chroma_server: str, tmp_path: Path, precision: str):
    # Workers embed with 1 thread each, the clean ingest below with 2: the two indexes must be the same.
    settings = Settings(persist_dir=tmp_path / "server", chroma_url=chroma_server, collection=f"workers-{precision}")
    shared = Engine(settings, embedder=E5Small(precision=precision, threads=2))
    shared.ingest([ARTICLES], embed=False)  # five keyword-only articles
    doc_ids = sorted(shared.store.keyword_only())
    assert len(doc_ids) == 5

    lease = 8.0
    doomed, survivor = worker(settings, lease, precision), None
    try:
        # Freeze the first worker, and kill it if it holds a claim on an article it has not written yet
        # (mid-article); else let it go on a moment.
        deadline, held = time.time() + 240, None
        while held is None and time.time() < deadline and doomed.poll() is None:
            os.kill(doomed.pid, signal.SIGSTOP)
            unwritten = shared.store.keyword_only()
            held = next((d for d in doc_ids if d in unwritten and claims.holder(shared.store, d)), None)
            if held is None:
                os.kill(doomed.pid, signal.SIGCONT)
                time.sleep(0.05)
        assert held is not None, "the first worker never claimed an article"
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)
        assert claims.holder(shared.store, held) is not None  # left behind by the dead worker
        survivor = worker(settings, lease, precision)
        out, _ = survivor.communicate(timeout=600)
    finally:
        for p in (doomed, survivor):
            if p is not None and p.poll() is None:
                p.kill()
    assert survivor.returncode == 0, out
    killed_lines = doomed.stdout.read() if doomed.stdout else ""
    done = [
        line.split()[1] for text in (killed_lines, out) for line in text.splitlines() if line.startswith("embedded ")
    ]
    assert sorted(done) == doc_ids  # every article once: none twice, none missing
    assert held in out  # the dead worker's article was taken over after its lease
    assert not shared.store.keyword_only() and not any(claims.holder(shared.store, d) for d in doc_ids)

    clean = Engine(Settings(persist_dir=tmp_path / "clean"), embedder=E5Small(precision=precision, threads=2))
    clean.ingest([ARTICLES])  # one process with 2 threads, fully embedded
    assert snapshot(shared) == snapshot(clean)


def test_claims_first_writer_wins_and_an_expired_lease_is_taken_over(embedder: E5Small, tmp_path: Path):
    engine = Engine(Settings(persist_dir=tmp_path / "idx"), embedder=embedder)
    engine.ingest([ARTICLES], embed=False)
    store, now = engine.store, [1000.0]
    assert claims.claim(store, "a", "one", lease=10, clock=lambda: now[0])
    assert not claims.claim(store, "a", "two", lease=10, clock=lambda: now[0])
    assert claims.claim(store, "a", "one", lease=10, clock=lambda: now[0])  # its own
    assert claims.wait_for(store, ["a", "b"], clock=lambda: now[0]) == pytest.approx(10)
    now[0] += 11  # "one" died: its lease ran out
    assert claims.claim(store, "a", "two", lease=10, clock=lambda: now[0])
    assert claims.holder(store, "a") == ("two", pytest.approx(1021.0))
    claims.release(store, "a", "one")  # not its claim any more: nothing happens
    assert claims.holder(store, "a") is not None
    claims.release(store, "a", "two")
    assert claims.holder(store, "a") is None and claims.wait_for(store, ["a"]) is None


def test_several_workers_without_a_server_are_refused_with_the_fix(engine: Engine):
    from rag.cli.workers import run_workers

    with pytest.raises(ConfigError, match=r"RAG_CHROMA_URL=http://127\.0\.0\.1:8000"):
        run_workers(engine, 2)


@pytest.mark.slow
def test_embed_workers_command_finishes_an_archive_on_a_server(chroma_server: str, embedder: E5Small, tmp_path: Path):
    settings = Settings(persist_dir=tmp_path / "lock", chroma_url=chroma_server, collection="workers-cli")
    engine = Engine(settings, embedder=embedder)
    engine.ingest([ARTICLES], embed=False)
    env = {**os.environ, "RAG_PERSIST_DIR": str(settings.persist_dir), "RAG_CHROMA_URL": chroma_server,
           "RAG_COLLECTION": settings.collection}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "rag", "embed", "--workers", "2"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "with 2 workers of 1 thread(s) each" in done.stdout and "5 of 5 article(s) embedded" in done.stdout
    assert sorted(line.split()[1] for line in done.stdout.splitlines() if line.startswith("embedded ")) == sorted(
        engine.store.documents()
    )
    assert engine.embed_status().keyword_only == 0
