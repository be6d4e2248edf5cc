"""The whole LLM path against a real model: Qwen2.5-Coder-0.5B-Instruct through llama.cpp.

In process (``llamacpp:``) and once through llama.cpp's OpenAI-compatible
server (``openai:``). These assert behaviour (it streams, every shown sentence
is verified or flagged, failures fall back with a notice), not wording.
``make test`` installs the model (``make local-model``).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.api import Engine
from rag.models.local_models import installed
from rag.settings import Settings
from rag.types import Answer
from tests.conftest import MELONI, ROOT, free_port, serve

MODE = "llamacpp:qwen2.5-0.5b"
MODELS = Settings.from_env().model_dir
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or not installed("qwen2.5-0.5b", cache_dir=MODELS),
        reason="the local model is not installed (`make local-model`; `make test` does it)",
    ),
]


@pytest.fixture(scope="module")
def qwen() -> Any:
    """The real model, loaded once for the module."""
    from rag.models.llm import make_chat_model

    return make_chat_model(MODE, settings=Settings.from_env(llm_timeout=300))


def local(engine: Engine, model: Any, **settings: Any) -> Engine:
    changed = engine.settings.with_(**{"answerer": MODE, "llm_timeout": 300, **settings})
    return Engine(changed, embedder=engine.embedder, store=engine.store, chat_models={MODE: model})


def streamed(engine: Engine, question: str, **kwargs: Any) -> tuple[list[str], Answer]:
    pieces: list[str] = []
    answer: Answer | None = None
    for item in engine.ask_stream(question, **kwargs):
        if isinstance(item, Answer):
            answer = item
        else:
            pieces.append(item)
    assert answer is not None
    return pieces, answer


def shown_sentences_are_checked(answer: Answer) -> None:
    """Every sentence is either supported by a cited sentence or flagged; every marker points at a citation."""
    if answer.abstained or answer.fallback:
        return
    numbers = {c.n for c in answer.citations}
    for claim in answer.claims:
        assert set(claim.citations) <= numbers
        if claim.supported:
            assert claim.citations and claim.why is None
    for c in answer.citations:
        assert c.score_kind == "support" and any(c.quote in p.text for p in answer.passages)


def test_the_real_model_streams_and_its_sentences_are_verified(sample_engine: Engine, qwen: Any):
    pieces, answer = streamed(local(sample_engine, qwen), "What did Meloni commit?")
    assert len(pieces) > 3  # the model's own tokens, as they come
    # The model's own answer (greedy decoding, so the same reply each run), not the fallback:
    # the checker finds the source of what it left unmarked.
    assert not answer.fallback, answer.notice
    assert answer.mode == MODE and not answer.abstained
    shown_sentences_are_checked(answer)
    assert MELONI in {p.doc_id for p in answer.passages}
    by_n = {c.n: c for c in answer.citations}
    assert any(c.supported and by_n[n].doc_id == MELONI for c in answer.claims for n in c.citations), answer.claims


def test_a_follow_up_is_rewritten_and_answered(sample_engine: Engine, qwen: Any):
    engine = local(sample_engine, qwen)
    history = [("user", "Cosa ha promesso Meloni a Parigi?"), ("assistant", "Sostegno politico e logistico [1].")]
    _, answer = streamed(engine, "E gli Stati Uniti?", history=history)
    assert answer.passages
    if answer.standalone_question is not None:  # the model's rewrite replaced the follow-up
        assert 0 < len(answer.standalone_question) <= 4 * len("E gli Stati Uniti?") + 200
    shown_sentences_are_checked(answer)


def test_an_off_corpus_question_is_refused_or_flagged(sample_engine: Engine, qwen: Any):
    _, answer = streamed(local(sample_engine, qwen), "What is the recipe for carbonara?")
    # A small model answers from general knowledge; what it says must not pass as supported fact.
    assert answer.abstained or answer.fallback or not all(c.supported for c in answer.claims)


def test_a_model_past_its_deadline_falls_back_with_a_notice(sample_engine: Engine, qwen: Any):
    hurried = qwen.model_copy(update={"timeout": 0.2})  # the same loaded model, a tighter deadline
    answer = local(sample_engine, hurried, llm_timeout=0.2).ask("What did Meloni commit?")
    assert answer.fallback and answer.notice and "RAG_LLM_TIMEOUT" in answer.notice
    assert answer.citations and answer.mode == f"extractive (fallback from {MODE})"


def test_the_local_model_renders_a_sentence_keeping_its_facts(qwen: Any):
    from rag.translation.faithfulness import fact_changes
    from rag.translation.translators import ModelTranslator

    source = "Il 6 gennaio 2026 a Parigi i leader hanno firmato 3 accordi."
    (out,) = ModelTranslator(model=qwen, name=MODE).translate([source], source="it", target="en")
    assert "Paris" in out and not fact_changes(source, out, source_language="it", other_language="en"), out


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server on 127.0.0.1 with the same model; yields its /v1 URL."""
    from rag.models.local_models import gguf_path

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path("qwen2.5-0.5b", cache_dir=MODELS)),
            "--model_alias", "qwen", "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
            "--n_threads", "2", "--n_batch", "512",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for url in serve(proc, f"http://127.0.0.1:{port}", "/v1/models"):
        yield f"{url}/v1"


def test_the_openai_backend_through_llama_cpp_server(sample_engine: Engine, llama_server: str, tmp_path: Path):
    settings = sample_engine.settings.with_(answerer="openai:qwen", openai_base_url=llama_server, llm_timeout=300)
    engine = Engine(settings, embedder=sample_engine.embedder, store=sample_engine.store)
    pieces, answer = streamed(engine, "What did Meloni commit?")
    assert len(pieces) > 3
    assert answer.mode in ("openai:qwen", "extractive (fallback from openai:qwen)")
    if answer.fallback:
        assert answer.notice and "cited none" in answer.notice
    shown_sentences_are_checked(answer)


def test_the_app_shows_the_local_models_answer_with_its_sources(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    """`RAG_ANSWERER=llamacpp:qwen2.5-0.5b make run`: the app answers with the model, every sentence checked."""
    from streamlit.testing.v1 import AppTest

    from app.engine import get_engine

    monkeypatch.setenv("RAG_PERSIST_DIR", str(sample_engine.settings.persist_dir))
    monkeypatch.setenv("RAG_ANSWERER", MODE)
    monkeypatch.setenv("RAG_LLM_TIMEOUT", "300")
    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=300).run()
    at.chat_input[0].set_value("What did Meloni commit?").run()
    assert not at.exception and not at.error
    assert f"Answered by {MODE}" in [c.value for c in at.caption]
    answer = next(m.value for m in at.markdown if m.value.startswith('<div class="answer">'))
    assert 'href="#src-' in answer and 'class="unsupported"' not in answer, answer
    get_engine.clear()  # type: ignore[attr-defined]  # the app's engine holds the model: let it go


def test_the_apps_mode_list_offers_the_installed_model(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    from app.engine import get_engine

    monkeypatch.setenv("RAG_PERSIST_DIR", str(sample_engine.settings.persist_dir))
    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    options = at.sidebar.selectbox[0].options
    assert options[0].startswith("extractive — quotes"), options
    assert any(o.startswith(f"{MODE} — local model") for o in options), options
    assert at.sidebar.selectbox[0].value == "extractive"
