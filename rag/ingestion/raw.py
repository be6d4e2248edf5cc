"""What a reader of a file gives back: its text, or the reason it has none."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawText:
    """Text read from a file, before cleaning; ``title`` comes from markup."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    outlet: str | None = None
    paged: bool = False  # a PDF: pages are separated by a form-feed line
    ocr_pages: tuple[int, ...] = ()  # pages of a PDF read by OCR (1-based)
    file_date: bool = False  # ``date`` is the file's own (saved or exported), not the story's
