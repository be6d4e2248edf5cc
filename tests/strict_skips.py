"""A pytest plugin: under ``make test``, a test skipped because a tool it installs is missing fails instead.

``make test`` sets ``RAG_TEST_REQUIRE_INSTALLED=1`` where it could install everything (root with apt):
there, a skip whose reason says Chromium, Apertium or the local model is "not installed" means the
install failed, and a green run must not hide that.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

REQUIRE_INSTALLED = os.environ.get("RAG_TEST_REQUIRE_INSTALLED") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Turn a "not installed" skip into a failure when ``make test`` installed everything."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    reason = report.longrepr[2] if report.skipped and isinstance(report.longrepr, tuple) else ""
    if REQUIRE_INSTALLED and "not installed" in reason:
        report.outcome = "failed"
        report.longrepr = f"{reason}, but make test installs it here: see its output for why it could not"
