"""Articles from the web: fetch a news page by its URL, safely, with the metadata it publishes.

The HTTP client is httpx (timeouts, a redirect limit, streaming). The article
body and most metadata (title, outlet, author, publication date, canonical
URL from ``<link rel=canonical>`` or Open Graph) come from trafilatura, as for
saved HTML files; the modification date from htmldate (``article:modified_time``,
JSON-LD and the other places it reads). Only ``http`` and ``https`` are fetched.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

from rag.errors import UnreadableArticle
from rag.ingestion.load import RawText, decode

if TYPE_CHECKING:
    import httpx

    from rag.ingestion.netguard import Guard, Resolver

USER_AGENT = "rag-news/1.0 (+https://github.com; question answering over news articles)"
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Page:
    """One fetched page: its final URL, the canonical URL it names, and its text with metadata."""

    url: str
    canonical: str
    raw: RawText
    updated: str | None = None  # the modification time it publishes, when later than its date


@dataclass(frozen=True)
class Response:
    """A fetched body with the headers a conditional request needs next time."""

    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


def is_url(text: str) -> bool:
    """Whether ``text`` names a URL (any scheme) rather than a file path."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", text)) and not re.match(r"^[A-Za-z]:[\\/]", text)


def web_link(text: str) -> str:
    """``text`` stripped, if it is an ``http(s)`` link: what a visitor of the app may hand in (never a path).

    Raises:
        UnreadableArticle: Anything else, with where a folder on the server is indexed instead.
    """
    link = text.strip()
    if not re.match(r"(?i)^https?://[^\s/]", link):
        raise UnreadableArticle(
            "links must start with http:// or https://; to index a folder on the server use `python -m rag ingest PATH`"
        )
    return link


def check_url(url: str) -> str:
    """``url`` without its fragment, if it can be fetched.

    Raises:
        UnreadableArticle: Not http(s), or no host.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (parses the port: "http://host:x/" raises here)
    except ValueError:
        raise UnreadableArticle("the link is not a valid URL; check it") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnreadableArticle(f"only http and https links are fetched, not {parts.scheme}:")
    if not parts.hostname:
        raise UnreadableArticle("the link has no host name; check the URL")
    url = urldefrag(url)[0]
    if re.fullmatch(r"[0-9.]+", parts.hostname) and not _dotted_quad(parts.hostname):
        # "0177.0.0.1", "127.1": an IP in a spelling httpx rejects but the system reads; written as the
        # system reads it, so the network guard sees (and names) the address it would reach.
        try:
            address = socket.inet_ntoa(socket.inet_aton(parts.hostname))
        except OSError:
            raise UnreadableArticle(f"{parts.hostname} is not a valid address; check the URL") from None
        url = url.replace(parts.hostname, address, 1)
    return url


def _dotted_quad(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def client(*, timeout: float, guard: Guard, resolve: Resolver | None = None) -> httpx.Client:
    """An HTTP client with our limits.

    Args:
        timeout: Seconds per step.
        guard: Which addresses it may connect to (:mod:`rag.ingestion.netguard`); checked on every
            connection, redirects included.
        resolve: Host names to addresses (the system's resolver; tests pass a stub).
    """
    import httpx

    from rag.ingestion.netguard import GuardedBackend, system_resolver

    transport = httpx.HTTPTransport()
    # httpx takes no network backend of its own; its pool makes every connection through this one. An
    # explicit transport also means no proxy from the environment: a proxy would hide the address checked.
    transport._pool._network_backend = GuardedBackend(guard, resolve=resolve or system_resolver)
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9"},
    )


def get(
    http: httpx.Client, url: str, *, max_bytes: int, etag: str | None = None, last_modified: str | None = None
) -> Response:
    """GET ``url`` (conditionally when ``etag``/``last_modified`` are given), reading at most ``max_bytes``.

    The cap counts decompressed bytes, so a small gzip bomb stops at the cap too.

    Raises:
        UnreadableArticle: Unreachable, timed out, an HTTP error, a redirect loop, or over the cap.
    """
    import httpx

    from rag.ingestion.netguard import PrivateAddress

    url = check_url(url)
    headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
    try:
        with http.stream("GET", url, headers=headers) as r:
            final = str(r.url)
            check_url(final)  # a redirect to another scheme is refused like a link to it
            if r.status_code == 304:
                return Response(final, 304, b"", "", etag, last_modified)
            if r.status_code >= 400:
                raise UnreadableArticle(f"the server answered {r.status_code} {r.reason_phrase}; check the link")
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise UnreadableArticle(_too_large(int(declared), max_bytes))
            body = bytearray()
            for piece in r.iter_bytes():
                body += piece
                if len(body) > max_bytes:
                    raise UnreadableArticle(_too_large(len(body), max_bytes))
            kind = r.headers.get("content-type", "").split(";")[0].strip().lower()
            etag, modified = r.headers.get("etag"), r.headers.get("last-modified")
            return Response(final, r.status_code, bytes(body), kind, etag, modified)
    except httpx.TooManyRedirects:
        raise UnreadableArticle(f"more than {MAX_REDIRECTS} redirects (a redirect loop?); check the link") from None
    except httpx.TimeoutException:
        waited = http.timeout.read or 0
        raise UnreadableArticle(f"no answer within {waited:g} s; try again later or raise RAG_FETCH_TIMEOUT") from None
    except httpx.UnsupportedProtocol:
        raise UnreadableArticle(
            "a redirect led off the web: only http and https links are fetched; check the link"
        ) from None
    except httpx.DecodingError:
        raise UnreadableArticle("the server sent a body that does not decompress; check the link") from None
    except (httpx.InvalidURL, ValueError):  # e.g. a host httpx's parser rejects ("1.2.3.4.5")
        raise UnreadableArticle("the link is not a valid URL; check it") from None
    except httpx.ConnectError as exc:
        if isinstance(exc.__cause__, PrivateAddress):
            raise UnreadableArticle(str(exc.__cause__)) from None
        raise UnreadableArticle(
            f"cannot reach the server ({type(exc).__name__}); check the link and the network"
        ) from None
    except httpx.HTTPError as exc:
        raise UnreadableArticle(
            f"cannot reach the server ({type(exc).__name__}); check the link and the network"
        ) from None


def fetch_page(http: httpx.Client, url: str, *, max_bytes: int, max_pages: int = 1000) -> Page:
    """Fetch a news page (or a PDF: a press release, an e-edition) and extract its article.

    Raises:
        UnreadableArticle: The fetch failed, or the answer is neither an HTML page nor a readable PDF.
    """
    response = get(http, url, max_bytes=max_bytes)
    if response.content_type == "application/pdf" or response.body.lstrip().startswith(b"%PDF"):
        from rag.ingestion.documents import read_document

        if not response.body.strip():
            raise UnreadableArticle("empty PDF")
        return Page(url=url, canonical=url, raw=read_document(response.body, ".pdf", max_pages=max_pages))
    if response.content_type and response.content_type not in HTML_TYPES:
        raise UnreadableArticle(f"not a web page ({response.content_type}); link to the article's HTML page")
    return parse_page(response.body, response.url)


MIN_WORDS = 5  # fewer words than this on a page are not an article


def parse_page(data: bytes, url: str) -> Page:
    """The article, its metadata and canonical URL from a page's bytes (``url`` is where it was fetched)."""
    import htmldate
    import trafilatura

    if not data.strip():
        raise UnreadableArticle("empty page")
    html = decode(data)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=False)
    text = getattr(doc, "text", None) if doc is not None else None
    # A menu or a cookie notice ("Home | Esteri") is what a page without an article leaves: no article.
    if not text or len(re.findall(r"\w+", text)) < MIN_WORDS:
        raise UnreadableArticle("no article text found on the page; link to the article itself")
    canonical = check_url(getattr(doc, "url", None) or url) if _fetchable(getattr(doc, "url", None)) else url
    date = getattr(doc, "date", None)
    modified = htmldate.find_date(html, original_date=False, outputformat="%Y-%m-%dT%H:%M:%S%z", url=url)
    published = htmldate.find_date(html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", url=url)
    updated = modified if modified and published and modified > published else None
    raw = RawText(
        text=text,
        title=getattr(doc, "title", None),
        date=date,
        author=getattr(doc, "author", None),
        outlet=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
    )
    return Page(url=url, canonical=canonical, raw=raw, updated=_readable(updated))


def doc_id_for(url: str) -> str:
    """A stable, readable id for the article at a canonical URL: its last path segment and a hash."""
    parts = urlsplit(url)
    segment = next((s for s in reversed(parts.path.split("/")) if s), parts.hostname or "page")
    slug = re.sub(r"[^a-z0-9]+", "-", segment.lower().rsplit(".", 1)[0]).strip("-")[:48] or "page"
    return f"{slug}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def _fetchable(url: str | None) -> bool:
    try:
        return bool(url) and bool(check_url(str(url)))
    except UnreadableArticle:
        return False


def _readable(stamp: str | None) -> str | None:
    # "2026-01-21T18:05:00+0100" -> "2026-01-21 18:05 +0100": what a citation card shows.
    if not stamp:
        return None
    m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}(.*)", stamp)
    return f"{m.group(1)} {m.group(2)} {m.group(3)}".strip() if m else stamp


def _too_large(size: int, cap: int) -> str:
    return f"the page is over {cap / 1e6:g} MB ({size / 1e6:.1f} MB so far); raise RAG_MAX_FILE_MB to fetch it"
