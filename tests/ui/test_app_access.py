"""No way in through the app: the link box takes web links only, private addresses are refused, writes can be locked."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from rag.api import Engine
from tests.conftest import ARTICLES, MELONI, ROOT
from tests.news_site import Site

LINK_ONLY = "links must start with http:// or https://; to index a folder on the server use `python -m rag ingest PATH`"
PRIVATE = "address of the server's own network, which links may not reach; set RAG_FETCH_ALLOW_PRIVATE=1"


pytestmark = pytest.mark.usefixtures("app_on_loopback")  # a test may bind it elsewhere


def open_app(engine: Engine, monkeypatch: pytest.MonkeyPatch, **env: str) -> AppTest:
    from app.engine import get_engine

    monkeypatch.setenv("RAG_PERSIST_DIR", str(engine.settings.persist_dir))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_engine.clear()  # type: ignore[attr-defined]
    return AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()


def add_link(at: AppTest, link: str) -> list[str]:
    next(t for t in at.text_input if t.label == "Add from a link").set_value(link)
    next(b for b in at.button if b.label == "Fetch and ingest").click().run()
    assert not at.exception
    return [html.unescape(e.value) for e in at.error]


@pytest.mark.slow
def test_the_link_box_takes_no_path_on_the_server(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    engine.ingest([ARTICLES / f"{MELONI}.txt"])
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "memo.txt").write_text("Il codice della cassaforte è 4321, disse il direttore.", encoding="utf-8")
    at = open_app(engine, monkeypatch)
    typed = [str(secret / "memo.txt"), str(secret), f"file://{secret / 'memo.txt'}", "~/memo.txt",
             "../private/memo.txt", "memo.txt", "not a url", "ftp://example.com/x"]  # fmt: skip
    for text in typed:
        assert add_link(at, text) == [LINK_ONLY], text
    assert [a.doc_id for a in engine.articles()] == [MELONI]  # nothing added, nothing lost
    at.chat_input[0].set_value("Qual è il codice della cassaforte?").run()
    assert "4321" not in "\n".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_the_link_box_refuses_the_servers_own_network(engine: Engine, news_site: Site, monkeypatch: pytest.MonkeyPatch):
    engine.ingest([ARTICLES / f"{MELONI}.txt"])
    at = open_app(engine, monkeypatch)  # no RAG_FETCH_ALLOW_*: the default
    port = news_site.url.rsplit(":", 1)[1]
    for link in (f"{news_site.url}/energy-truce.html", f"http://localhost:{port}/energy-truce.html",
                 f"http://2130706433:{port}/energy-truce.html", f"http://[::ffff:127.0.0.1]:{port}/x",
                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"):  # fmt: skip
        [error] = add_link(at, link)
        assert PRIVATE in error, error
    assert not news_site.hits("/energy-truce.html") and [a.doc_id for a in engine.articles()] == [MELONI]
    # The library's feed box too.
    at.switch_page("app/library.py").run()
    next(t for t in at.text_input if t.label == "Follow a feed").set_value(f"{news_site.url}/esteri/feed.xml")
    next(b for b in at.button if b.label == "Follow").click().run()
    assert PRIVATE in html.unescape(at.error[0].value) and not engine.feeds()


def writes(at: AppTest) -> dict[str, bool]:
    """Which write actions the page offers."""
    labels = {t.label for t in at.text_input} | {b.label for b in at.button}
    return {
        "upload": bool(at.get("file_uploader")),
        "link": "Add from a link" in labels,
        "feed": "Follow a feed" in labels,
        "delete": any(b.key and str(b.key).startswith("delete-") for b in at.button),
        "reingest": "Re-ingest" in labels,
    }


@pytest.mark.slow
def test_an_app_served_beyond_this_machine_is_read_only_without_a_token(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    from streamlit import config

    engine.ingest([ARTICLES])
    config.set_option("server.address", "0.0.0.0")
    at = open_app(engine, monkeypatch)
    assert not any(writes(at).values())
    assert any("Read-only" in i.value and "RAG_APP_TOKEN" in i.value for i in at.info)
    at.switch_page("app/library.py").run()
    assert (
        not at.exception
        and not any(writes(at).values())
        and "A Parigi nuove prove di sicurezza" in str([m.value for m in at.markdown])
    )
    at.switch_page("app/ask.py").run()
    at.chat_input[0].set_value("What did Meloni commit?").run()  # asking needs nothing
    assert not at.exception and "truppe" in html.unescape("\n".join(m.value for m in at.markdown))


def test_a_visitor_sees_no_path_on_the_server(engine: Engine, monkeypatch: pytest.MonkeyPatch):
    from streamlit import config

    engine.ingest([ARTICLES])
    config.set_option("server.address", "0.0.0.0")
    at = open_app(engine, monkeypatch)
    index = str(engine.settings.persist_dir.resolve())
    shown = [html.unescape(m.value) for m in at.markdown] + [str(m.proto.help) for m in at.markdown]
    assert f"Store: `{engine.settings.persist_dir.name}`" in "\n".join(shown) and not any(index in x for x in shown)
    at.switch_page("app/library.py").run()
    captions = [html.unescape(c.value) for c in at.caption] + [str(c.proto.help) for c in at.caption]
    assert any(f"{MELONI}.txt" in c for c in captions) and not any(str(ARTICLES) in c for c in captions)


@pytest.mark.slow
def test_with_a_token_every_write_waits_for_it_and_asking_does_not(engine: Engine, monkeypatch: pytest.MonkeyPatch):
    from streamlit import config

    engine.ingest([ARTICLES])
    config.set_option("server.address", "0.0.0.0")
    at = open_app(engine, monkeypatch, RAG_APP_TOKEN="s3cret-token")
    assert not any(writes(at).values())
    at.chat_input[0].set_value("What did Meloni commit?").run()
    assert "truppe" in "\n".join(m.value for m in at.markdown)

    next(t for t in at.text_input if t.label == "Editor token").set_value("wrong")
    next(b for b in at.button if b.label == "Unlock editing").click().run()
    assert any("not the editor token" in e.value for e in at.error) and not any(writes(at).values())
    at.switch_page("app/library.py").run()
    assert not any(writes(at).values())  # locked on every page

    next(t for t in at.text_input if t.label == "Editor token").set_value("s3cret-token")
    next(b for b in at.button if b.label == "Unlock editing").click().run()
    assert all(writes(at).values()), writes(at)
    at.button(key=f"delete-{MELONI}").click().run()
    assert html.unescape(at.success[0].value).startswith("Deleted A Parigi nuove prove di sicurezza")
    assert MELONI not in {a.doc_id for a in engine.articles()}


def test_the_bound_address_decides_without_a_token():
    from app.access import served_on_loopback

    assert [served_on_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "127.0.0.5")] == [True] * 4
    assert [served_on_loopback(a) for a in (None, "", "0.0.0.0", "::", "192.168.1.4", "news.example")] == [False] * 6


def test_no_page_shows_an_internal_id(engine: Engine, news_site: Any, monkeypatch: pytest.MonkeyPatch):
    engine.ingest([ARTICLES / f"{MELONI}.txt"])
    at = open_app(engine, monkeypatch, RAG_FETCH_ALLOW_PRIVATE="1")  # the test's news site is on 127.0.0.1
    assert add_link(at, f"{news_site.url}/esteri/tregua-energetica") == []
    linked = next(a for a in engine.articles() if a.source and a.source.startswith("http"))
    at.chat_input[0].set_value("Chi verificherà la tregua energetica?").run()
    seen = {"ask": visible(at)}
    for page in ("app/speakers.py", "app/library.py"):
        at.switch_page(page).run()
        seen[page] = visible(at)
    assert "tregua" in seen["ask"].lower() and linked.title in seen["app/library.py"], seen
    assert not [page for page, text in seen.items() if linked.doc_id in text], linked.doc_id


def visible(at: AppTest) -> str:
    """The text a reader sees on the page: every element's words, HTML tags and their attributes left out."""
    import re

    parts = [str(getattr(e, "value", "") or "") for e in at.main] + [
        str(getattr(e, "value", "") or "") for e in at.sidebar
    ]
    parts += [str(getattr(e, "label", "") or "") for e in [*at.main, *at.sidebar]]
    return html.unescape(re.sub(r"<[^>]*>", " ", "\n".join(parts)))
