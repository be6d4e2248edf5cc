"""Hostile articles stay text, in a real Chromium: no script runs, no ``javascript:`` link, no trace shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rag.api import Engine
from rag.settings import Settings
from tests.news_site import Route, Site
from tests.ui.test_browser import CHROMIUM, FLAGS, app_page, keep, start_app
from vectorstore.embedders.factory import E5Small

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)"),
]

PWN = "window.__pwned=1;alert(1)"
# A plain-text article keeps every character: markup, Markdown links and images, maths, a quote.
HOSTILE_TEXT = f"""# Vertice <img src=x onerror="{PWN}"> a Roma [apri](javascript:{PWN})

Roma, 3 febbraio 2026. Il vertice di Roma ha riunito i ministri degli Esteri <script>{PWN}</script>
di dodici Paesi europei.

I ministri hanno approvato un fondo di due miliardi per le scuole ucraine [leggi qui](javascript:{PWN})
![foto](javascript:{PWN}) <a href="javascript:{PWN}">fonte</a> $\\href{{javascript:{PWN}}}{{x}}$.

«Il fondo <b onmouseover="{PWN}">è un passo avanti</b> per le scuole», ha detto il ministro Mario Rossi.
"""
# A page whose metadata and text carry the same, behind a feed whose title and items do too.
HOSTILE_PAGE = f"""<html><head>
<title>Tregua [clicca](javascript:{PWN}) &lt;img src=x onerror=&quot;{PWN}&quot;&gt;</title>
<link rel="canonical" href="javascript:{PWN}">
<meta property="og:site_name" content="&lt;script&gt;{PWN}&lt;/script&gt;">
</head><body><article><h1>Tregua [clicca](javascript:{PWN})</h1>
<p>Kiev e Mosca hanno concordato una tregua energetica di trenta giorni, con osservatori internazionali.</p>
<p>Gli osservatori verificheranno il rispetto dell'intesa [qui](javascript:{PWN})
&lt;script&gt;{PWN}&lt;/script&gt;.</p>
</article></body></html>"""


def hostile_feed(base: str) -> Route:
    entries = [("Tregua &lt;img src=x onerror=&quot;alert(1)&quot;&gt;", f"{base}/hostile-page"),
               ("Link javascript", f"javascript:{PWN}")]  # fmt: skip
    items = "".join(
        f"<entry><title>{t}</title><id>tag:x,2026:{i}</id><updated>2026-01-20T08:30:00+01:00</updated>"
        f'<link rel="alternate" href="{link}"/></entry>'
        for i, (t, link) in enumerate(entries)
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Cronache &lt;script&gt;{PWN}&lt;/script&gt; [x](javascript:{PWN})</title><id>tag:x,2026:f</id>"
        f'<updated>2026-01-20T08:30:00+01:00</updated><link rel="self" href="{base}/hostile.xml"/>{items}</feed>'
    )
    return Route(xml.encode(), kind="application/atom+xml")


def visit(page: Any) -> list[str]:
    """Open every expander and toggle on the page, as a curious visitor would; the text of each article opened.

    Each article is read as it opens: a later run of the page may redraw it.
    """
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=60_000)  # the page's run is over
    for summary in page.locator("summary").all():
        summary.click()
    switches = page.get_by_role("switch")
    opened = []
    for i in range(switches.count()):
        switches.nth(i).check(force=True)  # checked once the app has run with it on
        article = page.locator(".article").nth(i)
        article.wait_for(timeout=30_000)  # the article it opened
        opened.append(article.inner_text())
    return opened


def test_a_hostile_article_and_feed_run_no_script(news_site: Site, tmp_path: Path, embedder: E5Small):
    from playwright.sync_api import sync_playwright

    news_site.pages["/hostile-page"] = Route(HOSTILE_PAGE.encode())
    news_site.pages["/hostile.xml"] = hostile_feed(news_site.url)
    engine = Engine(Settings(persist_dir=tmp_path / "index", fetch_allow_hosts="127.0.0.1"), embedder=embedder)
    (tmp_path / "roma.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    assert engine.ingest([tmp_path / "roma.txt"]).added
    engine.add_feed(f"{news_site.url}/hostile.xml")
    [refreshed] = engine.refresh_feeds()
    assert refreshed.ingest and refreshed.ingest.added, refreshed  # the page behind the feed is indexed
    engine.embed_pending()  # nothing left for the app to embed while the visitor clicks
    server = start_app(engine)
    url = next(server)
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            hrefs, pwned = [], []
            for question, words in (("Quale fondo hanno approvato i ministri a Roma?", "due miliardi"),
                                    ("Chi verificherà la tregua energetica?", "osservatori")):  # fmt: skip
                box = page.get_by_placeholder("Ask about the articles")
                box.wait_for(timeout=60_000)
                box.fill(question)
                box.press("Enter")
                page.locator(".source-card mark", has_text=words).first.wait_for(timeout=60_000)
                visit(page)
            hrefs += page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            pwned.append(page.evaluate("window.__pwned"))
            page.screenshot(path=str(tmp_path / "hostile-ask.png"), full_page=True)
            opened: list[str] = []
            for path, ready in (("speakers", "quote(s) of"), ("library", "Re-ingest")):
                page.goto(f"{url}/{path}")
                page.get_by_text(ready).first.wait_for(timeout=60_000)  # the page's content is there
                body = page.inner_text("body")
                opened += visit(page)
                hrefs += page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
                pwned.append(page.evaluate("window.__pwned"))
            page.screenshot(path=str(tmp_path / "hostile-library.png"), full_page=True)
            browser.close()
    finally:
        next(server, None)
    assert dialogs == [] and pwned == [None, None, None], (dialogs, pwned)
    assert not [h for h in hrefs if not h.lower().startswith(("http://", "https://", "#", "/"))], hrefs
    assert "Tregua [clicca](javascript:" in body  # the Library shows the title as the text it is
    assert len(opened) == 2 and any("[leggi qui](javascript:" in a and "<script>" in a for a in opened), opened
    keep(tmp_path / "hostile-library.png")


def test_a_model_path_typed_in_the_app_is_refused_in_one_line(sample_engine: Engine, tmp_path: Path):
    with app_page(sample_engine) as page:  # the owner's app on 127.0.0.1: the only one with an "Other model" box
        other = page.get_by_role("textbox", name="Other model")
        other.wait_for(timeout=60_000)
        other.fill("llamacpp:/etc/passwd")
        other.press("Enter")
        alert = page.locator("[data-testid='stAlert']", has_text="is refused in the app")
        alert.wait_for(timeout=30_000)
        refusal = alert.inner_text()
        box = page.get_by_placeholder("Ask about the articles")
        box.fill("What did Meloni commit?")
        box.press("Enter")
        page.locator(".source-card mark", has_text="truppe").first.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "model-path.png"), full_page=True)
        body = page.inner_text("body")
    assert refusal.strip().startswith("llamacpp:/etc/passwd is refused in the app") and "\n" not in refusal.strip()
    assert "Traceback" not in body and "root:" not in body and "site-packages" not in body
    assert "Answered by" not in body  # the offered answerer answered
