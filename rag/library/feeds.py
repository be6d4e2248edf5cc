"""Following RSS and Atom feeds: add, list, drop, and refresh (new and changed items ingested)."""

from __future__ import annotations

from dataclasses import replace

from rag.errors import ConfigError
from rag.index import Index
from rag.ingestion.indexing import Progress
from rag.library.articles import Articles
from rag.types import FeedInfo, FeedReport
from vectorstore import history


class Feeds:
    """The feeds an index follows."""

    def __init__(self, index: Index, *, articles: Articles) -> None:
        self.index = index
        self.articles = articles

    def add_feed(self, url: str) -> FeedInfo:
        """Follow an RSS or Atom feed (fetched once to check it; :meth:`refresh_feeds` ingests its items).

        Raises:
            UnreadableArticle: The link is not http(s), cannot be fetched, or is not a feed.
        """
        from rag.ingestion.feeds import read_feed
        from rag.ingestion.sources import fetch_client
        from rag.ingestion.web import check_url, web_link

        url = check_url(web_link(url))
        with fetch_client(self.index.settings) as http:
            read = read_feed(http, history.Feed(url), max_bytes=int(self.index.settings.max_file_mb * 1e6))
        with self.index.writing():
            self.index.store.open(create=True, dimension=self.index.embedder.dimension)
            # Not yet refreshed: its items are ingested by the first refresh.
            history.save_feed(self.index.store, history.Feed(url, title=read.feed.title))
        return FeedInfo(url, read.feed.title, None, 0)

    def feeds(self) -> list[FeedInfo]:
        """The followed feeds, in the order they were added."""
        if not self.index.store.exists():
            return []
        self.index.store.open(create=False)
        return [FeedInfo(f.url, f.title, f.refreshed_at, len(f.items)) for f in history.feeds(self.index.store)]

    def remove_feed(self, url: str) -> None:
        """Stop following a feed (its articles stay indexed).

        Raises:
            ConfigError: The feed is not followed.
        """
        with self.index.writing():
            self.index.store.open(create=False)
            if not history.drop_feed(self.index.store, url.strip()):
                raise ConfigError(f"not following {url}; `python -m rag feeds list` shows the feeds.")

    def refresh_feeds(self, *, progress: Progress | None = None) -> list[FeedReport]:
        """Fetch every followed feed and ingest its new and changed items; a feed that fails does not stop the rest."""
        from rag.errors import UnreadableArticle
        from rag.ingestion.feeds import changed, read_feed
        from rag.ingestion.sources import fetch_client

        reports = []
        self.index.store.open(create=False)
        followed = history.feeds(self.index.store)
        with fetch_client(self.index.settings) as http:
            for i, feed in enumerate(followed, 1):
                try:
                    read = read_feed(http, feed, max_bytes=int(self.index.settings.max_file_mb * 1e6))
                except UnreadableArticle as exc:
                    reports.append(FeedReport(feed.url, feed.title, problem=str(exc)))
                    continue
                todo = changed(feed, read.items)
                report = self.articles.ingest([item.link for item in todo]) if todo else None
                failed = {s.path for s in report.skipped if not s.reason.startswith("same ")} if report else set()
                # An item that failed is tried again next time; the rest are remembered with their stamp.
                seen = {**feed.items, **{it.key: it.stamp for it in todo if it.link not in failed}}
                with self.index.writing():
                    history.save_feed(self.index.store, replace(read.feed, items=seen))
                reports.append(
                    FeedReport(feed.url, read.feed.title, read.not_modified, len(todo), report, None, read.problems)
                )
                if progress:
                    progress(i, len(followed), feed.url)
        return reports
