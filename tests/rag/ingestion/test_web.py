"""Fetching news pages: metadata from a real page over HTTP, and a one-line reason for every bad source."""

from __future__ import annotations

import pytest

from rag.ingestion.sources import read_links
from rag.ingestion.web import doc_id_for, is_url
from rag.settings import Settings
from tests.conftest import free_port
from tests.news_site import FIRST, Route, Site, gzip_bomb


def read(site_or_links: list[str], **settings: object) -> list[tuple[str, object, str | None]]:
    settings = {"fetch_allow_hosts": "127.0.0.1", **settings}  # the test site; netguard tests refuse it
    return list(read_links(site_or_links, settings=Settings(**settings), timings={"load": 0.0}))  # type: ignore[arg-type]


def test_a_news_page_becomes_an_article_with_the_metadata_it_publishes(news_site: Site):
    [(_, article, problem)] = read([f"{news_site.url}/amp/tregua-energetica"])
    assert problem is None and article is not None
    canonical = f"{news_site.url}/esteri/tregua-energetica"
    # The canonical URL, not the address it was fetched from, is the article's identity.
    assert article.source == canonical and article.doc_id == doc_id_for(canonical)
    assert article.doc_id.startswith("tregua-energetica-")
    assert article.title == "Kiev e Mosca, tregua energetica di trenta giorni"
    assert (article.date, article.outlet, article.author) == ("2026-01-20", "Cronache dal Mondo", "Laura Bianchi")
    assert article.language == "it" and article.updated is None  # modified = published: not an update
    assert FIRST in article.text
    # The page's furniture stays out of the article.
    for furniture in ("cookie", "Leggi anche", "Borsa", "P.IVA", "Home"):
        assert furniture not in article.text


def test_an_english_page_is_read_as_english(news_site: Site):
    [(_, article, _)] = read([f"{news_site.url}/energy-truce.html"])
    assert article is not None and article.language == "en" and article.outlet == "World Dispatch"
    assert "Accept all" not in article.text and "Markets rally" not in article.text


def test_every_bad_source_gets_a_one_line_reason(news_site: Site):
    base = news_site.url
    news_site.pages.update(
        {
            "/error": Route(b"<h1>oops</h1>", status=500),
            "/loop": Route(b"", status=302, headers={"Location": "{{url}}/loop"}, etag=False),
            "/report.pdf": Route(b"%PDF-1.7\n\x00\x01\x02binary", kind="application/pdf"),
            "/photo.jpg": Route(b"\xff\xd8\xff\xe0 jpeg", kind="image/jpeg"),
            "/big": Route(b"<html><body><p>" + b"parola " * 40_000 + b"</p></body></html>"),
            "/bomb": gzip_bomb(50_000_000),
            "/slow": Route(b"<html><body><p>late</p></body></html>", delay=3.0),
            "/furniture": Route(b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>"),
            "/to-file": Route(b"", status=302, headers={"Location": "file:///etc/passwd"}, etag=False),
        }
    )
    cases = {
        f"{base}/missing": "404",
        f"{base}/error": "500",
        f"{base}/loop": "redirect",
        f"{base}/report.pdf": "damaged PDF",
        f"{base}/photo.jpg": "not a web page (image/jpeg)",
        f"{base}/big": "over 0.1 MB",
        f"{base}/bomb": "over 0.1 MB",
        f"{base}/slow": "no answer within 1 s",
        f"{base}/furniture": "no article text",
        f"http://127.0.0.1:{free_port()}/gone": "cannot reach the server",
        "file:///etc/passwd": "only http and https",
        "ftp://example.org/a.html": "only http and https",
        "http:///no-host": "no host",
    }
    got = {link: problem for link, article, problem in read(list(cases), max_file_mb=0.1, fetch_timeout=1.0)}
    for link, expected in cases.items():
        problem = got[link]
        assert problem and expected in problem and "\n" not in problem, (link, problem)
        assert problem.split(";")[-1].strip(), problem  # each names what to do
    # A redirect to a file: URL is refused like a link to one.
    assert "only http and https" in str(dict((k, p) for k, _, p in read([f"{base}/to-file"]))[f"{base}/to-file"])


@pytest.mark.parametrize(
    ("text", "url"),
    [("https://a.example/x", True), ("file:///etc/passwd", True), ("data/articles", False), ("C:\\news\\a.txt", False)],
)
def test_links_are_told_from_paths(text: str, url: bool):
    assert is_url(text) is url
