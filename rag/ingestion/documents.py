"""PDF and Word files as text, page by page, read in a child process with memory and time limits.

A PDF is read with pdfminer.six's layout analysis, which groups characters
into text boxes and orders them in reading order, a two-column page's left
column before its right. Within a box, a word hyphenated across lines is
joined. Lines that run at the top or bottom of most pages (a header, a
footer, a page number) are dropped. Pages are separated by a form feed, from
which cleaning records where each page starts (``Article.pages``). A page
with no text layer (a scan) is rendered by PDFium (pypdfium2) and read by
Debian's tesseract in Italian and English when it is installed (`make ocr`);
those pages are listed, so a citation says it quotes OCR text. A Word file
(``.docx``) gives its paragraphs, headings and tables as text, with
python-docx.

A hostile or broken file must not take the server down: parsing runs in a
child process whose address space and CPU time are capped, so a
decompression bomb or a parser loop ends that process with a one-line
reason, not the app.
"""

from __future__ import annotations

import io
import json
import re
import resource
import shutil
import subprocess
import sys
from collections import Counter
from typing import Any

from rag.errors import UnreadableArticle
from rag.ingestion.raw import RawText

MEMORY_BYTES = 2 * 1024**3  # the child's address space
CPU_SECONDS = 120
PAGE_BREAK = "\f"
_PAGE_NUMBER = re.compile(r"^(?:(?:pag(?:ina)?|page|p)\.?\s*)?\d{1,4}(?:\s*(?:/|di|of)\s*\d{1,4})?$", re.IGNORECASE)
OCR_HINT = "install OCR for scanned pages with `make ocr` (Debian's tesseract-ocr with Italian and English)"
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def read_document(data: bytes, suffix: str, *, max_pages: int) -> RawText:
    """The text of a ``.pdf`` or ``.docx`` file's bytes, parsed in a capped child process.

    Raises:
        UnreadableArticle: The file is encrypted, broken, too long, has no text, or is not what its name says.
    """
    try:
        done = subprocess.run(
            [sys.executable, "-m", "rag.ingestion.documents", suffix, str(max_pages)],
            input=data, capture_output=True, timeout=CPU_SECONDS * 2,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise UnreadableArticle(f"the {suffix} file took too long to read; check it opens, or split it") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        if reason and reason[-1].startswith("UnreadableArticle: "):
            raise UnreadableArticle(reason[-1].removeprefix("UnreadableArticle: "))
        raise UnreadableArticle(
            f"the {suffix} file could not be read within {MEMORY_BYTES // 1024**3} GB and {CPU_SECONDS} s "
            "(damaged, or a compression bomb); re-export it"
        )
    out = json.loads(done.stdout)
    return RawText(
        text=out["text"], title=out.get("title"), date=out.get("date"), author=out.get("author"),
        paged="ocr_pages" in out, ocr_pages=tuple(out.get("ocr_pages", ())), file_date=True,
    )  # fmt: skip


def _limits() -> None:
    # Set by the child on itself: a preexec_fn is unsafe in a threaded parent (the app's server).
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def pdf_text(data: bytes, *, max_pages: int) -> dict[str, Any]:
    """Pages of text in reading order, running headers and footers dropped, with the document's metadata."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    if not data.lstrip().startswith(b"%PDF"):
        raise UnreadableArticle("not a PDF (it does not start with %PDF); check the file")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = sum(1 for _ in PDFPage.create_pages(document))
        info = document.info[0] if document.info else {}
    except PDFPasswordIncorrect:
        raise UnreadableArticle("encrypted PDF that needs a password; save an unlocked copy and add that") from None
    except PDFEncryptionError as exc:
        raise UnreadableArticle(f"encrypted PDF this reader cannot open ({exc}); save an unlocked copy") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableArticle(f"damaged PDF ({type(exc).__name__}); re-export it or check it opens") from None
    if count == 0:
        raise UnreadableArticle("PDF with no pages; check the file")
    if count > max_pages:
        raise UnreadableArticle(f"PDF of {count} pages > {max_pages}; split it or raise RAG_MAX_PAGES")
    pages: list[list[str]] = []
    try:
        for layout in extract_pages(io.BytesIO(data), laparams=LAParams()):
            boxes = [_joined(el.get_text()) for el in layout if isinstance(el, LTTextContainer)]
            pages.append(_rejoined([b for b in boxes if b]))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise UnreadableArticle(f"damaged PDF ({type(exc).__name__}); re-export it or check it opens") from None
    scanned = [i for i, p in enumerate(pages) if not p]
    ocr = _ocr(data, scanned) if scanned and shutil.which("tesseract") else {}
    pages = _without_running_lines([ocr.get(i, p) for i, p in enumerate(pages)])
    if not any(pages):
        if ocr:
            raise UnreadableArticle(
                "PDF with no text layer, and OCR read no words on its pages (drawings, or blank scans)"
            )
        raise UnreadableArticle(f"PDF with no text layer (scanned pages?); {OCR_HINT}")
    return {
        "ocr_pages": sorted(i + 1 for i in ocr if ocr[i]),
        "text": f"\n{PAGE_BREAK}\n".join("\n".join(p) for p in pages),
        "title": _info(info, "Title"),
        "author": _info(info, "Author"),
        "date": _pdf_date(_info(info, "CreationDate")),
    }


def _ocr(data: bytes, indexes: list[int]) -> dict[int, list[str]]:
    """The paragraphs tesseract reads on each page in ``indexes`` (0-based), rendered at 300 dpi."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    out = {}
    for i in indexes:
        image = document[i].render(scale=300 / 72).to_pil()
        png = io.BytesIO()
        image.save(png, format="PNG")
        done = subprocess.run(
            ["tesseract", "-", "-", "-l", "ita+eng"], input=png.getvalue(), capture_output=True, timeout=CPU_SECONDS
        )
        text = done.stdout.decode(errors="replace") if done.returncode == 0 else ""
        out[i] = [b for b in (_joined(p) for p in re.split(r"\n\s*\n", text)) if b]
    return out


def _joined(box: str) -> str:
    """A text box's lines as one paragraph: a word hyphenated across a line break joined."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", box.strip())
    return " ".join(text.split())


def _rejoined(boxes: list[str]) -> list[str]:
    """Boxes that continue a sentence joined to it: a widely spaced paragraph comes out a box per line.

    A box continues the one before when that one ends mid-sentence (no full stop, colon or closing
    quote) and it starts in lower case; a word hyphenated across them is joined whole.
    """
    out: list[str] = []
    for box in boxes:
        if out and not _ENDS_SENTENCE.search(out[-1]) and box[:1].islower():
            out[-1] = out[-1][:-1] + box if out[-1].endswith("-") and out[-1][-2:-1].isalpha() else f"{out[-1]} {box}"
        else:
            out.append(box)
    return out


_ENDS_SENTENCE = re.compile(r"[.!?:;…\"”»)]$")


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and the first or last line that recurs on most pages (a running header or footer)."""
    pages = [[b for b in page if not _PAGE_NUMBER.match(b)] for page in pages]
    if len(pages) < 3:
        return pages
    edges = Counter(re.sub(r"\d+", "#", b) for page in pages for b in {*page[:1], *page[-1:]})
    running = {shape for shape, n in edges.items() if n >= max(3, len(pages) // 2)}
    return [[b for b in page if re.sub(r"\d+", "#", b) not in running] for page in pages]


def _info(info: dict[str, Any], key: str) -> str | None:
    value = info.get(key)
    if isinstance(value, bytes):
        if value.startswith(b"\xfe\xff"):
            value = value.decode("utf-16", errors="replace")
        else:
            value = value.decode("latin-1", errors="replace")
    return " ".join(str(value).split()) or None if value else None


def _pdf_date(value: str | None) -> str | None:
    m = _PDF_DATE.match(value or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def docx_text(data: bytes) -> dict[str, Any]:
    """Paragraphs (headings included) and tables, in document order, with the core properties."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableArticle(f"not a Word .docx file ({type(exc).__name__}); save it as .docx again") from None
    blocks: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text.strip():
                blocks.append(" ".join(text.split()))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in c.iter() if t.tag.endswith("}t")).strip()
                             for c in row if c.tag.endswith("}tc")]  # fmt: skip
                    if any(cells):
                        blocks.append(" | ".join(cells))
    if not blocks:
        raise UnreadableArticle("Word file with no text; check the file")
    props = doc.core_properties
    return {
        "text": "\n".join(blocks),
        "title": props.title or None,
        "author": props.author or None,
        "date": props.created.date().isoformat() if props.created else None,
    }


def main() -> int:
    """The child process: bytes on stdin, JSON on stdout, a ``UnreadableArticle:`` line on stderr."""
    _limits()
    suffix, max_pages = sys.argv[1], int(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        out = pdf_text(data, max_pages=max_pages) if suffix == ".pdf" else docx_text(data)
    except UnreadableArticle as exc:
        print(f"UnreadableArticle: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
