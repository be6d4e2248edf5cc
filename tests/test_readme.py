"""The README is a contract: its Python block and its command lines run as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def block(heading: str, language: str) -> str:
    """The first fenced ``language`` block after ``heading``."""
    section = README.split(heading, 1)[1]
    found = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert found, f"no {language} block under {heading}"
    return found.group(1)


def environment(index: Path) -> dict[str, str]:
    # `python` in the README is the project's interpreter.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "RAG_PERSIST_DIR": str(index), "HF_HUB_OFFLINE": "1", "PATH": path}


@pytest.mark.slow
def test_python_api_block_runs_verbatim(tmp_path: Path):
    code = block("## Python API", "python")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=environment(tmp_path), timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "senza" in done.stdout  # the Meloni answer was printed, with its citations
    assert "002_e0f27ceca1252032" in done.stdout


@pytest.mark.slow
def test_every_command_line_runs(tmp_path: Path):
    lines = [line for line in block("## Command line", "bash").splitlines() if line.strip()]
    assert len(lines) >= 4
    for line in lines:
        done = subprocess.run(
            ["bash", "-c", line], capture_output=True, text=True, cwd=ROOT, env=environment(tmp_path), timeout=900
        )
        assert done.returncode == 0, f"{line}\n{done.stderr[-2000:]}"
        assert done.stdout.strip(), line


@pytest.mark.slow
def test_langchain_block_runs_verbatim(tmp_path: Path):
    env = environment(tmp_path)
    ingest = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", "data/articles"], cwd=ROOT, env=env, capture_output=True, timeout=600
    )
    assert ingest.returncode == 0
    done = subprocess.run(
        [sys.executable, "-c", block("## LangChain", "python")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("002_e0f27ceca1252032 ")  # the Meloni passage first, with its span
    assert "truppe" in done.stdout and "Sostegno politico e logistico" in lines[-1]


@pytest.mark.slow
def test_news_from_the_web_block_runs_verbatim(tmp_path: Path):
    script = block("## Files, links and feeds", "bash")
    done = subprocess.run(
        ["bash", "-e", "-c", script], capture_output=True, text=True, cwd=ROOT, env=environment(tmp_path), timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "1 added" in out and "Cronache dal Mondo - Esteri: 1 new or changed item(s): 1 added" in out
    assert "Turkey" in out and "http://127.0.0.1:8731/energy-truce.html" in out  # the answer, and its link


def run_block(heading: str, index: Path) -> list[subprocess.CompletedProcess[str]]:
    """Each line of the bash block under ``heading``, run in order against ``index``; all must succeed."""
    done = []
    for line in [line for line in block(heading, "bash").splitlines() if line.strip()]:
        result = subprocess.run(
            ["bash", "-c", line], capture_output=True, text=True, cwd=ROOT, env=environment(index), timeout=1200
        )
        assert result.returncode == 0, f"{line}\n{result.stderr[-2000:]}"
        done.append(result)
    return done


@pytest.mark.slow
def test_renderings_block_runs_verbatim(tmp_path: Path):
    from rag.translation.apertium import Apertium

    if not Apertium.available():
        pytest.skip("Apertium is not installed (`make translator`, which make test runs, installs it as root)")
    asked = run_block("## Sources in the reader's language", tmp_path)[-1]
    assert "\n    IT: “Meloni ha sottolineato" in asked.stdout and "Machine translation (apertium)" in asked.stdout, (
        asked.stdout
    )


@pytest.mark.slow
def test_local_model_block_runs_verbatim(tmp_path: Path):
    import importlib.util

    from rag.models.local_models import installed
    from rag.settings import Settings

    if importlib.util.find_spec("llama_cpp") is None or not installed(
        "qwen2.5-0.5b", cache_dir=Settings.from_env().model_dir
    ):
        pytest.skip("the local model is not installed (`make local-model`, which make test runs)")
    ingest = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", "data/articles"],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
    )
    assert ingest.returncode == 0
    asked = run_block("## Answering with a language model (optional)", tmp_path)[-1]
    assert "Sources:" in asked.stdout and "Traceback" not in asked.stderr
    # The model's answer, verified; or, if it cited nothing, the extractive one with a note saying so.
    assert "[1]" in asked.stdout or "note: The language model (llamacpp:qwen2.5-0.5b)" in asked.stderr
