"""Typed results that cross module boundaries (how they read to people: rag/display.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The store's query type is part of the public vocabulary: rag.types.Filters stays where it was.
from rag.reports import ArticleInfo, EmbedStatus, FeedInfo, FeedReport, IndexStats, IngestReport, Skipped
from vectorstore.where import Filters

__all__ = [
    "Answer", "Article", "ArticleInfo", "Chunk", "Citation", "Claim", "Disagreement", "EmbedStatus", "FeedInfo",
    "FeedReport", "Filters", "IndexStats", "IngestReport", "Passage", "Quote", "Rendering", "Sentence", "Skipped",
    "TimelineEntry", "Where", "to_filters",
]  # fmt: skip


@dataclass(frozen=True)
class Article:
    """One loaded, cleaned article. Spans everywhere refer to ``text``."""

    doc_id: str
    text: str
    source: str
    title: str
    date: str | None = None
    outlet: str | None = None
    author: str | None = None
    content_hash: str = ""
    language: str = "it"  # detected from the text (rag/text/language.py)
    updated: str | None = None  # when a web page says it was modified after its date (rag/ingestion/web.py)
    date_inferred: bool = False  # ``date`` read from a weekday and a day in the text (rag/ingestion/dating.py)
    # Where each page starts in ``text`` (page 1 at 0), for an article read from a PDF; () otherwise.
    pages: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()  # pages (1-based) whose text is OCR of a scan, not the file's own


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """Consecutive whole sentences of one article, the unit of retrieval."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article's metadata and its score."""

    chunk_id: str
    doc_id: str
    text: str
    score: float
    title: str
    date: str | None
    source: str | None
    start: int
    end: int
    outlet: str | None = None
    author: str | None = None
    sentences: tuple[tuple[int, int], ...] = ()
    # Other articles carrying a near-copy of this passage (rag/search/copies.py), and those copies' chunk ids.
    duplicates: tuple[str, ...] = ()
    copies: tuple[str, ...] = ()
    language: str | None = None  # the article's, detected at ingest (rag/text/language.py)

    def sentence_texts(self) -> list[tuple[int, int, str]]:
        """The passage's sentences as ``(start, end, text)`` in article offsets."""
        return [(a, b, self.text[a - self.start : b - self.start]) for a, b in self.sentences]


@dataclass(frozen=True)
class Rendering:
    """A machine translation of a cited sentence into the question's language.

    ``withheld`` says why the rendering is not shown (it changed a number,
    lost a name, drifted in meaning); only a rendering with ``withheld`` None
    is shown, always labelled as a machine translation beside the verbatim
    sentence, whose span it leaves unchanged.
    """

    text: str
    language: str
    translator: str
    withheld: str | None = None

    @property
    def shown(self) -> bool:
        """True when the rendering passed the faithfulness check."""
        return self.withheld is None


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer.

    ``quote`` is the cited sentence and ``start:end`` its span in the cleaned
    article text; ``passage_start:passage_end`` is the chunk it was found in.
    For a question that asks for a number, a date, a person or a place,
    ``answer`` is the phrase of the quote that answers it and
    ``answer_start:answer_end`` its span in the article text.
    ``score`` is what ``score_kind`` says: for a sentence quoted by the
    extractive answerer, its ``relevance`` to the question (a verbatim quote
    needs no support score); for a language model's answer, the ``support``
    the cited sentence gives the model's sentence (cosine).
    """

    n: int
    doc_id: str
    title: str
    date: str | None
    source: str | None
    quote: str
    start: int
    end: int
    score: float
    outlet: str | None = None
    passage_start: int = 0
    passage_end: int = 0
    answer: str | None = None
    answer_start: int | None = None
    answer_end: int | None = None
    score_kind: str = "relevance"
    duplicates: tuple[str, ...] = ()  # doc ids of other articles that reprint the cited passage
    # The article's last update, and the cited sentence as the previous version had it when the update
    # changed it ("" when that version did not have it at all); see rag/news/versions.py.
    updated: str | None = None
    earlier: str | None = None
    earlier_as_of: str | None = None
    language: str | None = None  # the cited article's
    page: int | None = None  # the page of a PDF the quote starts on (1-based); None for other articles
    ocr: bool = False  # that page's text was read from a scan by OCR (its words may be misread)
    translation: Rendering | None = None  # into the question's language, when the article's differs

    @property
    def link(self) -> str | None:
        """The original's web address, for an article fetched by its URL (its canonical URL is its source)."""
        return self.source if self.source and self.source.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class Claim:
    """One sentence of an answer and how well its sources support it.

    ``citations`` are the valid ``[n]`` numbers it carries; ``support`` is the
    best cosine similarity between the sentence and a sentence of a cited
    passage (1.0 for a sentence copied from the article). A claim with no
    valid citation, or support below the threshold, is not ``supported``.
    ``sources`` are the independent reports behind it: each is the doc ids of
    one story's copies (a wire story reprinted by three outlets counts once).
    ``why`` says what a claim its sources do not support gets wrong, when it
    is a fact the check can name ("a number differs"). ``attributed`` is true
    when the model gave the sentence no source and the verifier found the
    passage that supports it.
    """

    text: str
    citations: tuple[int, ...]
    support: float
    supported: bool
    sources: tuple[tuple[str, ...], ...] = ()
    why: str | None = None
    attributed: bool = False
    # The sentence in the question's language: its quotes from articles in another language replaced by
    # their checked renderings (None when nothing was rendered); see rag/translation/rendering.py.
    rendered: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """Articles that give different numbers (a figure, a day of a date) for the same thing.

    ``figures`` pairs each version as written ("129", "130") with the
    citation number that gives it.
    """

    sentence: str
    figures: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Answer:
    """An answer whose sentences end with ``[n]`` markers into ``citations``.

    ``claims`` splits ``text`` into sentences with their support; ``fallback``
    is True when a language model failed and the extractive answer stands in,
    with ``notice`` saying why. ``disagreements`` are figures the cited
    articles give differently, each version cited.
    """

    question: str
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    passages: tuple[Passage, ...]
    language: str = "en"
    standalone_question: str | None = None
    mode: str = "extractive"
    notice: str | None = None
    claims: tuple[Claim, ...] = ()
    fallback: bool = False
    disagreements: tuple[Disagreement, ...] = ()
    # Set when sources in another language could be rendered but no translator is installed: how to turn it on.
    rendering_hint: str | None = None
    # ``text`` in the question's language: each quote from an article in another language replaced by its
    # checked rendering, the verbatim quote staying in ``citations``; None when nothing was rendered.
    rendered_text: str | None = None

    @property
    def unsupported(self) -> tuple[Claim, ...]:
        """The claims no passage supports."""
        return tuple(c for c in self.claims if not c.supported)


@dataclass(frozen=True)
class Status:
    """A step of answering under way, for a front end to show while the answer is made.

    ``step`` is ``searching`` (``count`` articles), ``reading`` (``count`` passages) or
    ``writing`` (a model writes the answer); ``language`` is the question's, for the words
    (``rag.api.say(f"status_{step}", language, count)``).
    """

    step: str
    count: int
    language: str


@dataclass(frozen=True)
class Quote:
    """Words an article attributes to someone, with an exact span into the cleaned article text.

    ``kind`` is ``"direct"`` (the quoted words, marks excluded) or
    ``"reported"`` (the sentence that reports them). ``speaker`` is the
    canonical name ("Volodymyr Zelensky"), None when the article does not
    say who; ``speaker_mention`` is the attribution as written ("il leader
    ucraino"). ``date`` is the date the sentence gives ("ieri") or the
    article's date.
    """

    speaker: str | None
    speaker_mention: str | None
    text: str
    kind: str
    doc_id: str
    date: str | None
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class TimelineEntry:
    """One dated statement about a subject (see ``rag.api.timeline``)."""

    date: str | None
    speaker: str | None
    text: str
    doc_id: str
    start: int
    end: int
    kind: str = "direct"


Where = Filters | Mapping[str, Any] | None


def to_filters(where: Where) -> Filters | None:
    """Accept :class:`Filters` or a dict with ``doc_id(s)``, ``outlet(s)``, ``date_from``, ``date_to``."""
    if where is None or isinstance(where, Filters):
        return where
    known = {"doc_id", "doc_ids", "outlet", "outlets", "date_from", "date_to"}
    unknown = set(where) - known
    if unknown:
        from rag.errors import ConfigError

        raise ConfigError(f"unknown filter {sorted(unknown)}; use {sorted(known)}.")

    def many(*keys: str) -> tuple[str, ...] | None:
        values: list[str] = []
        for key in keys:
            v = where.get(key)
            if v:
                values.extend([v] if isinstance(v, str) else list(v))
        return tuple(values) or None

    return Filters(
        doc_ids=many("doc_id", "doc_ids"),
        outlets=many("outlet", "outlets"),
        date_from=where.get("date_from") or None,
        date_to=where.get("date_to") or None,
    )
