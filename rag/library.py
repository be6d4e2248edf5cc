"""Changing an index: ingest (in one or two stages), uploads, links and feeds, the article list, removal, re-ingest."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from rag.errors import ArticleNotFound, ConfigError
from rag.index import Index
from rag.ingestion.indexing import Progress, ingest_paths
from rag.ingestion.web import is_url
from rag.types import ArticleInfo, EmbedStatus, FeedInfo, FeedReport, IngestReport
from vectorstore import history


class Library(Index):
    """The write side of an index; :class:`rag.api.Engine` adds questions on top."""

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        prune: bool = False,
        reindex: bool = False,
        embed: bool = True,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Index the articles under ``paths`` (files or folders).

        Args:
            paths: Files and folders of .txt, .md and .html articles, and
                ``http(s)://`` links to news pages (fetched, with the metadata
                the page publishes; its canonical URL becomes its source).
            prune: Remove documents whose files are gone from an ingested folder.
            reindex: Drop the index first (needed after changing the embedder).
            embed: Embed new articles' sentences before returning. With False
                they are searchable by keyword as soon as this returns, and
                :meth:`embed_pending` or :meth:`embed_in_background` adds
                their vectors (E5 embeds ~13 chunks/s; docs/BENCHMARKS.md).
            progress: Called as ``progress(done, total, doc_id)``.
        """
        if self.settings.group_copies:  # the MinHash library loads while articles are read and stored
            threading.Thread(target=importlib.import_module, args=("datasketch",), daemon=True).start()
        with self._writing():
            if reindex:
                self.store.reset()
            report = ingest_paths(
                paths,
                settings=self.settings,
                embedder=self.embedder,
                store=self.store,
                prune=prune,
                vectors=embed,
                progress=progress,
            )
            if report.added or report.updated or report.removed or report.repaired:
                self._refresh_derived()
                if embed:  # who-said-what too (~11 s at 10k chunks); a keyword-only ingest leaves it to stage 2
                    self.quotebook()
            else:
                self._forget_derived()
                self._counters = self.store.counters()
        busy = self._background is not None and self._background.running
        if embed and not busy and self.store.keyword_only():  # left by an interrupted or deferred ingest
            self.embed_pending()
        return report

    def ingest_upload(self, name: str, data: bytes, *, folder: Path | None = None, embed: bool = True) -> IngestReport:
        """Save an uploaded article under a safe name and ingest it.

        The name loses any directory part (``../../etc/passwd`` becomes
        ``passwd``) and characters outside ``[A-Za-z0-9._-]``.

        Raises:
            ConfigError: unsupported type or too large, with the limit.
        """
        from rag.ingestion.load import SUFFIXES, safe_name

        safe = safe_name(name)
        if Path(safe).suffix.lower() not in SUFFIXES:
            raise ConfigError(f"{name}: unsupported file type; upload .txt, .md, .html, .pdf or .docx articles.")
        if len(data) > self.settings.max_file_mb * 1e6:
            raise ConfigError(f"{name}: larger than {self.settings.max_file_mb:g} MB (RAG_MAX_FILE_MB).")
        folder = folder or (self.settings.persist_dir / "uploads")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        target.write_bytes(data)
        return self.ingest([target], embed=embed)

    def ingest_link(self, link: str, *, embed: bool = True) -> IngestReport:
        """Fetch a web page a visitor gave and ingest it: an ``http(s)`` link only, never a path on this machine.

        The app's link box calls this, not :meth:`ingest` (which reads local files and folders for the
        machine's own user, from the CLI and the Python API).

        Raises:
            ConfigError: Not an http(s) link.
        """
        from rag.ingestion.load import LoadError
        from rag.ingestion.web import web_link

        try:
            link = web_link(link)
        except LoadError as exc:
            raise ConfigError(str(exc)) from None
        return self.ingest([link], embed=embed)

    def embed_pending(
        self,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
        wait: float = 0.0,
        owner: str | None = None,
        finished_ids: list[str] | None = None,
    ) -> int:
        """Embed the sentences of keyword-only articles; returns how many were finished.

        Args:
            progress: Called as ``progress(sentences_done, sentences_total, doc_id)``.
            stop: When set, stop after the current article (the rest stay keyword-only).
            wait: Seconds to wait for another process's ingest to release the writer lock.
            owner: As one of several workers (:meth:`embed_as_worker`): claim each
                article first and leave those another worker holds.
            finished_ids: Gets the id of every article this pass finished.
        """
        from rag.ingestion.vectors import embed_pending

        self.store.open(create=False)
        finished = embed_pending(
            store=self.store,
            embedder=self.embedder,
            guard=partial(self._writing, wait=wait),
            progress=progress,
            stop=stop,
            owner=owner,
            lease=self.settings.embed_lease,
            finished_ids=finished_ids,
        )
        with self._sync_lock:  # our own writes need no reopen (see sync)
            self._counters = self.store.counters()
            if finished and "retriever" in self.__dict__:
                self.retriever.forget_vectors()  # sync will not see our own counter move
        # The articles are complete: build who-said-what now, not on the first
        # question (a worker leaves it to the processes that ask).
        if finished and owner is None:
            self.quotebook()
        return finished

    def embed_as_worker(
        self,
        owner: str,
        *,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
        finished_ids: list[str] | None = None,
        poll: float = 2.0,
    ) -> int:
        """One of several embedding workers: embed keyword-only articles until none is left.

        Each article is claimed for ``owner`` first (``vectorstore/claims.py``),
        so workers in other processes or on other machines sharing the index
        (a Chroma server) never take the same one; an article whose worker died
        is taken once its claim's lease (``RAG_EMBED_LEASE``) has run out.

        Returns:
            How many articles this worker finished (their ids go to ``finished_ids``).
        """
        from vectorstore import claims

        finished = 0
        while stop is None or not stop.is_set():
            finished += self.embed_pending(
                progress=progress, stop=stop, wait=self.settings.embed_lease, owner=owner, finished_ids=finished_ids
            )
            left = list(self.store.keyword_only())
            if not left:
                break
            # The rest are other workers' (or a dead one's, until its lease ends).
            pause = min(poll, claims.wait_for(self.store, left) or poll)
            if stop is not None:
                stop.wait(pause)
            else:
                time.sleep(pause)
        return finished

    def embed_in_background(self) -> threading.Thread:
        """Embed keyword-only articles in a daemon thread (one at a time); see :meth:`embed_status`."""
        from rag.ingestion.vectors import Background

        if self._background is None:
            # A background pass waits for another process's ingest rather than fail.
            self._background = Background(
                lambda progress, stop: self.embed_pending(progress=progress, stop=stop, wait=3600.0)
            )
        thread: threading.Thread = self._background.start()
        return thread

    def embed_status(self) -> EmbedStatus:
        """How many articles are keyword-only, and the background pass's progress."""
        self.sync()
        bg = self._background
        return EmbedStatus(
            keyword_only=len(self.store.keyword_only()),
            running=bool(bg and bg.running),
            done=bg.done if bg else 0,
            total=bg.total if bg else 0,
            error=bg.error if bg else None,
        )

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated ones last)."""
        self.sync()
        docs_meta = self.store.documents()
        older = history.versions(self.store, list(docs_meta))
        docs = [
            ArticleInfo(
                doc_id=d,
                title=str(m.get("title") or d),
                date=m.get("date"),
                outlet=m.get("outlet"),
                author=m.get("author"),
                source=m.get("source"),
                passages=int(m.get("chunks", 0)),
                indexed_at=m.get("indexed_at"),
                keyword_only=m.get("embedded") is False,
                updated=m.get("updated"),
                versions=len(older.get(d, ())),
                date_inferred=bool(m.get("date_inferred")),
            )
            for d, m in docs_meta.items()
        ]
        return sorted(docs, key=lambda a: (a.date or "", a.title), reverse=True)

    def remove(self, doc_ids: Sequence[str]) -> tuple[str, ...]:
        """Take articles out of the index: record, passages, sentence vectors, and their part of BM25.

        A running app sees the change on its next question. An uploaded
        article's saved copy is deleted too; a file elsewhere stays where it is
        (an ingest of its folder adds it back).

        Raises:
            ArticleNotFound: an id is not indexed (nothing is removed then).
        """
        with self._writing():
            self.store.open(create=False)
            known = self.store.documents(list(doc_ids))
            unknown = [d for d in doc_ids if d not in known]
            if unknown:
                raise ArticleNotFound(
                    f"no article {', '.join(map(repr, unknown))} in the index; `python -m rag stats` lists them."
                )
            uploads = (self.settings.persist_dir / "uploads").resolve()
            for doc_id, meta in known.items():
                self.store.mark_pending(doc_id)  # a crash half-way is finished by the next ingest
                self.store.purge_document(doc_id)
                history.drop_versions(self.store, doc_id)
                source = Path(str(meta.get("source", "")))
                if source.is_relative_to(uploads):
                    source.unlink(missing_ok=True)
            self.store.bump_generation()
            self._refresh_derived()
        return tuple(known)

    def reingest(self, doc_id: str) -> IngestReport:
        """Read an article again from its file and index it afresh (after the file or the cleaning changed).

        Raises:
            ArticleNotFound: not indexed, or its file is gone (the indexed version is kept).
        """
        self.sync()
        meta = self.store.documents([doc_id]).get(doc_id)
        if meta is None:
            raise ArticleNotFound(f"no article {doc_id!r} in the index; `python -m rag stats` lists them.")
        if is_url(str(meta.get("source", ""))):  # fetched again: a changed page becomes a new version
            return self.ingest([str(meta["source"])])
        source = Path(str(meta.get("source", "")))
        if not source.is_file():
            raise ArticleNotFound(f"the file of {doc_id!r} is gone ({source}); upload the article again.")
        with self._writing():
            # Marked pending, the document is purged and re-added from its file
            # by the same path that repairs an interrupted ingest.
            self.store.mark_pending(doc_id)
        return self.ingest([source])

    # ----- feeds -----
    def add_feed(self, url: str) -> FeedInfo:
        """Follow an RSS or Atom feed (fetched once to check it; :meth:`refresh_feeds` ingests its items).

        Raises:
            ConfigError: The link is not http(s), cannot be fetched, or is not a feed.
        """
        from rag.ingestion.feeds import read_feed
        from rag.ingestion.load import LoadError
        from rag.ingestion.sources import fetch_client
        from rag.ingestion.web import check_url, web_link

        try:
            url = check_url(web_link(url))
            with fetch_client(self.settings) as http:
                read = read_feed(http, history.Feed(url), max_bytes=int(self.settings.max_file_mb * 1e6))
        except LoadError as exc:
            raise ConfigError(f"{url}: {exc}") from None
        with self._writing():
            self.store.open(create=True, dimension=self.embedder.dimension)
            # Not yet refreshed: its items are ingested by the first refresh.
            history.save_feed(self.store, history.Feed(url, title=read.feed.title))
        return FeedInfo(url, read.feed.title, None, 0)

    def feeds(self) -> list[FeedInfo]:
        """The followed feeds, in the order they were added."""
        if not self.store.exists():
            return []
        self.store.open(create=False)
        return [FeedInfo(f.url, f.title, f.refreshed_at, len(f.items)) for f in history.feeds(self.store)]

    def remove_feed(self, url: str) -> None:
        """Stop following a feed (its articles stay indexed).

        Raises:
            ConfigError: The feed is not followed.
        """
        with self._writing():
            self.store.open(create=False)
            if not history.drop_feed(self.store, url.strip()):
                raise ConfigError(f"not following {url}; `python -m rag feeds list` shows the feeds.")

    def refresh_feeds(self, *, progress: Progress | None = None) -> list[FeedReport]:
        """Fetch every followed feed and ingest its new and changed items; a feed that fails does not stop the rest."""
        from rag.ingestion.feeds import changed, read_feed
        from rag.ingestion.load import LoadError
        from rag.ingestion.sources import fetch_client

        reports = []
        self.store.open(create=False)
        followed = history.feeds(self.store)
        with fetch_client(self.settings) as http:
            for i, feed in enumerate(followed, 1):
                try:
                    read = read_feed(http, feed, max_bytes=int(self.settings.max_file_mb * 1e6))
                except LoadError as exc:
                    reports.append(FeedReport(feed.url, feed.title, problem=str(exc)))
                    continue
                todo = changed(feed, read.items)
                report = self.ingest([item.link for item in todo]) if todo else None
                failed = {s.path for s in report.skipped if not s.reason.startswith("same ")} if report else set()
                # An item that failed is tried again next time; the rest are remembered with their stamp.
                seen = {**feed.items, **{it.key: it.stamp for it in todo if it.link not in failed}}
                with self._writing():
                    history.save_feed(self.store, replace(read.feed, items=seen))
                reports.append(
                    FeedReport(feed.url, read.feed.title, read.not_modified, len(todo), report, None, read.problems)
                )
                if progress:
                    progress(i, len(followed), feed.url)
        return reports
