"""Sentence vectors for keyword-only articles: in this process, in the background, or as one of several workers."""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import Any

from rag.index import Index
from rag.ingestion.indexing import Progress
from rag.types import EmbedStatus


class Embedding:
    """The second stage of an ingest: each article's sentence vectors, after its keyword entry."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._background: Any = None

    def busy(self) -> bool:
        """Whether a background pass is running."""
        return self._background is not None and self._background.running

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

        self.index.store.open(create=False)
        finished = embed_pending(
            store=self.index.store,
            embedder=self.index.embedder,
            guard=partial(self.index.writing, wait=wait),
            progress=progress,
            stop=stop,
            owner=owner,
            lease=self.index.settings.embed_lease,
            finished_ids=finished_ids,
        )
        self.index.saw_own_writes(vectors=bool(finished))  # our own writes need no reopen (see sync)
        # The articles are complete: build who-said-what now, not on the first
        # question (a worker leaves it to the processes that ask).
        if finished and owner is None:
            self.index.quotebook()
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
                progress=progress,
                stop=stop,
                wait=self.index.settings.embed_lease,
                owner=owner,
                finished_ids=finished_ids,
            )
            left = list(self.index.store.keyword_only())
            if not left:
                break
            # The rest are other workers' (or a dead one's, until its lease ends).
            pause = min(poll, claims.wait_for(self.index.store, left) or poll)
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
        self.index.sync()
        bg = self._background
        return EmbedStatus(
            keyword_only=len(self.index.store.keyword_only()),
            running=bool(bg and bg.running),
            done=bg.done if bg else 0,
            total=bg.total if bg else 0,
            error=bg.error if bg else None,
        )
