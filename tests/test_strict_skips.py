"""Under make test a skip for a missing tool fails (tests/strict_skips.py); elsewhere it stays a skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CASES = """
import pytest

@pytest.mark.skipif(True, reason="Debian chromium is not installed (apt-get install chromium)")
def test_needs_a_browser():
    pass

def test_needs_a_model():
    pytest.skip("the local model is not installed (`make local-model`)")

@pytest.mark.skipif(True, reason="set RAG_TEST_ANSWERER to test a real model")
def test_opt_in():
    pass
"""


@pytest.mark.parametrize(("required", "expected"), [("1", "1 failed, 1 skipped, 1 error"), ("0", "3 skipped")])
def test_a_skip_for_a_tool_make_test_installs_fails_there(tmp_path: Path, required: str, expected: str):
    (tmp_path / "test_cases.py").write_text(CASES, encoding="utf-8")
    env = {**os.environ, "RAG_TEST_REQUIRE_INSTALLED": required, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.strict_skips", "-q", "-p", "no:cacheprovider", "test_cases.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # A skip at setup (skipif) fails as an error, one in the test as a failure: either fails the run.
    assert expected in done.stdout and done.returncode == (1 if required == "1" else 0), done.stdout[-1500:]
    if required == "1":
        assert "but make test installs it here" in done.stdout
