"""Every quote of the index, by speaker and by article: built from the stored articles, saved per index generation."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from rag.answering.features import stems
from rag.news.quoting import build_speakers, extract
from rag.news.speakers import Speakers
from rag.search.dates import mentioned_date
from rag.types import Passage, Quote, TimelineEntry
from vectorstore.store import Record


class QuoteBook:
    """The quotes and speakers of an index."""

    def __init__(self, quotes: list[Quote], speakers: Speakers) -> None:
        self.quotes = quotes
        self.speakers = speakers
        self._by_doc: dict[str, list[Quote]] = defaultdict(list)
        for q in quotes:
            self._by_doc[q.doc_id].append(q)

    @classmethod
    def build(cls, documents: Iterable[Record]) -> QuoteBook:
        """Find speakers over all articles, then the quotes of each."""
        docs = list(documents)
        speakers = build_speakers(d.text for d in docs)
        quotes = [
            q
            for d in docs
            for q in extract(
                d.id, d.text, date=d.meta.get("date"), speakers=speakers, lang=str(d.meta.get("lang", "it"))
            )
        ]
        return cls(quotes, speakers)

    @classmethod
    def cached(cls, folder: Path, documents: Callable[[], Iterable[Record]]) -> QuoteBook:
        """Load the book saved in ``folder`` or build it from ``documents`` and save it."""
        path = folder / "quotes.json"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(path.read_text(encoding="utf-8"))
            speakers = Speakers(
                canonical=data["canonical"], roles={k: [set(r) for r in v] for k, v in data["roles"].items()}
            )
            return cls([Quote(**q) for q in data["quotes"]], speakers)
        book = cls.build(documents())
        with contextlib.suppress(OSError):  # an unwritable folder only costs the speed-up
            folder.mkdir(parents=True, exist_ok=True)
            roles = {k: [sorted(r) for r in v] for k, v in book.speakers.roles.items()}
            payload = {"canonical": book.speakers.canonical, "roles": roles, "quotes": [asdict(q) for q in book.quotes]}
            # Written aside then renamed: a reader never sees half a file (two builders may race).
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, path)
        return book

    def speaker(self, name: str) -> str | None:
        """The canonical speaker ``name`` means ("zelensky" -> "Volodymyr Zelensky"), or None."""
        return self.speakers.resolve_name(name)

    def by(self, speaker: str | None) -> list[Quote]:
        """Quotes of one speaker (any form of the name), or all; newest first, undated last."""
        who = self.speaker(speaker) if speaker else None
        if speaker and who is None:
            return []
        chosen = [q for q in self.quotes if who is None or q.speaker == who]
        return sorted(chosen, key=lambda q: (q.date or "", q.doc_id, -q.start), reverse=True)

    def within(self, doc_id: str, start: int, end: int) -> list[Quote]:
        """Quotes of an article that overlap ``start:end``."""
        return [q for q in self._by_doc.get(doc_id, []) if q.start < end and start < q.end]


def may_name(subject: str) -> bool:
    """Whether ``subject`` is short enough to be a person's name (up to three words)."""
    return len(subject.split()) <= 3


def timeline(subject: str, passages: list[Passage], book: QuoteBook) -> list[TimelineEntry]:
    """Dated statements on ``subject`` from ``passages``, oldest first (undated last).

    A person's name gives their quotes; any other subject the sentences of
    the passages that hold all its content words (by stem), as the quote
    they belong to when there is one.
    """
    who = book.speaker(subject) if may_name(subject) else None
    if who is not None:
        quotes = sorted(book.by(who), key=lambda q: (q.date is None, q.date or "", q.doc_id, q.start))
        return [TimelineEntry(q.date, q.speaker, q.text, q.doc_id, q.start, q.end, q.kind) for q in quotes]
    entries: dict[tuple[str, int], TimelineEntry] = {}
    for p in passages:
        wanted = stems(subject, p.language)
        for start, end, text in p.sentence_texts():
            if not wanted or not wanted <= stems(text, p.language):
                continue
            quote = next(iter(sorted(book.within(p.doc_id, start, end), key=lambda q: q.kind)), None)
            if quote is not None:
                entry = TimelineEntry(
                    quote.date, quote.speaker, quote.text, p.doc_id, quote.start, quote.end, quote.kind
                )
            else:
                dated = mentioned_date(text, base=p.date) or p.date
                entry = TimelineEntry(dated, None, text, p.doc_id, start, end, "report")
            entries.setdefault((entry.doc_id, entry.start), entry)
    return sorted(entries.values(), key=lambda e: (e.date is None, e.date or "", e.doc_id, e.start))
