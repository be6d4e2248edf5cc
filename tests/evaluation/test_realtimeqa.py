"""The RealTime QA suite: read from ../shared at evaluation time, skipped cleanly when absent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.evaluate import half
from evaluation.realtimeqa import REALTIMEQA, SuiteMissing, load_realtimeqa, realtimeqa_articles, week
from tests.conftest import ROOT


def test_halves_are_disjoint_weeks():
    tune, test = half("realtimeqa", "tune"), half("realtimeqa", "test")
    assert tune and test and not tune & test
    assert all(len(w) == 8 and w.isdigit() for w in tune | test)  # dates, no CNN text in the repo


def test_an_absent_folder_is_a_clear_skip_not_a_crash(tmp_path: Path):
    with pytest.raises(SuiteMissing, match=r"(questions|articles)\.jsonl"):
        load_realtimeqa(tmp_path / "nowhere")
    done = subprocess.run(
        [sys.executable, "-m", "rag", "eval", "--suite", "realtimeqa", "--realtimeqa", str(tmp_path / "nowhere")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1000:]
    assert "realtimeqa skipped" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.skipif(not REALTIMEQA.exists(), reason="../shared/eval/realtimeqa-dev is not on this machine")
def test_items_are_scored_as_the_suite_readme_says(tmp_path: Path):
    items = load_realtimeqa()
    assert len(items) > 100 and all(i.lang == "en" and i.answerable for i in items)
    assert {week(i.id) for i in items} == half("realtimeqa", "tune") | half("realtimeqa", "test")
    ranked = [i for i in items if i.ranked]
    assert 0.7 < len(ranked) / len(items) < 0.9  # "about 80%" state their answer verbatim
    several = next(i for i in items if i.also)
    assert several.gold(several.doc_id) and several.gold(several.also[0]) and not several.gold("elsewhere")
    answer = items[0].answers[0]
    assert items[0].holds(f"… “{answer.upper()}” …")  # case and quotation marks folded
    files = realtimeqa_articles(tmp_path / "articles")
    assert len(files) > 100 and all(f.parent == tmp_path / "articles" for f in files)
