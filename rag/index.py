"""One index: its store, embedder and derived indexes, and every change to it.

The write side of :class:`rag.api.Engine` (ingest, uploads, removal, the
embedding stage) and what reading needs to stay current (:meth:`Index.sync`).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import threading
from collections.abc import Iterator, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from rag.errors import ArticleNotFound, ConfigError
from rag.indexing import Progress, ingest_paths
from rag.lock import writer_lock
from rag.settings import Settings
from rag.types import ArticleInfo, EmbedStatus, IndexStats, IngestReport
from vectorstore.embeddings import Embedder, make_embedder
from vectorstore.store import ChromaStore


class Index:
    """One index with its embedder; heavy parts are built on first use and kept."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        if embedder is not None:
            self.__dict__["embedder"] = embedder
        if store is not None:
            self.__dict__["store"] = store
        self._write_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._counters: dict[str, int] | None = None
        self._background: Any = None
        self._vocabulary: Any = None
        self._quotebook: Any = None

    @cached_property
    def embedder(self) -> Embedder:
        """The configured embedding model (loaded lazily by itself)."""
        return make_embedder(self.settings.embedder)

    @cached_property
    def name_embedder(self) -> Embedder:
        """USE, for comparing two texts of the same kind: names, and a model's sentence with its source.

        Its cosines are calibrated for that (Paris/Parigi 0.91, Biden/Trump
        0.48; a paraphrase of a cited sentence >= 0.45), it embeds fast, and it
        loads only when needed: a question with a name the articles do not
        have as written, or a model's answer to verify.
        """
        from vectorstore.embeddings import UseMultilingual

        return self.embedder if self.embedder.name == UseMultilingual.name else UseMultilingual()

    @cached_property
    def store(self) -> ChromaStore:
        """The Chroma store the settings point at."""
        return ChromaStore(
            persist_dir=str(self.settings.persist_dir),
            chroma_url=self.settings.chroma_url,
            collection=self.settings.collection,
            embedder_name=self.embedder.name,
            timeout=self.settings.chroma_timeout,
        )

    @cached_property
    def retriever(self) -> Any:
        """Dense (and optionally lexical) retrieval over the store."""
        from rag.retrieval import Retriever

        return Retriever(
            store=self.store,
            embedder=self.embedder,
            lexical_weight=self.settings.lexical_weight,
            cross_lexical_weight=self.settings.cross_lexical_weight,
            cache_dir=self.derived_dir(),
        )

    def vocabulary(self) -> Any:
        """Names the corpus knows (built on first need, reset by ingest)."""
        if self._vocabulary is None:
            from rag.vocabulary import Vocabulary

            self._vocabulary = Vocabulary.cached(
                self.derived_dir() / "vocabulary", self.store.document_texts, embedder=self.name_embedder
            )
        return self._vocabulary

    def quotebook(self) -> Any:
        """Every quote and speaker of the index (built on first need, saved per index generation)."""
        if self._quotebook is None:
            from rag.quotebook import QuoteBook

            self._quotebook = QuoteBook.cached(self.derived_dir() / "quotes", self.store.iter_documents)
        return self._quotebook

    def derived_dir(self) -> Path:
        """Where indexes derived from this index generation (BM25, vocabulary) are saved.

        One folder per generation, so a process never loads another
        generation's; older folders are removed when a new one is made.
        """
        location = hashlib.sha1(self.settings.store_location.encode()).hexdigest()[:8]
        prefix = f"{self.settings.collection}-{location}-g"
        folder = self.settings.persist_dir / "derived" / f"{prefix}{self.store.generation()}"
        if not folder.exists():
            for old in folder.parent.glob(f"{prefix}*"):
                shutil.rmtree(old, ignore_errors=True)
        return folder

    def _refresh_derived(self) -> None:
        # The writer builds and saves BM25 and the vocabulary for the new
        # generation, so the next reader starts fast (62 s at 100k chunks).
        self._forget_derived()
        self._counters = self.store.counters()
        self.retriever.warm()
        self.vocabulary()

    def _forget_derived(self) -> None:
        for name in ("retriever", "answerer"):
            self.__dict__.pop(name, None)
        self._vocabulary = None
        self._quotebook = None

    def sync(self) -> None:
        """Open the index and pick up what another process wrote since we last looked.

        Called before every question: when the index generation moved (an
        ingest finished elsewhere), the store is reopened on a fresh client and
        the lexical index and vocabulary are rebuilt, so a running app sees new
        articles without a restart.
        """
        with self._sync_lock:
            self.store.open(create=False)
            counters = self.store.counters()
            if self._counters is not None and counters != self._counters:
                # New vectors alone need only the fresh client; the lexical index
                # and vocabulary of the same generation stay valid.
                self.__dict__["store"] = self.store.reopen()
                self.store.open(create=False)
                if counters.get("generation") != self._counters.get("generation"):
                    self._forget_derived()
                else:
                    self.__dict__.pop("answerer", None)
                    self.retriever.store = self.store
            self._counters = counters

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
            paths: Files and folders of .txt, .md and .html articles.
            prune: Remove documents whose files are gone from an ingested folder.
            reindex: Drop the index first (needed after changing the embedder).
            embed: Embed new articles' sentences before returning. With False
                they are searchable by keyword as soon as this returns, and
                :meth:`embed_pending` or :meth:`embed_in_background` adds
                their vectors (E5 embeds ~13 chunks/s; docs/BENCHMARKS.md).
            progress: Called as ``progress(done, total, doc_id)``.
        """
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
        from rag.load import SUFFIXES, safe_name

        safe = safe_name(name)
        if Path(safe).suffix.lower() not in SUFFIXES:
            raise ConfigError(f"{name}: unsupported file type; upload .txt, .md or .html articles.")
        if len(data) > self.settings.max_file_mb * 1e6:
            raise ConfigError(f"{name}: larger than {self.settings.max_file_mb:g} MB (RAG_MAX_FILE_MB).")
        folder = folder or (self.settings.persist_dir / "uploads")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        target.write_bytes(data)
        return self.ingest([target], embed=embed)

    def embed_pending(
        self, *, progress: Progress | None = None, stop: threading.Event | None = None, wait: float = 0.0
    ) -> int:
        """Embed the sentences of keyword-only articles; returns how many were finished.

        Args:
            progress: Called as ``progress(sentences_done, sentences_total, doc_id)``.
            stop: When set, stop after the current article (the rest stay keyword-only).
            wait: Seconds to wait for another process's ingest to release the writer lock.
        """
        from rag.vectors import embed_pending

        self.store.open(create=False)
        finished = embed_pending(
            store=self.store,
            embedder=self.embedder,
            guard=partial(self._writing, wait=wait),
            progress=progress,
            stop=stop,
        )
        with self._sync_lock:  # our own writes need no reopen (see sync)
            self._counters = self.store.counters()
        return finished

    def embed_in_background(self) -> threading.Thread:
        """Embed keyword-only articles in a daemon thread (one at a time); see :meth:`embed_status`."""
        from rag.vectors import Background

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

    @contextlib.contextmanager
    def _writing(self, wait: float = 0.0) -> Iterator[None]:
        with self._write_lock, writer_lock(self.settings.persist_dir, wait=wait):
            yield

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated ones last)."""
        self.sync()
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
            )
            for d, m in self.store.documents().items()
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
        source = Path(str(meta.get("source", "")))
        if not source.is_file():
            raise ArticleNotFound(f"the file of {doc_id!r} is gone ({source}); upload the article again.")
        with self._writing():
            # Marked pending, the document is purged and re-added from its file
            # by the same path that repairs an interrupted ingest.
            self.store.mark_pending(doc_id)
        return self.ingest([source])

    def document(self, doc_id: str) -> str | None:
        """The cleaned text of an indexed article (what citation spans index)."""
        self.sync()
        return self.store.document_text(doc_id)

    def stats(self) -> IndexStats:
        """What the index holds."""
        self.sync()
        docs = self.store.documents()
        dates = sorted(str(m["date"]) for m in docs.values() if m.get("date"))
        return IndexStats(
            documents=len(docs),
            chunks=self.store.count(),
            embedder=self.embedder.name,
            dimension=self.embedder.dimension,
            store=self.settings.store_location,
            outlets=tuple(sorted({str(m["outlet"]) for m in docs.values() if m.get("outlet")})),
            date_min=dates[0] if dates else None,
            date_max=dates[-1] if dates else None,
            titles={d: str(m.get("title", d)) for d, m in sorted(docs.items())},
            keyword_only=sum(1 for m in docs.values() if m.get("embedded") is False),
        )
