"""A small news site on 127.0.0.1 for the URL and feed tests: saved pages, feeds, and every bad source.

Pages live in ``tests/site/`` and ``docs/example-site/`` (written in the style of real news pages:
JSON-LD ``NewsArticle``, Open Graph tags, a cookie banner, related links). The
site answers conditional requests (ETag / If-None-Match) as real servers do,
and records every request so tests can count them. ``site.pages`` may be
changed while it runs: that is how a story is updated or a feed gains an item.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).parent / "site"
# The README's offline example pages (served there on this port), reused here under the test site's address.
EXAMPLE, EXAMPLE_BASE = Path(__file__).parent.parent / "docs" / "example-site", "http://127.0.0.1:8731"


@dataclass
class Route:
    """What the site answers at one path."""

    body: bytes = b""
    kind: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: bool = True


@dataclass
class Site:
    """The running site: its base URL, its routes, and the requests it has seen as ``(path, headers)``."""

    url: str
    pages: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def hits(self, path: str) -> list[dict[str, str]]:
        """The headers of every request made for ``path``."""
        return [h for p, h in self.requests if p == path]


def page(name: str, **replacements: str) -> Route:
    """A saved page from tests/site/, with ``{{key}}`` placeholders filled in."""
    text = (SITE / name).read_text(encoding="utf-8")
    for key, value in replacements.items():
        text = text.replace("{{" + key + "}}", value)
    return Route(text.encode("utf-8"))


def example(name: str, base: str) -> Route:
    """A page of docs/example-site/ as the site at ``base`` serves it (its canonical URL on that site)."""
    return Route((EXAMPLE / name).read_text(encoding="utf-8").replace(EXAMPLE_BASE, base).encode("utf-8"))


def start() -> tuple[Site, ThreadingHTTPServer]:
    """Start the site in a daemon thread on a free port."""
    site = Site(url="", pages={})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            route = site.pages.get(path)
            if route is None:
                self._send(404, b"<h1>Not found</h1>", "text/html", {})
                return
            if route.delay:
                time.sleep(route.delay)
            tag = f'"{hashlib.sha1(route.body).hexdigest()[:16]}"'
            if route.etag and route.status == 200 and self.headers.get("If-None-Match") == tag:
                self._send(304, b"", None, {"ETag": tag})
                return
            headers = {"ETag": tag, **route.headers} if route.etag and route.status == 200 else dict(route.headers)
            headers = {k: v.replace("{{url}}", site.url) for k, v in headers.items()}
            self._send(route.status, route.body, route.kind, headers)

        def _send(self, status: int, body: bytes, kind: str | None, headers: dict[str, str]) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client that stopped at its cap
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site, server


def gzip_bomb(size: int) -> Route:
    """A tiny gzip body that inflates to ``size`` bytes of spaces, labelled as HTML."""
    return Route(gzip.compress(b" " * size), headers={"Content-Encoding": "gzip"}, etag=False)


FIRST = "Un gruppo di osservatori dell'OSCE verificherà il rispetto dell'intesa con ispezioni settimanali."
SECOND = "Un gruppo di venti osservatori dell'OSCE verificherà il rispetto dell'intesa con ispezioni quotidiane."
PUBLISHED = "2026-01-20T08:30:00+01:00"


def atom(base: str, entries: list[tuple[str, str, str | None]]) -> Route:
    """An Atom feed of ``(title, updated, path or None for an item without a link)`` entries."""
    items = "".join(
        f"<entry><title>{title}</title><id>tag:cronache,2026:{title.replace(' ', '-')}</id><updated>{updated}</updated>"
        + (f'<link rel="alternate" href="{base}{path}"/>' if path else "")
        + "</entry>"
        for title, updated, path in entries
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Cronache dal Mondo - Esteri</title><id>tag:cronache,2026:esteri</id><updated>{PUBLISHED}</updated>"
        f'<link rel="self" href="{base}/esteri/feed.xml"/>{items}</feed>'
    )
    return Route(xml.encode("utf-8"), kind="application/atom+xml")


def news(site: Site) -> None:
    """The site's usual pages: the truce story (first version), its English counterpart, a feed of one story."""
    base = site.url
    site.pages.update(
        {
            "/esteri/tregua-energetica": page("tregua.html", site=base, modified=PUBLISHED, observers=FIRST),
            "/amp/tregua-energetica": page("tregua.html", site=base, modified=PUBLISHED, observers=FIRST),
            "/energy-truce.html": example("energy-truce.html", base),
            "/esteri/feed.xml": atom(base, [("Tregua energetica", PUBLISHED, "/esteri/tregua-energetica")]),
        }
    )


def update_story(site: Site) -> None:
    """The truce story rewritten the next day, and the feed announcing it with a new story and a link-less item."""
    base, modified = site.url, "2026-01-21T18:05:00+01:00"
    site.pages["/esteri/tregua-energetica"] = page("tregua.html", site=base, modified=modified, observers=SECOND)
    site.pages["/osservatori.html"] = example("osservatori.html", base)
    site.pages["/esteri/feed.xml"] = atom(
        base,
        [
            ("Tregua energetica", modified, "/esteri/tregua-energetica"),
            ("Arrivano gli osservatori", "2026-01-23T11:00:00+01:00", "/osservatori.html"),
            ("Diretta senza pagina", "2026-01-23T12:00:00+01:00", None),
        ],
    )
