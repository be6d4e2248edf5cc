"""RSS and Atom feeds: read one with a conditional request, and tell its new and changed items apart.

Parsing is feedparser's (RSS 0.9x/1.0/2.0, Atom, and the malformed feeds real
sites publish); fetching is ours (rag/ingestion/web.py), so a feed gets the
same timeouts, size cap and refusals as a page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rag.errors import UnreadableArticle
from rag.ingestion.web import HTML_TYPES, check_url, get
from vectorstore.history import Feed

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Item:
    """One feed entry: its id (guid, else link), link, and the stamp that changes when it is updated."""

    key: str
    link: str
    stamp: str
    title: str = ""


@dataclass(frozen=True)
class FeedRead:
    """What one fetch of a feed found: its state to store next, its items, and items it cannot use."""

    feed: Feed
    items: tuple[Item, ...] = ()
    problems: tuple[str, ...] = ()
    not_modified: bool = False


def read_feed(http: httpx.Client, feed: Feed, *, max_bytes: int) -> FeedRead:
    """Fetch ``feed`` (conditionally, with the ETag and Last-Modified of its last fetch) and list its items.

    Raises:
        UnreadableArticle: The feed cannot be fetched, or it is not RSS or Atom.
    """
    response = get(http, feed.url, max_bytes=max_bytes, etag=feed.etag, last_modified=feed.last_modified)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if response.status == 304:
        return FeedRead(replace(feed, refreshed_at=now), not_modified=True)
    parsed = parse_feed(response.body, kind=response.content_type)
    items, problems = [], []
    for entry in parsed.entries:
        title = str(entry.get("title") or "").strip()
        # feedparser falls back to the entry's id (often a tag: URI) when it has no link; only web links count.
        links = [str(x.get("href") or "") for x in entry.get("links", []) if x.get("rel", "alternate") == "alternate"]
        link = next((x for x in links if x.lower().startswith(("http://", "https://"))), "")
        if not link:
            problems.append(f"item {title or '(untitled)'!r} has no link; skipped")
            continue
        link = check_url(link)
        stamp = str(entry.get("updated") or entry.get("published") or "")
        items.append(Item(key=str(entry.get("id") or link), link=link, stamp=stamp, title=title))
    state = replace(
        feed,
        title=str(parsed.feed.get("title") or feed.title or "") or None,
        etag=response.etag,
        last_modified=response.last_modified,
        refreshed_at=now,
    )
    return FeedRead(state, tuple(items), tuple(problems))


def parse_feed(data: bytes, *, kind: str = "") -> Any:
    """``data`` parsed by feedparser.

    Raises:
        UnreadableArticle: It is not an RSS or Atom feed (an HTML page, another format, broken XML with no items).
    """
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.get("version") or parsed.entries:
        return parsed
    if kind in HTML_TYPES:
        raise UnreadableArticle(
            "this is a web page, not a feed; add it with `python -m rag ingest URL`, or give its RSS link"
        )
    shown = kind or "no content type"
    raise UnreadableArticle(f"not an RSS or Atom feed ({shown}); check the feed's address")


def changed(feed: Feed, items: tuple[Item, ...]) -> list[Item]:
    """The items that are new since the last refresh, or carry another stamp (updated)."""
    out, seen = [], set()
    for item in items:
        if item.key in seen:
            continue
        seen.add(item.key)
        if feed.items.get(item.key) != item.stamp:
            out.append(item)
    return out
