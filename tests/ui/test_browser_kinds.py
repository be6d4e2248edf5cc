"""List, count, summary and "the latest" answers in a real Chromium, each with its citations and cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.api import Engine
from tests.ui.test_browser import CHROMIUM, app_page, keep

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]

# Each question, and a phrase its answer's source cards must show highlighted.
ASKED = [
    ("Chi ha partecipato al vertice di Parigi?", "Zelensky"),  # list
    ("Quanti droni sono stati abbattuti?", "129 droni"),  # count
    ("Riassumi le notizie", "Un vertice che prova a spostare il focus"),  # summary, the newest article first
    ("Le ultime notizie su Tver", "Tver"),  # latest on a topic
]


def test_each_kind_of_answer_shows_with_its_citations(sample_engine: Engine, tmp_path: Path):
    answers = []
    with app_page(sample_engine) as page:
        for n, (question, shown) in enumerate(ASKED):
            box = page.get_by_placeholder("Ask about the articles")
            box.wait_for(timeout=60_000)
            box.fill(question)
            box.press("Enter")
            answer = page.locator(".answer").nth(n)
            answer.wait_for(timeout=60_000)
            page.locator(".source-card mark", has_text=shown).first.wait_for(timeout=60_000)
            answers.append((answer.inner_text(), answer.locator("a[href^='#src-']").count()))
        page.screenshot(path=str(tmp_path / "kinds.png"), full_page=True)
        cards = page.locator(".source-card").count()
    listed, counted, summary, latest = answers
    assert listed[1] >= 2 and "Zelensky" in listed[0] and "Meloni" in listed[0], listed
    assert counted[0].startswith("Il ministero della Difesa russo") and "129" in counted[0], counted
    assert summary[1] >= 4, summary  # one cited sentence per article
    assert "Tver" in latest[0] and latest[1] >= 1, latest
    assert cards >= sum(n for _, n in answers) // 2
    keep(tmp_path / "kinds.png")
