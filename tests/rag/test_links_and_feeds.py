"""Articles by link and by feed, against the local news site: cited with their link, updated as versions."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from rag.api import Engine
from rag.cli import main
from rag.errors import ConfigError, UnreadableArticle
from rag.settings import Settings
from tests.conftest import ARTICLES, ROOT
from tests.news_site import FIRST, SECOND, Route, Site, atom, update_story
from vectorstore.embedders.factory import E5Small

pytestmark = pytest.mark.slow

QUESTION = "Chi verificherà il rispetto della tregua energetica?"


@pytest.fixture(autouse=True)
def allow_the_test_site(monkeypatch: pytest.MonkeyPatch) -> None:
    """The news site is on 127.0.0.1, which fetching refuses by default (tests/rag/ingestion/test_netguard.py)."""
    monkeypatch.setenv("RAG_FETCH_ALLOW_HOSTS", "127.0.0.1")


def test_ingest_a_link_from_the_cli_and_ask_cites_it_with_its_link(news_site: Site, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_PERSIST_DIR", str(tmp_path / "index"))
    canonical = f"{news_site.url}/esteri/tregua-energetica"
    assert main(["ingest", f"{news_site.url}/amp/tregua-energetica"]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["ask", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "Kiev e Mosca, tregua energetica di trenta giorni (Cronache dal Mondo, 2026-01-20)" in out
    assert f"    {canonical}\n" in out and "osservatori dell'OSCE" in out
    assert main(["stats"]) == 0
    assert "1 documents" in capsys.readouterr().out


def test_a_bad_link_is_skipped_with_its_reason_and_nothing_indexed_is_lost(news_site: Site, engine: Engine):
    engine.ingest([ARTICLES])
    before = engine.stats().chunks
    news_site.pages["/report.pdf"] = Route(b"%PDF-1.7 \x00\x01", kind="application/pdf")
    report = engine.ingest([f"{news_site.url}/report.pdf", f"{news_site.url}/missing", "file:///etc/passwd"])
    assert report.added == () and len(report.skipped) == 3
    assert [s.reason.split(";")[0] for s in report.skipped] == [
        "damaged PDF (PDFSyntaxError)",
        "the server answered 404 Not Found",
        "only http and https links are fetched, not file:",
    ]
    assert engine.stats().chunks == before


def test_a_link_that_fails_half_way_leaves_no_partial_article(news_site: Site, tmp_path, embedder: E5Small):
    from tests.news_site import page

    settings = Settings(persist_dir=tmp_path / "index", fetch_allow_hosts="127.0.0.1", fetch_timeout=0.5)
    engine = Engine(settings, embedder=embedder)
    engine.ingest([ARTICLES / "002_e0f27ceca1252032.txt"])
    before = engine.articles()
    story = page("tregua.html", site=news_site.url, modified="2026-01-20T08:30:00+01:00", observers=FIRST)
    news_site.pages["/slow"] = Route(story.body, delay=2.0)  # answers after the fetch gave up
    news_site.pages["/empty"] = Route(b"<html><body><nav>Home | Esteri</nav></body></html>")
    news_site.pages["/binary"] = Route(b"\x00\x01\x02" * 1000, kind="text/html")
    for link in ("/slow", "/empty", "/binary"):
        report = engine.ingest_link(f"{news_site.url}{link}", embed=False)
        assert not (report.added or report.updated) and len(report.skipped) == 1, (link, report)
    assert engine.articles() == before and engine.store.pending() == []
    assert "OSCE" not in " ".join(p.text for p in engine.retrieve("osservatori dell'OSCE tregua energetica"))
    assert not (settings.persist_dir / "uploads").exists()  # a link is never saved as a file


def test_a_link_to_a_pdf_is_read_page_by_page_and_cited_with_its_page(news_site: Site, engine: Engine):
    from tests.rag.ingestion.test_documents import RELEASE_PAGES, pdf

    release = pdf([[RELEASE_PAGES[0]], [RELEASE_PAGES[1]]], title="Piano scuole 2026")
    news_site.pages["/comunicati/piano.pdf"] = Route(release, kind="application/pdf")
    report = engine.ingest([f"{news_site.url}/comunicati/piano.pdf"])
    assert len(report.added) == 1 and not report.skipped, report
    answer = engine.ask("Qual è il bilancio del piano scolastico?")
    cited = [c for c in answer.citations if "42 milioni" in c.quote]
    assert cited and cited[0].page == 2 and cited[0].link == f"{news_site.url}/comunicati/piano.pdf", answer


def test_the_same_story_at_two_links_is_one_article_and_a_reprint_is_refused(news_site: Site, engine: Engine):
    report = engine.ingest([f"{news_site.url}/amp/tregua-energetica", f"{news_site.url}/esteri/tregua-energetica"])
    assert len(report.added) == 1
    assert "same page (same canonical URL)" in report.skipped[0].reason
    # The same text under another canonical address: a copy of what is indexed.
    copy = news_site.pages["/esteri/tregua-energetica"].body.replace(b"/esteri/tregua-energetica", b"/copia/tregua")
    news_site.pages["/copia/tregua"] = Route(copy)
    again = engine.ingest([f"{news_site.url}/copia/tregua"])
    assert again.added == () and f"same text as already indexed {report.added[0]}" in again.skipped[0].reason


def test_feeds_refresh_new_and_changed_items_only_and_name_the_update(news_site: Site, tmp_path, embedder: E5Small):
    settings = Settings(persist_dir=tmp_path / "index", keep_versions=2, fetch_allow_hosts="127.0.0.1")
    engine = Engine(settings, embedder=embedder)
    feed = f"{news_site.url}/esteri/feed.xml"
    assert engine.add_feed(feed).title == "Cronache dal Mondo - Esteri"
    [first] = engine.refresh_feeds()
    assert first.fetched == 1 and first.ingest is not None and len(first.ingest.added) == 1
    story = first.ingest.added[0]
    old = engine.ask(QUESTION).citations[0]
    assert FIRST in old.quote and old.updated is None and old.earlier is None

    update_story(news_site)  # the story is rewritten; a new story and a link-less item appear
    pages = len(news_site.requests)
    [second] = engine.refresh_feeds()
    fetched = [p for p, _ in news_site.requests[pages:]]
    assert fetched == ["/esteri/feed.xml", "/esteri/tregua-energetica", "/osservatori.html"]
    assert second.ingest is not None and second.ingest.updated == (story,) and len(second.ingest.added) == 1
    assert second.skipped_items == ("item 'Diretta senza pagina' has no link; skipped",)
    cited = engine.ask(QUESTION).citations[0]
    assert SECOND in cited.quote and cited.updated == "2026-01-21 18:05 +0100"
    assert cited.earlier == FIRST and cited.earlier_as_of == "2026-01-20"
    [info] = [a for a in engine.articles() if a.doc_id == story]
    assert info.versions == 1 and info.updated == "2026-01-21 18:05 +0100"
    assert engine.reingest(story).unchanged == (story,)  # "Re-ingest" fetches the page again

    # Unchanged: one conditional request, answered 304, and nothing indexed.
    pages = len(news_site.requests)
    [third] = engine.refresh_feeds()
    assert third.not_modified and third.ingest is None
    [(path, headers)] = news_site.requests[pages:]
    assert path == "/esteri/feed.xml" and headers.get("if-none-match")
    assert engine.feeds()[0].items == 2


def test_a_feed_that_fails_does_not_stop_the_others(news_site: Site, engine: Engine):
    good, bad = f"{news_site.url}/esteri/feed.xml", f"{news_site.url}/other/feed.xml"
    news_site.pages["/other/feed.xml"] = atom(news_site.url, [("Altro", "2026-01-20T00:00:00Z", "/energy-truce.html")])
    engine.add_feed(bad)
    engine.add_feed(good)
    news_site.pages["/other/feed.xml"] = Route(b"<h1>down</h1>", status=503)
    failed, refreshed = engine.refresh_feeds()
    assert failed.problem == "the server answered 503 Service Unavailable; check the link"
    assert refreshed.ingest is not None and len(refreshed.ingest.added) == 1
    engine.remove_feed(bad)
    assert [f.url for f in engine.feeds()] == [good]
    with pytest.raises(ConfigError, match="not following"):
        engine.remove_feed(bad)


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(b"<html><body><p>Un articolo, non un feed.</p></body></html>"), "this is a web page, not a feed"),
        (Route(b"just some text", kind="text/plain"), "not an RSS or Atom feed (text/plain)"),
    ],
)
def test_a_link_that_is_not_a_feed_is_refused_with_the_fix(news_site: Site, engine: Engine, route: Route, reason):
    news_site.pages["/not-a-feed"] = route
    with pytest.raises(UnreadableArticle, match=re.escape(reason)):
        engine.add_feed(f"{news_site.url}/not-a-feed")
    assert engine.feeds() == []


def test_feeds_from_the_cli_and_a_refresh_loop_that_stops_on_ctrl_c(news_site: Site, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_PERSIST_DIR", str(tmp_path / "index"))
    feed = f"{news_site.url}/esteri/feed.xml"
    links = tmp_path / "links.txt"
    links.write_text(f"# what to read\n{news_site.url}/energy-truce.html\n\n", encoding="utf-8")
    assert main(["ingest", "--links", str(links)]) == 0
    assert main(["feeds", "add", feed]) == 0
    assert main(["feeds", "list"]) == 0
    assert "last refresh: never, 0 item(s) seen" in capsys.readouterr().out
    assert main(["feeds", "refresh"]) == 0
    assert "Cronache dal Mondo - Esteri: 1 new or changed item(s): 1 added" in capsys.readouterr().out
    assert main(["feeds", "refresh", "--every", "1s"]) == 2
    assert "--every is under 10 s" in capsys.readouterr().err

    env = {**os.environ, "RAG_PERSIST_DIR": str(tmp_path / "index"), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    # A process started from a terminal takes Ctrl-C. A test run started in the background by a script
    # (`pytest &`) ignores SIGINT, and a child inherits an ignored signal across exec, so the loop would never
    # see the Ctrl-C this test sends. A handled signal is reset to the default in the child, as a terminal has it.
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag", "feeds", "refresh", "--every", "10s"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # the loop's first refresh, reported; it then waits for the next
        seen.append(line)
        if "unchanged since the last refresh" in line:
            break
    # Ctrl-C, as a person would press it (again if the first one landed before the wait began).
    for _ in range(3):
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
            break
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-500:]
    assert any("unchanged since the last refresh" in line for line in seen), seen
    assert "stopped refreshing" in err and "Traceback" not in err
    assert main(["feeds", "remove", feed]) == 0
    assert main(["feeds", "remove", feed]) == 2
    assert "not following" in capsys.readouterr().err


def test_ctrl_c_while_the_refresh_loop_embeds_stops_the_loop(news_site: Site, tmp_path, monkeypatch, capsys):
    # Ctrl-C during the embedding step of a round used to stop only the embedding: the loop slept and refreshed again.
    import rag.cli.feeds

    monkeypatch.setenv("RAG_PERSIST_DIR", str(tmp_path / "index"))
    assert main(["feeds", "add", f"{news_site.url}/esteri/feed.xml"]) == 0
    assert main(["feeds", "refresh"]) == 0  # the feed's article, embedded
    assert main(["ingest", "--keyword-only", str(next(ARTICLES.glob("*.txt")))]) == 0  # one left for the loop
    capsys.readouterr()

    def pressed(self, **_):
        raise KeyboardInterrupt  # as the signal lands while the sentences are embedded

    def slept(seconds):
        raise AssertionError("the loop went on to another round after Ctrl-C")

    monkeypatch.setattr(Engine, "embed_pending", pressed)
    monkeypatch.setattr(rag.cli.feeds.time, "sleep", slept)
    assert main(["feeds", "refresh", "--every", "10s"]) == 0
    out, err = capsys.readouterr()
    assert "unchanged since the last refresh" in out
    assert "stopped: 1 article(s) still searchable by keyword only" in out
    assert "stopped refreshing" in err
