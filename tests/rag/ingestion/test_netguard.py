"""Links, redirects and feed items never reach the server's own network unless allowed (rag/ingestion/netguard.py)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import UnreadableArticle
from rag.ingestion.netguard import Guard, why_private
from rag.ingestion.web import client, get
from rag.settings import Settings
from tests.news_site import Route, Site, atom
from vectorstore.embedders.factory import E5Small

REFUSED = "address of the server's own network"

# Every spelling of "this machine" and of its private network that a visitor could type (or a feed could list).
SPELLINGS = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://2130706433:{port}/",  # decimal
    "http://0x7f000001:{port}/",  # hex
    "http://0177.0.0.1:{port}/",  # octal
    "http://127.1:{port}/",  # short form
    "http://0x7f.1:{port}/",
    "http://127.0.0.2:{port}/",
    "http://0.0.0.0:{port}/",
    "http://[::1]:{port}/",
    "http://[0:0:0:0:0:0:0:1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]:{port}/",
    "http://[::]:{port}/",
    "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://224.0.0.1/",  # multicast
    "http://[fe80::1]/",  # link-local
    "http://[fd00::1]/",  # unique local
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 around 169.254.169.254
    "http://[::ffff:169.254.169.254]/",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_the_servers_own_network_is_refused(spelling: str, news_site: Site):
    port = news_site.url.rsplit(":", 1)[1]
    before = len(news_site.requests)
    with client(timeout=2, guard=Guard()) as http, pytest.raises(UnreadableArticle, match=REFUSED) as refused:
        get(http, spelling.format(port=port), max_bytes=10_000)
    assert "RAG_FETCH_ALLOW_PRIVATE=1" in str(refused.value)
    assert len(news_site.requests) == before  # refused before connecting: the site saw nothing


def test_a_public_name_that_resolves_to_a_private_address_is_refused():
    def resolve(host: str, port: int) -> list[str]:
        return {"news.example": ["10.1.2.3"], "mixed.example": ["93.184.216.34", "127.0.0.1"]}[host]

    with client(timeout=2, guard=Guard(), resolve=resolve) as http:
        with pytest.raises(UnreadableArticle, match=r"news\.example \(10\.1\.2\.3\) is a private address"):
            get(http, "http://news.example/article", max_bytes=10_000)
        with pytest.raises(UnreadableArticle, match=r"mixed\.example \(127\.0\.0\.1\) is a loopback address"):
            get(http, "https://mixed.example/article", max_bytes=10_000)  # one bad address refuses the name


def test_the_connection_goes_to_the_address_that_was_checked(news_site: Site):
    # A rebinding name: public-looking (allowed) at the check, private at any later lookup. The fetch works only
    # if the connection uses the checked address, since the system cannot resolve this name at all.
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    port = news_site.url.rsplit(":", 1)[1]
    news_site.pages["/hello"] = Route(b"<html><body><p>hello</p></body></html>")
    with client(timeout=2, guard=Guard(allow=("127.0.0.1/32",)), resolve=resolve) as http:
        response = get(http, f"http://rebind.example:{port}/hello", max_bytes=10_000)
    assert response.status == 200 and b"hello" in response.body and calls == ["rebind.example"]


def test_a_redirect_from_an_allowed_page_to_a_private_one_is_refused(news_site: Site):
    port = news_site.url.rsplit(":", 1)[1]
    for path, target in {
        "/to-meta": "http://169.254.169.254/latest/",
        "/to-self": f"http://localhost:{port}/x",
    }.items():
        news_site.pages[path] = Route(b"", status=302, headers={"Location": target}, etag=False)
        with (
            client(timeout=2, guard=Guard(allow=("127.0.0.1",))) as http,
            pytest.raises(UnreadableArticle, match=REFUSED),
        ):
            get(http, f"{news_site.url}{path}", max_bytes=10_000)
    assert not news_site.hits("/x")


def test_allowing_private_addresses_lifts_the_guard(news_site: Site):
    news_site.pages["/hello"] = Route(b"<html><body><p>hello</p></body></html>")
    port = news_site.url.rsplit(":", 1)[1]
    # "localhost" may resolve to ::1 as well as 127.0.0.1: the network case names the address itself.
    cases = [
        (Guard(allow_private=True), "localhost"),
        (Guard.parse(False, "localhost, 10.0.0.0/8"), "localhost"),
        (Guard.parse(False, "127.0.0.0/8"), "127.0.0.1"),
    ]
    for guard, host in cases:
        with client(timeout=2, guard=guard) as http:
            assert get(http, f"http://{host}:{port}/hello", max_bytes=10_000).status == 200
    assert Settings.from_env({"RAG_FETCH_ALLOW_PRIVATE": "1"}).fetch_allow_private is True


def test_what_counts_as_private():
    public = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
    assert [why_private(ipaddress.ip_address(a)) for a in public] == [None] * 4
    assert why_private(ipaddress.ip_address("127.0.0.1")) == "loopback"
    assert why_private(ipaddress.ip_address("169.254.169.254")) == "link-local"
    assert why_private(ipaddress.ip_address("::ffff:10.0.0.1")) == "private"


@pytest.mark.slow
def test_a_feed_whose_items_point_inside_the_network_ingests_none_of_them(
    news_site: Site, embedder: E5Small, tmp_path: Path
):
    port = news_site.url.rsplit(":", 1)[1]
    # The feed itself is on an allowed host; its items point at the machine and a metadata service.
    items = [("Secret", "2026-01-21T08:00:00+01:00", f"http://localhost:{port}/secret"),
             ("Meta", "2026-01-21T09:00:00+01:00", "http://169.254.169.254/latest/meta-data/")]  # fmt: skip
    news_site.pages["/inside.xml"] = atom("", items)  # "" + each item's absolute link
    news_site.pages["/secret"] = Route(b"<html><body><p>The vault code is 1234. " * 5 + b"</p></body></html>")
    engine = Engine(Settings(persist_dir=tmp_path / "idx", fetch_allow_hosts="127.0.0.1"), embedder=embedder)
    engine.ingest([Path(__file__).parents[3] / "data" / "articles"])
    before = {a.doc_id for a in engine.articles()}
    engine.add_feed(f"{news_site.url}/inside.xml")
    [report] = engine.refresh_feeds()
    assert report.problem is None and report.ingest is not None and not report.ingest.added
    assert len(report.ingest.skipped) == 2 and all(REFUSED in s.reason for s in report.ingest.skipped)
    assert not news_site.hits("/secret") and {a.doc_id for a in engine.articles()} == before
