"""Shared fixtures: real Chroma (a temp dir, or a real `chroma run` server) and the real embedder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from evaluation.reprints import Corpus, build
from rag.api import Engine
from rag.settings import Settings
from tests.news_site import Site
from vectorstore.embedders.factory import E5Small

pytest_plugins = ["tests.strict_skips"]  # under make test, a skip for a tool it installs fails

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "data" / "articles"
MELONI = "002_e0f27ceca1252032"
# Her commitment, as the Paris article states it.
TROOPS = (
    "L’Italia, con la premier Giorgia Meloni, ha confermato il proprio sostegno politico "
    "e logistico senza invio di truppe."
)
# An English article for mixed corpora, and the Italian question it answers.
GRAIN = (
    "# Black Sea grain corridor reopens\n\n"
    "Ukraine reopened the Black Sea grain corridor on Friday after a pause of three weeks. "
    "The first convoy carried 240,000 tonnes of wheat from Odesa to Istanbul, port officials said. "
    "Insurers in London had raised their premiums after two ships were damaged by drones in December."
)
GRAIN_QUESTION_IT = "Quante tonnellate di grano ha trasportato il primo convoglio?"


def mixed_corpus(folder: Path) -> Path:
    """``folder`` holding the English grain article beside the Italian Meloni one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grain.md").write_text(GRAIN, encoding="utf-8")
    shutil.copy(ARTICLES / f"{MELONI}.txt", folder / "meloni.txt")
    return folder


@pytest.fixture
def app_on_loopback() -> Iterator[None]:
    """Streamlit's bind address as ``make run`` sets it (127.0.0.1: the owner's app, writable; app/access.py).

    AppTest runs no server, so the option is unset (every interface: read-only) unless a test sets it.
    """
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture(scope="session")
def embedder() -> E5Small:
    """The default embedder, loaded once for the whole run."""
    return E5Small()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A private copy of the sample articles that a test may change."""
    target = tmp_path / "articles"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture
def engine(tmp_path: Path, embedder: E5Small) -> Engine:
    """An engine on an empty index in a temp dir."""
    # The tests' news site is on 127.0.0.1, which fetching refuses by default (rag/ingestion/netguard.py).
    return Engine(Settings(persist_dir=tmp_path / "index", fetch_allow_hosts="127.0.0.1"), embedder=embedder)


@pytest.fixture(scope="session")
def sample_engine(tmp_path_factory: pytest.TempPathFactory, embedder: E5Small) -> Engine:
    """An engine with the five sample articles ingested (shared, read-only)."""
    engine = Engine(Settings(persist_dir=tmp_path_factory.mktemp("sample") / "index"), embedder=embedder)
    engine.ingest([ARTICLES])
    return engine


@pytest.fixture(scope="session")
def outlets(tmp_path_factory: pytest.TempPathFactory, embedder: E5Small) -> tuple[Engine, Corpus]:
    """The sample articles plus two or three reprints of each under other outlets (evaluation/reprints.py), indexed."""
    root = tmp_path_factory.mktemp("outlets")
    corpus = build(sorted(ARTICLES.glob("*.txt")), root / "articles")
    engine = Engine(Settings(persist_dir=root / "index"), embedder=embedder)
    engine.ingest([root / "articles"])
    return engine, corpus


class Vectors:
    """Stored vectors by id; equal to another table with the same ids and vectors within float noise."""

    def __init__(self, ids: list[str], vectors: list[list[float]]) -> None:
        order = sorted(range(len(ids)), key=ids.__getitem__)
        self.ids = [ids[i] for i in order]
        self.matrix = np.asarray([vectors[i] for i in order], dtype=np.float32).reshape(len(ids), -1)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Vectors)
            and self.ids == other.ids
            and self.matrix.shape == other.matrix.shape
            and bool(np.allclose(self.matrix, other.matrix, atol=1e-4))
        )

    def __repr__(self) -> str:
        return f"Vectors({len(self.ids)} ids, dim {self.matrix.shape[1] if self.ids else 0})"


def snapshot(engine: Engine) -> dict[str, object]:
    """What an index holds, in terms comparable across directories.

    Documents with their content hashes, every chunk and sentence id (content
    hashes, so equal ids mean equal text and spans) and every stored vector,
    writes left pending, the top passages for two questions (dense + lexical,
    so both are in step), and the pairs of reprinted passages (rag/search/copies.py).
    """
    store = engine.store
    engine.sync()
    stored = {part: store.client.cols[part].get(include=["embeddings"]) for part in ("sentences", "chunks")}
    return {
        "docs": {d: m.get("content_hash") for d, m in store.documents().items()},
        "chunks": sorted(store.chunk_ids()),
        "sentences": sorted(stored["sentences"]["ids"]),
        **{f"{part}_vectors": Vectors(got["ids"], list(got["embeddings"])) for part, got in stored.items()},
        "pending": store.pending(),
        "keyword_only": sorted(store.keyword_only()),
        "copies": sorted(engine.retriever.copies().pairs()),
        # The same top 5 in the same order: a recovered index searches exactly as a clean one.
        "meloni": [p.chunk_id for p in engine.retrieve("Cosa ha promesso Meloni?")],
        "witkoff": [p.chunk_id for p in engine.retrieve("Who led the American delegation in Paris?")],
    }


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1; yields its URL."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield from serve(proc, f"http://127.0.0.1:{port}", "/api/v2/heartbeat")


@pytest.fixture
def news_site() -> Iterator[Site]:
    """The news site of tests/news_site.py on 127.0.0.1, with its usual pages; a test may change them."""
    from tests.news_site import news, start

    site, server = start()
    news(site)
    yield site
    server.shutdown()


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[str]:
    """The scripted OpenAI-compatible server of tests/fake_llm.py, in a thread; yields its /v1 URL."""
    from tests.fake_llm import make_server

    server = make_server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def serve(proc: subprocess.Popen[bytes], url: str, health: str) -> Iterator[str]:
    """Wait until ``proc`` answers ``url + health``, yield ``url``, then stop it."""
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}{health}", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"{url} did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
