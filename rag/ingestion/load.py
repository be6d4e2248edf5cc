"""Read article files (.txt, .md, .html, .pdf, .docx) into plain text, whatever their encoding."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rag.errors import UnreadableArticle
from rag.ingestion.raw import RawText

DOCUMENTS = (".pdf", ".docx")  # read by rag/ingestion/documents.py
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", *DOCUMENTS)
__all__ = [
    "DOCUMENTS",
    "SUFFIXES",
    "RawText",
    "decode",
    "find_files",
    "parse_bytes",
    "read_file",
    "safe_name",
]


def find_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Expand files and folders into article files.

    Yields ``(path, problem)``: ``problem`` is None for a file to load, or the
    reason a named path cannot be used (missing, unsupported type).
    """
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            yield path, "not found: check the path"
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and child.suffix.lower() in SUFFIXES and not hidden:
                    yield child, None
        elif path.suffix.lower() not in SUFFIXES:
            yield path, f"unsupported file type {path.suffix or '(none)'}; use .txt, .md, .html, .pdf or .docx"
        else:
            yield path, None


def read_file(path: Path, *, max_bytes: int, max_pages: int = 1000) -> RawText:
    """Read one article file as text (a PDF or Word file page by page: rag/ingestion/documents.py).

    Raises:
        UnreadableArticle: The file is empty, binary, too large or undecodable; a document is broken or too long.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableArticle(
            f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB); split it or raise RAG_MAX_FILE_MB"
        )
    data = path.read_bytes()
    if path.suffix.lower() in DOCUMENTS:
        if not data.strip():
            raise UnreadableArticle("empty file")
        from rag.ingestion.documents import read_document

        return read_document(data, path.suffix.lower(), max_pages=max_pages)
    return parse_bytes(data, path.suffix.lower())


def parse_bytes(data: bytes, suffix: str) -> RawText:
    """Decode ``data`` and extract its text according to ``suffix``."""
    if not data.strip():
        raise UnreadableArticle("empty file")
    text = decode(data)
    if suffix in (".html", ".htm"):
        return _from_html(text)
    if suffix in (".md", ".markdown"):
        return _from_markdown(text)
    return RawText(text=text)


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (or UTF-16 with a BOM), else as Windows-1252 / Latin-1.

    Articles that are not UTF-8 are almost always Western European legacy
    encodings; guessing among all code pages (charset detection) picked
    Central European ones for Italian text, so we do not guess.

    Raises:
        UnreadableArticle: The bytes look binary.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:8192]:
        raise UnreadableArticle("binary file (contains NUL bytes), not text")
    else:
        text = ""
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    sample = text[:8192]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    if controls > max(2, len(sample) * 0.01):
        raise UnreadableArticle("binary file (control characters), not text")
    return text


def _from_html(html: str) -> RawText:
    # trafilatura finds the article body and drops menus, scripts and styles.
    import trafilatura

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "nav", "footer"]):
            tag.decompose()
        text = soup.get_text("\n")
        title = soup.title.get_text(strip=True) if soup.title else None
        return RawText(text=text, title=title)
    return RawText(
        text=text,
        title=getattr(doc, "title", None),
        date=getattr(doc, "date", None),
        author=getattr(doc, "author", None),
        outlet=getattr(doc, "sitename", None),
    )


def _from_markdown(md: str) -> RawText:
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(md)
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find(["h1", "h2"])
    tags = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li"]
    # A <p> inside a list item is already part of the item's text.
    blocks = [" ".join(el.get_text().split()) for el in soup.find_all(tags) if not el.find_parent(["p", "li"])]
    text = "\n\n".join(b for b in blocks if b)
    return RawText(text=text, title=heading.get_text(" ", strip=True) if heading else None)


def safe_name(name: str) -> str:
    """An uploaded file's name with no directory part and only ``[A-Za-z0-9._-]``.

    ``../../etc/passwd`` becomes ``passwd``; a name left empty becomes ``upload.txt``.
    """
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(name.replace("\\", "/")).name).lstrip(".") or "upload.txt"
