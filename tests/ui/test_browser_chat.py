"""The chat in Chromium: its steps shown from the first moment, kept through a reload, copied with its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.api import Engine
from tests.ui.test_browser import CHROMIUM, SERVE, app_page, keep

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]

# Every label the status line (the first expander of the newest chat message) shows, with when.
WATCH = """() => {
  window.__labels = [];
  const seen = () => {
    const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
    const status = messages.length ? messages[messages.length - 1].querySelector('summary') : null;
    if (!status) return;
    const lines = status.innerText.trim().split('\\n');
    const text = lines[lines.length - 1].trim();  // after the icon's name
    const last = window.__labels[window.__labels.length - 1];
    if (text && (!last || last[1] !== text)) window.__labels.push([performance.now(), text]);
  };
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_the_steps_show_at_once_and_the_chat_outlives_a_reload(sample_engine: Engine, tmp_path: Path):
    with app_page(sample_engine) as page:
        box = page.get_by_placeholder("Ask about the articles")
        box.wait_for(timeout=60_000)
        page.get_by_role("button", name="Cosa ha promesso Meloni?").wait_for(timeout=30_000)
        page.evaluate(WATCH)
        box.fill("What did Meloni commit?")
        sent = page.evaluate("performance.now()")
        box.press("Enter")
        page.get_by_role("button", name="Cosa ha promesso Meloni?").wait_for(state="detached", timeout=30_000)
        page.get_by_text("Answered in").first.wait_for(timeout=60_000)
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=30_000)
        labels = page.evaluate("window.__labels")
        page.wait_for_url("**?chat=*", timeout=30_000)  # the chat's id, set when the run saved it
        address = page.url
        page.screenshot(path=str(tmp_path / "chat-steps.png"), full_page=True)

        page.get_by_text("Copy the answer with its sources").first.click()
        copied = page.locator("[data-testid='stCode'] code").first.inner_text()

        page.reload()
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=60_000)
        after_reload = page.inner_text("body")

        page.get_by_role("button", name="New chat").click()
        page.get_by_role("button", name="Cosa ha promesso Meloni?").wait_for(timeout=30_000)
        # Streamlit shows the earlier run's elements until the new run has drawn the page: the examples can
        # be back while the old cards still fade out, so wait for the rerun to finish removing them.
        page.wait_for_function("() => document.querySelectorAll('.source-card').length === 0", timeout=30_000)
        emptied = page.locator(".source-card").count()
        new_address = page.url
    keep(tmp_path / "chat-steps.png")

    # The steps, in order, before the answer (how soon: bench/bench_make_run.py, docs/BENCHMARKS.md).
    steps = [text for _, text in labels]
    assert steps[0] in ("…", "Searching 5 articles…") and any(s.startswith("Reading") for s in steps), steps
    assert steps[-1].startswith("Answered in") and labels[0][0] > sent, labels
    # Copied: the answer with its markers, then its sources numbered with title, outlet and date.
    assert "Meloni" in copied and "[1]" in copied and "\nSources:\n[1] A Parigi nuove prove di sicurezza" in copied
    assert "2026-01-07" in copied, copied
    # A reload shows the same chat, kept under the id in the address; New chat starts an empty one.
    assert "?chat=" in address and "What did Meloni commit?" in after_reload, address
    assert emptied == 0 and "chat=" not in new_address, new_address


def test_a_chat_id_from_the_address_names_no_file(sample_engine: Engine, tmp_path: Path):
    secret = sample_engine.settings.persist_dir / "chats" / "secret.json"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text('{"messages": [{"role": "user", "text": "SECRET", "answer": null}]}', encoding="utf-8")
    with app_page(sample_engine) as page:
        for attempt in ("secret", "../chats/secret", "%2e%2e%2fchats%2fsecret", "a" * 5000):
            page.goto(page.url.split("?")[0] + f"?chat={attempt}")
            page.get_by_role("button", name="Cosa ha promesso Meloni?").wait_for(timeout=30_000)
            assert "SECRET" not in page.inner_text("body"), attempt


def test_app_serve_warms_the_engine_and_shows_the_real_upload_limit(sample_engine: Engine):
    with app_page(sample_engine, launcher=SERVE, RAG_MAX_FILE_MB="3") as page:
        page.get_by_text("Add articles").wait_for(timeout=60_000)
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        box = page.get_by_placeholder("Ask about the articles")
        box.fill("Cosa ha promesso Meloni?")
        box.press("Enter")
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=60_000)
    assert "3MB per file" in sidebar and "200MB" not in sidebar, sidebar  # Streamlit's limit is RAG_MAX_FILE_MB
