"""End to end in a real headless Chromium (Debian's), against `streamlit run ui.py`."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.api import Engine
from tests.conftest import ROOT, free_port, serve

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# How the app is started: as `streamlit run` does, or through app/serve.py as `make run` does.
STREAMLIT = ("streamlit", "run", str(ROOT / "ui.py"))
SERVE = ("app.serve",)


def start_app(engine: Engine, *, launcher: tuple[str, ...] = STREAMLIT, **env_vars: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "RAG_PERSIST_DIR": str(engine.settings.persist_dir), "HF_HUB_OFFLINE": "1", **env_vars}
    proc = subprocess.Popen(
        [sys.executable, "-m", *launcher, "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    yield from serve(proc, f"http://127.0.0.1:{port}", "/_stcore/health")


@pytest.fixture
def app_url(sample_engine: Engine) -> Iterator[str]:
    yield from start_app(sample_engine)


@pytest.fixture
def llm_app_url(sample_engine: Engine) -> Iterator[str]:
    """The app answering with the scripted OpenAI-compatible server, streaming slowly."""
    port = free_port()
    fake = subprocess.Popen([sys.executable, "-m", "tests.fake_llm", "--port", str(port), "--delay", "0.25"], cwd=ROOT)
    try:
        yield from start_app(sample_engine, RAG_ANSWERER="openai:fake", OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1")
    finally:
        fake.kill()
        fake.wait()


def keep(shot: Path) -> None:
    """Copy a screenshot to test-output/ for people (the README's pictures come from here)."""
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    shutil.copy(shot, out / shot.name)


@contextlib.contextmanager
def asked(url: str, question: str) -> Iterator[Any]:
    """A Chromium page on the app at ``url`` with ``question`` typed in and sent."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(url)
        box = page.get_by_placeholder("Ask about the articles")
        box.wait_for(timeout=60_000)
        box.fill(question)
        box.press("Enter")
        try:
            yield page
        finally:
            browser.close()


def screenshot_meloni(url: str, out: Path) -> str:
    """Ask the Meloni question in the browser, save a full-page screenshot; return the page text."""
    with asked(url, "What did Meloni commit?") as page:
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=30_000)
        # the run is over when the empty-state examples are gone
        page.get_by_text("Chi ha guidato la delegazione").wait_for(state="detached", timeout=30_000)
        page.screenshot(path=str(out), full_page=True)
        return str(page.inner_text("body"))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_meloni_question_in_a_real_browser(app_url: str, tmp_path: Path):
    shot = tmp_path / "meloni.png"
    text = screenshot_meloni(app_url, shot)
    assert "[1]" in text
    assert "A Parigi nuove prove di sicurezza" in text
    assert "truppe" in text
    assert shot.stat().st_size > 10_000
    keep(shot)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_english_question_is_answered_in_english_with_the_italian_words_beneath(app_url: str, tmp_path: Path):
    from rag.translation.apertium import Apertium

    if not Apertium.available():
        pytest.skip("Apertium is not installed (`make translator`)")
    with asked(app_url, "What did Meloni commit?") as page:
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=60_000)
        page.get_by_text("Chi ha guidato la delegazione").wait_for(state="detached", timeout=30_000)
        claims = page.locator(".answer .claim").all_inner_texts()
        originals = page.locator(".answer .claim .verbatim").all_inner_texts()
        # The note under the answer (the copy box holds it too, as text to paste).
        note = page.locator("[data-testid='stCaptionContainer']", has_text="Machine translation (apertium)")
        note = note.all_inner_texts()
        page.screenshot(path=str(tmp_path / "screenshot-rendering.png"), full_page=True)
    # Each English sentence carries its citation, and the Italian words it renders are right beneath it.
    assert claims and originals and len(note) == 1, (claims, originals, note)
    first = claims[0]
    english, italian = first.split("“", 1)
    assert "Meloni" in english and "[1]" in english and "troops" in english, first
    assert "truppe" in italian and italian.rstrip().endswith("[1]"), first
    assert all(o.startswith("“") for o in originals), originals
    keep(tmp_path / "screenshot-rendering.png")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_who_said_what_in_english_shows_each_quote_in_its_own_words(sample_engine: Engine, tmp_path: Path):
    from rag.translation.apertium import Apertium

    if not Apertium.available():
        pytest.skip("Apertium is not installed (`make translator`)")
    quotes = [q for q in sample_engine.quotes("Volodymyr Zelensky") if q.kind == "direct"]
    alone = {q.text: Apertium(timeout=60).translate([q.text], source="it", target="en")[0] for q in quotes}
    with app_page(sample_engine) as page:
        page.goto(page.url.rstrip("/") + "/speakers")
        page.get_by_text("quote(s) of Volodymyr Zelensky").wait_for(timeout=60_000)  # the most quoted, chosen first
        page.get_by_text("English", exact=True).click()
        page.locator("blockquote.quote-rendered").first.wait_for(timeout=60_000)
        shown = page.eval_on_selector_all(
            "blockquote.quote-rendered",
            "els => els.map(e => [e.firstChild.textContent, e.querySelector('.verbatim').textContent])",
        )
        page.screenshot(path=str(tmp_path / "who-said-what-english.png"), full_page=True)
    # Each rendering is its own quote's, word for word as if rendered alone: none took a neighbour's words.
    assert len(shown) >= 5, shown
    for rendered, verbatim in shown:
        assert rendered == f"«{alone[verbatim.strip('«»')]}»", (rendered, verbatim)
    first = next(r for r, v in shown if v.startswith("«Discusse reali"))
    assert "terror" in first, first  # the word that once slid into the next quote
    keep(tmp_path / "who-said-what-english.png")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_italian_question_over_italian_articles_is_answered_verbatim(app_url: str):
    with asked(app_url, "Cosa ha promesso Meloni?") as page:
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=60_000)
        claim = page.locator(".answer .claim").first.inner_text()
        translated = page.locator(".answer .claim .verbatim").count() + page.locator(".rendering").count()
    assert "Meloni ha sottolineato" in claim and "[1]" in claim and translated == 0, claim


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_italian_question_shows_an_italian_rendering_of_an_english_source(engine: Engine, tmp_path: Path):
    from rag.translation.apertium import Apertium
    from tests.conftest import GRAIN_QUESTION_IT, mixed_corpus

    if not Apertium.available():
        pytest.skip("Apertium is not installed (`make translator`)")
    engine.ingest([mixed_corpus(tmp_path / "articles")])  # the English grain article beside an Italian one
    server = start_app(engine)
    url = next(server)
    try:
        with asked(url, GRAIN_QUESTION_IT) as page:
            page.locator(".source-card", has_text="240,000").first.wait_for(timeout=60_000)
            claim = page.locator(".answer .claim").first.inner_text()
            note = page.get_by_text("Traduzione automatica (apertium)").first.inner_text()
            page.screenshot(path=str(tmp_path / "screenshot-rendering-it.png"), full_page=True)
    finally:
        next(server, None)
    italian, english = claim.split("“", 1)
    assert "tonnellate" in italian and "[1]" in italian and "240,000 tonnes" in english, claim
    assert "Sotto ogni frase" in note, note
    keep(tmp_path / "screenshot-rendering-it.png")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_llm_answer_streams_then_shows_verified_citations(llm_app_url: str, tmp_path: Path):
    with asked(llm_app_url, "What did Meloni commit, and on taxes?") as page:
        # Mid-stream: the first words are on the page, the source cards are not yet.
        page.get_by_text("Meloni confirmed", exact=False).first.wait_for(timeout=30_000)
        cards_mid_stream = page.locator(".source-card").count()
        page.locator(".source-card mark", has_text="senza invio di truppe").first.wait_for(timeout=30_000)
        page.get_by_text("Answered by openai:fake").wait_for(timeout=30_000)
        unsupported = page.locator(".unsupported").inner_text()
        page.screenshot(path=str(tmp_path / "llm.png"), full_page=True)
    assert cards_mid_stream == 0
    assert "cut taxes" in unsupported
    keep(tmp_path / "llm.png")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_library_deletes_an_article_and_answers_stop_citing_it(engine: Engine, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARTICLES, MELONI

    engine.ingest([ARTICLES])  # a private index: this test deletes from it
    server = start_app(engine)
    url = next(server)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.goto(f"{url}/library")
            card = page.locator(f".st-key-article-{MELONI}")
            card.get_by_text("A Parigi nuove prove di sicurezza").wait_for(timeout=60_000)
            listed = page.locator("[class*='st-key-article-']").count()
            page.screenshot(path=str(tmp_path / "library.png"), full_page=True)

            card.get_by_role("button", name="Delete").click()
            page.get_by_role("button", name="Delete for good").click()
            page.get_by_text("Deleted A Parigi nuove prove di sicurezza").wait_for(timeout=30_000)
            # The notice can show before the list re-renders: count once the deleted card is gone.
            card.wait_for(state="detached", timeout=30_000)
            remaining = page.locator("[class*='st-key-article-']").count()

            page.get_by_role("link", name="Ask").click()  # the same running app, no restart
            box = page.get_by_placeholder("Ask about the articles")
            box.wait_for(timeout=30_000)
            box.fill("What did Meloni commit?")
            box.press("Enter")
            page.get_by_text("Chi ha guidato la delegazione").wait_for(state="detached", timeout=60_000)
            page.locator(".source-card, [data-testid='stAlert']").first.wait_for(timeout=60_000)
            answer = page.inner_text("body")
            browser.close()
    finally:
        next(server, None)
    assert listed == 5 and remaining == 4
    assert "senza invio di truppe" not in answer and "A Parigi nuove prove di sicurezza" not in answer
    keep(tmp_path / "library.png")


@contextlib.contextmanager
def app_page(engine: Engine, *, launcher: tuple[str, ...] = STREAMLIT, **env_vars: str) -> Iterator[Any]:
    """A Chromium page on the app served over ``engine``'s index on 127.0.0.1 (its owner's: it may write)."""
    from playwright.sync_api import sync_playwright

    server = start_app(engine, launcher=launcher, **env_vars)
    url = next(server)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.goto(url)
            try:
                yield page
            finally:
                browser.close()
    finally:
        next(server, None)


@contextlib.contextmanager
def private_app(engine: Engine, **env_vars: str) -> Iterator[Any]:
    """A Chromium page on the app over ``engine``'s own index (one sample article in it), which it may write to."""
    from tests.conftest import ARTICLES, MELONI

    engine.ingest([ARTICLES / f"{MELONI}.txt"])
    with app_page(engine, **env_vars) as page:
        yield page


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_a_link_added_in_the_app_is_cited_with_its_original(engine: Engine, news_site: Any, tmp_path: Path):
    canonical = f"{news_site.url}/esteri/tregua-energetica"
    with private_app(engine, RAG_FETCH_ALLOW_HOSTS="127.0.0.1") as page:  # the test site; refused by default
        link_box = page.get_by_placeholder("https://… a news article")
        link_box.wait_for(timeout=60_000)
        link_box.fill(f"{news_site.url}/amp/tregua-energetica")
        page.get_by_role("button", name="Fetch and ingest").click()
        page.get_by_text("Kiev e Mosca, tregua energetica di trenta giorni added").wait_for(timeout=60_000)
        # Its sentence vectors come from the app's background pass; until then it answers by keyword
        # only and ranks below the embedded article. Wait for the pass, as a reader of the index.
        reader, deadline = Engine(engine.settings, embedder=engine.embedder), time.time() + 300
        while reader.embed_status().keyword_only and time.time() < deadline:
            time.sleep(1)
        box = page.get_by_placeholder("Ask about the articles")
        box.fill("Chi verificherà il rispetto della tregua energetica?")
        box.press("Enter")
        page.locator(".source-card mark", has_text="osservatori").first.wait_for(timeout=60_000)
        original = page.locator(".source-card a", has_text="original").first.get_attribute("href")
        page.screenshot(path=str(tmp_path / "link.png"), full_page=True)
    assert original == canonical
    keep(tmp_path / "link.png")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_an_upload_that_adds_nothing_says_so_in_one_red_box(engine: Engine, tmp_path: Path):
    empty = tmp_path / "vuoto.txt"
    empty.write_text("")
    with private_app(engine) as page:
        page.get_by_text("Add articles").wait_for(timeout=60_000)
        page.locator("input[type=file]").first.set_input_files(str(empty))
        page.get_by_role("button", name="Ingest uploads").click()
        page.get_by_text("vuoto.txt was not added").wait_for(timeout=60_000)
        alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
    about = [a for a in alerts if "vuoto.txt" in a]
    assert len(about) == 1 and "empty" in about[0], alerts


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_uploads_are_told_file_by_file_and_the_counts_and_dates_follow_at_once(engine: Engine, tmp_path: Path):
    from tests.rag.ingestion.test_documents import DATELINED, spaced

    release, empty = tmp_path / "comunicato.pdf", tmp_path / "vuoto.txt"
    release.write_bytes(spaced(DATELINED))  # dated today by its file, 20 January 2026 by its dateline
    empty.write_text("")
    with private_app(engine) as page:
        page.get_by_text("Add articles").wait_for(timeout=60_000)
        before = page.locator("[data-testid='stSidebar']").inner_text()
        page.locator("input[type=file]").first.set_input_files([str(release), str(empty)])
        page.get_by_role("button", name="Ingest uploads").click()
        page.get_by_text("comunicato.pdf added").wait_for(timeout=60_000)
        alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
        after = page.locator("[data-testid='stSidebar']").inner_text()
        page.goto(page.url.split("?")[0].rstrip("/") + "/library")
        page.get_by_text("La Regione ha approvato oggi il nuovo piano").first.wait_for(timeout=60_000)
        library = page.inner_text("body")
    assert "vuoto.txt was not added: empty file" in alerts, alerts
    assert any(re.fullmatch(r"comunicato\.pdf added: 1 page, \d+ passages?", a) for a in alerts), alerts
    assert "1 articles" in before and "2 articles" in after, after  # the counts of the same page, at once
    assert "2026-01-07 – 2026-01-20" in after, after  # the dateline's date, not the day the file was made
    assert "2026-01-20" in library and "Roma, 20 gennaio 2026" not in library.split("\n")[0], library


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_an_uploaded_pdf_is_answered_with_its_page_on_the_card(engine: Engine, tmp_path: Path):
    from tests.rag.ingestion.test_documents import RELEASE_PAGES, pdf

    release = tmp_path / "comunicato.pdf"
    release.write_bytes(pdf([[RELEASE_PAGES[0]], [RELEASE_PAGES[1]]], title="Piano scuole 2026"))
    with private_app(engine) as page:
        page.get_by_text("Add articles").wait_for(timeout=60_000)
        page.locator("input[type=file]").first.set_input_files(str(release))
        page.get_by_role("button", name="Ingest uploads").click()
        page.get_by_text("comunicato.pdf added: 2 pages").wait_for(timeout=60_000)
        box = page.get_by_placeholder("Ask about the articles")
        box.fill("Qual è il bilancio del piano scolastico?")
        box.press("Enter")
        card = page.locator(".source-card", has_text="42 milioni").first
        card.wait_for(timeout=60_000)
        text = card.inner_text()
        page.get_by_text("p. 2", exact=True).last.click()  # the page around the quote
        page.locator(".article mark", has_text="42 milioni").first.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "pdf.png"), full_page=True)
    assert "Piano scuole 2026" in text and "p. 2" in text, text
    keep(tmp_path / "pdf.png")
