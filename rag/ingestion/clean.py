"""Turn raw article text into clean text plus metadata (title, date, outlet, author).

Page furniture (share buttons, "SEGUICI SUI SOCIAL", "Leggi anche", menu words)
is dropped so it is never retrieved or cited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from rag.ingestion.dating import inferred_date
from rag.ingestion.load import RawText
from rag.text.calendar import month_names
from rag.text.language import detect
from rag.text.names import CAPITAL
from rag.types import Article

MONTHS = month_names("it", "en")  # "gennaio" and "january" -> 1
_MONTH_RE = "|".join(MONTHS)
_DATE_HEADER = re.compile(r"^\s*date[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)
_WORD_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\s+(\d{{4}})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "Roma, 20 gennaio 2026 –", "MILANO –": where and when a story was filed, before its first words.
_TITLE_DATELINE = re.compile(
    rf"^[{CAPITAL}][\w'’ .]{{1,30}}?,?\s*(?:\d{{1,2}}\s+(?:{_MONTH_RE})\s+\d{{4}})?\s*[-–—]\s+", re.IGNORECASE
)
_DATELINE = re.compile(r"^\(([A-Z][\w .&'-]{1,40})\)\s*[-–—]\s*")
_BYLINE = re.compile(rf"^di\s+([{CAPITAL}][\w'’-]+(?:\s+[{CAPITAL}][\w'’-]+){{0,3}})\s*(?:[-–—|,]|$)")
_COPYRIGHT = re.compile(r"^©\s*(?:copyright\s+)?(.+?)\s*$", re.IGNORECASE)
_SECTIONS = {"esteri", "politica", "cronaca", "economia", "world", "news", "mondo", "italia"}
# Lines that are never article text, whole-line matches, case-insensitive.
_FURNITURE = re.compile(
    r"^(?:leggi anche|riproduzione riservata|tag|tags|vedi anche|seguici sui social|"
    r"condividi|share|ora in|prima pagina|articoli|in evidenza|iscriviti.*|"
    r"lettura:?\s*\d+\s*min\w*|read(?:ing)? time:?.*|\d+\s*min(?:uti)? di lettura|"
    r"©.*|copyright.*|tutti i diritti riservati.*|all rights reserved.*|"
    r"\d{1,2}\s+(?:" + _MONTH_RE + r")\s+\d{4}\s*[|,-]\s*\d{1,2}[.:]\d{2})$",
    re.IGNORECASE,
)
_SOCIAL = {
    "threads", "whatsapp", "linkedin", "twitter", "youtube", "facebook", "instagram",
    "telegram", "x", "tiktok", "pinterest", "email", "e-mail", "share", "condividi",
}  # fmt: skip


def clean(raw: RawText, *, doc_id: str, source: str) -> Article:
    """Clean ``raw`` and extract its metadata.

    Args:
        raw: Text as read from the file, with markup metadata if any.
        doc_id: The article's id (the file stem).
        source: Where the article came from (its path).
    """
    text = unicodedata.normalize("NFC", raw.text).replace("\r\n", "\n").replace("\r", "\n")
    given = _iso(raw.date)
    # A file's own date that is today or later is when it was saved or exported, not when the story was
    # written: a date in its text (a dateline) wins, and the file's date stands only when there is none.
    date = given if given and not (raw.file_date and given >= dt.date.today().isoformat()) else None
    outlet, author = raw.outlet, raw.author

    header = _DATE_HEADER.match(text)
    if header:
        date = date or header.group(1)
        text = text[header.end() :]
        first, _, rest = text.partition("\n")
        if first.strip().lower() in _SECTIONS:
            text = rest

    paragraphs: list[str] = []
    page_of: list[int] = []  # each paragraph's page, for a text with page breaks (a PDF)
    page = 1
    for line in text.split("\n"):
        if line == "\f":
            page += 1
            continue
        line = " ".join(line.split())
        if not line:
            continue
        low = line.lower()
        if copyright := _COPYRIGHT.match(line):
            outlet = outlet or copyright.group(1)
        if _FURNITURE.match(line) or set(low.split()) <= _SOCIAL:
            if (found := _WORD_DATE.search(line)) and not date:
                date = _word_date(found)
            continue
        if dateline := _DATELINE.match(line):
            outlet = outlet or dateline.group(1).strip()
            line = line[dateline.end() :]
        if (byline := _BYLINE.match(line)) and len(line) < 80:
            author = author or byline.group(1)
            if (found := _WORD_DATE.search(line)) and not date:
                date = _word_date(found)
            continue
        paragraphs.append(line)
        page_of.append(page)

    kept = _drop_trailing_menu(_drop_repeated_title(paragraphs))
    body = "\n\n".join(kept)
    pages = _page_starts(paragraphs, page_of, kept, count=page) if raw.paged else ()
    if not date and (found := _WORD_DATE.search(body[:1000])):
        date = _word_date(found)
    date = date or given
    inferred = False
    if not date and (date := inferred_date(body)):
        inferred = True
    title = (raw.title or "").strip() or _guess_title(kept, doc_id)
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    return Article(
        doc_id=doc_id, text=body, source=source, title=title, date=date,
        outlet=outlet, author=author, content_hash=digest, language=detect(f"{title}\n{body}"),
        date_inferred=inferred, pages=pages, ocr_pages=raw.ocr_pages,
    )  # fmt: skip


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    m = _ISO_DATE.search(value)
    return m.group(0) if m else None


def _word_date(m: re.Match[str]) -> str:
    day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    return f"{year:04d}-{month:02d}-{day:02d}"


def _drop_repeated_title(paragraphs: list[str]) -> list[str]:
    # Sites repeat a truncated title ("… La bozza:") under the real one.
    if not paragraphs:
        return paragraphs
    head = paragraphs[0]
    return (
        [paragraphs[0]]
        + [p for p in paragraphs[1:6] if not (len(p) < len(head) and head.startswith(p))]
        + paragraphs[6:]
    )


def _drop_trailing_menu(paragraphs: list[str]) -> list[str]:
    # A run of short unpunctuated lines at the end is a menu, not prose.
    end = len(paragraphs)
    while (
        end > 1
        and len(paragraphs[end - 1].split()) <= 3
        and not paragraphs[end - 1].endswith((".", "!", "?", '"', "”", "»"))
    ):
        end -= 1
    return paragraphs[:end]


def _page_starts(paragraphs: list[str], page_of: list[int], kept: list[str], *, count: int) -> tuple[int, ...]:
    """Where each of ``count`` pages starts in the text joined from ``kept`` (a subsequence of ``paragraphs``)."""
    offsets: dict[int, int] = {}
    at, i = 0, 0
    for text, page in zip(paragraphs, page_of, strict=True):
        if i < len(kept) and kept[i] == text:
            offsets.setdefault(page, at)
            at += len(text) + 2
            i += 1
    starts, nxt = [], at
    for page in range(count, 0, -1):  # a page left with no text starts where the next one does
        nxt = offsets.get(page, nxt)
        starts.append(nxt)
    return tuple(reversed(starts))


def _guess_title(paragraphs: list[str], doc_id: str) -> str:
    """The first line when it reads as a headline, else its first sentence, cut at a clause.

    A headline is short and ends no clause half-way (a first line ending in a comma is a
    wrapped sentence); a dateline ("Roma, 20 gennaio 2026 –") is not part of the title.
    """
    if not paragraphs:
        return doc_id
    first = _TITLE_DATELINE.sub("", paragraphs[0]) or paragraphs[0]
    if len(first) <= 160 and not first.endswith((",", ";", "-", "–")):
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= 160:
        return sentence
    # The longest opening that ends where a clause does (before a comma, a bracket, a dash or a colon).
    ends = [m.start() for m in re.finditer(r"\s*(?:,|\s\(|\s[-–—]\s|:)", sentence[:161]) if m.start() >= 60]
    if ends:
        return sentence[: ends[-1]] + "…"
    return sentence[:157].rsplit(" ", 1)[0] + "…"
