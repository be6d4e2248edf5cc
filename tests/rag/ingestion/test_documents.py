"""PDF and Word files: text in reading order, pages cited, metadata, and every bad file a clear line.

Every file is generated here (fpdf2, python-docx), never fetched.
"""

from __future__ import annotations

import datetime
import io
import zipfile
import zlib
from pathlib import Path

import pytest

from rag.api import Engine
from rag.errors import UnreadableArticle
from rag.ingestion.clean import clean
from rag.ingestion.load import read_file

RELEASE_PAGES = (
    "La Regione annuncia un piano per le scuole. Il piano prevede nuove aule in dieci comuni.",
    "Il bilancio del piano scolastico è di 42 milioni di euro, stanziati per il triennio 2026-2028.",
)


def pdf(
    pages: list[list[str]],
    *,
    title: str | None = None,
    header: str | None = None,
    owner_password: str | None = None,
    user_password: str | None = None,
) -> bytes:
    """A PDF whose pages hold ``pages``' paragraphs, a running header and page numbers if asked."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("Helvetica", size=12)
    if title:
        doc.set_title(title)
        doc.set_author("Ufficio stampa")
        doc.set_creation_date(datetime.datetime(2026, 1, 6, 10, 0, tzinfo=datetime.UTC))
    if owner_password:
        doc.set_encryption(owner_password=owner_password, user_password=user_password)
    for i, paragraphs in enumerate(pages, 1):
        doc.add_page()
        if header:
            doc.cell(0, 10, header, new_x="LMARGIN", new_y="NEXT")
            doc.ln(8)
        for paragraph in paragraphs:
            doc.multi_cell(0, 8, paragraph, new_x="LMARGIN", new_y="NEXT")
            doc.ln(6)
        if header:  # the page number in the footer, without spilling onto a new page
            doc.set_auto_page_break(False)
            doc.set_y(-20)
            doc.cell(0, 10, str(i), align="C")
            doc.set_auto_page_break(True, margin=20)
    return bytes(doc.output())


LEFT = "Prima colonna: il sindaco ha aperto la seduta e ha letto il bilancio del comune"
RIGHT = "Seconda colonna: il consiglio ha votato la proposta con ampia maggioranza"


def two_columns() -> bytes:
    """One page with two columns typeset row by row, so the file's own order interleaves them."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("Helvetica", size=11)
    doc.add_page()
    left, right = LEFT.split(), RIGHT.split()
    for row in range(4):  # pypdf and PDFium read this left, right, left, right...
        doc.text(10, 20 + row * 5.5, " ".join(left[row * 4 : row * 4 + 4]))
        doc.text(110, 20 + row * 5.5, " ".join(right[row * 3 : row * 3 + 3]))
    return bytes(doc.output())


def docx(heading: str, paragraph: str, rows: list[list[str]]) -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.title = heading
    doc.add_heading(heading, level=1)
    doc.add_paragraph(paragraph)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def test_a_press_release_pdf_keeps_its_pages_metadata_and_drops_running_lines(tmp_path: Path):
    pages = [[RELEASE_PAGES[0]], [RELEASE_PAGES[1]], ["Per informazioni: ufficio stampa della Regione."]]
    path = write(tmp_path, "comunicato.pdf", pdf(pages, title="Piano scuole 2026", header="COMUNICATO STAMPA"))
    article = clean(read_file(path, max_bytes=10**7), doc_id="comunicato", source=str(path))
    assert (article.title, article.date, article.author) == ("Piano scuole 2026", "2026-01-06", "Ufficio stampa")
    assert "COMUNICATO STAMPA" not in article.text  # the running header, on every page
    assert len(article.pages) == 3 and article.pages[0] == 0
    second = article.text[article.pages[1] : article.pages[2]]
    assert "42 milioni" in second and "42 milioni" not in article.text[: article.pages[1]]


DATELINED = (
    "Roma, 20 gennaio 2026 - La Regione ha approvato oggi il nuovo piano per le scuole del territorio, che "
    "prevede la costruzione di nuove aule in dieci comuni e un programma di manutenzione straordinaria degli "
    "edifici scolastici esistenti, con particolare attenzione alla sicurezza sismica e all'efficienza energetica.",
    "Il bilancio complessivo del piano è di 42 milioni di euro, stanziati per il triennio 2026-2028 e ripartiti "
    "tra le province in base al numero di studenti.",
)


def spaced(paragraphs: tuple[str, ...]) -> bytes:
    """A PDF typeset with wide line spacing (a line per text box to pdfminer) and no date of its own but today."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("Helvetica", size=12)
    doc.add_page()
    for paragraph in paragraphs:
        doc.multi_cell(0, 16, paragraph, new_x="LMARGIN", new_y="NEXT")
        doc.ln(6)
    return bytes(doc.output())


def test_a_widely_spaced_release_reads_whole_sentences_its_dateline_date_and_a_title(tmp_path: Path):
    path = write(tmp_path, "comunicato.pdf", spaced(DATELINED))
    raw = read_file(path, max_bytes=10**7)
    assert raw.date == datetime.date.today().isoformat() and raw.file_date  # fpdf2 stamps the file with today
    article = clean(raw, doc_id="comunicato", source=str(path))
    assert article.text.split("\n\n") == list(DATELINED)  # the line wraps joined, the paragraphs kept
    assert article.date == "2026-01-20"  # the dateline's, not the day the file was made
    assert article.title == "La Regione ha approvato oggi il nuovo piano per le scuole del territorio…"


def test_a_two_column_page_is_read_left_column_first(tmp_path: Path):
    path = write(tmp_path, "colonne.pdf", two_columns())
    text = clean(read_file(path, max_bytes=10**7), doc_id="c", source=str(path)).text
    assert text.index("Prima colonna") < text.index("Seconda colonna"), text
    assert "il sindaco ha aperto la seduta e ha letto il bilancio del comune" in text, text


def test_a_word_file_gives_its_heading_paragraphs_and_table(tmp_path: Path):
    path = write(tmp_path, "nota.docx", docx("Nota del ministero", "Il ministro ha firmato il decreto.",
                                            [["Regione", "Fondi"], ["Lazio", "12 milioni"]]))  # fmt: skip
    article = clean(read_file(path, max_bytes=10**7), doc_id="nota", source=str(path))
    assert article.title == "Nota del ministero" and "firmato il decreto" in article.text
    assert "Lazio | 12 milioni" in article.text and article.pages == ()


def test_a_question_is_answered_from_a_pdf_with_its_page_and_from_a_word_file(engine: Engine, tmp_path: Path):
    folder = tmp_path / "in"
    write(folder, "comunicato.pdf", pdf([[RELEASE_PAGES[0]], [RELEASE_PAGES[1]]], title="Piano scuole 2026"))
    write(folder, "nota.docx", docx("Nota del ministero", "Il ministro Rossi ha firmato il decreto sulle aule.",
                                    [["Regione", "Fondi"]]))  # fmt: skip
    report = engine.ingest([folder])
    assert len(report.added) == 2 and not report.skipped, report
    answer = engine.ask("Qual è il bilancio del piano scolastico?")
    cited = [c for c in answer.citations if "42 milioni" in c.quote]
    assert cited and cited[0].page == 2, answer
    start, end = engine.page_span(cited[0].doc_id, 2) or (0, 0)  # the page around the quote, for the app
    assert start <= cited[0].start < cited[0].end <= end and engine.page_span(cited[0].doc_id, 3) is None
    word = engine.ask("Chi ha firmato il decreto sulle aule?")
    assert any("Rossi" in c.quote and c.page is None for c in word.citations), word


def bomb() -> bytes:
    """A PDF whose one content stream inflates to more than the reader's 2 GiB."""
    packer = zlib.compressobj(9)
    chunk = b"0" * (64 << 20)
    stream = b"".join(packer.compress(chunk) for _ in range(36)) + packer.flush()  # 2.25 GiB inflated
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    for n, body in enumerate(objects, 1):
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    return out + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def no_pages() -> bytes:
    body = (
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    )
    return b"%PDF-1.4\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def image_only() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.rect(20, 20, 100, 60, style="F")  # a drawing, no text
    return bytes(doc.output())


def not_a_word_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("photo.txt", "not a document")
    return out.getvalue()


@pytest.mark.slow
def test_bad_documents_each_get_one_clear_line_and_nothing_indexed_is_lost(engine: Engine, tmp_path: Path):
    good = write(tmp_path / "good", "comunicato.pdf", pdf([[RELEASE_PAGES[0]], [RELEASE_PAGES[1]]]))
    engine.ingest([good])
    valid = pdf([["Un testo valido di prova per il lettore."]])
    bad = {
        "locked.pdf": (pdf([["Segreto."]], owner_password="o", user_password="secret"), "needs a password"),
        "corrupt.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged PDF"),
        "truncated.pdf": (valid[: len(valid) // 2], "damaged PDF"),
        "empty-pages.pdf": (no_pages(), "no pages"),
        "long.pdf": (pdf([["Pagina."]] * 5), "5 pages > 4; split it or raise RAG_MAX_PAGES"),
        "bomb.pdf": (bomb(), "compression bomb"),
        "scan.pdf": (image_only(), "no text layer"),
        "html.pdf": (b"<html><body>not a pdf</body></html>", "not a PDF"),
        "empty.pdf": (b"", "empty file"),
        "zip.docx": (not_a_word_file(), "not a Word .docx file"),
        "text.docx": (b"plain text pretending", "not a Word .docx file"),
    }
    folder = tmp_path / "bad"
    for name, (data, _) in bad.items():
        write(folder, name, data)
    # An encrypted PDF whose user password is empty opens like any other.
    write(folder, "open-lock.pdf", pdf([["Il testo cifrato senza password si legge."]], owner_password="o"))
    strict = Engine(engine.settings.with_(max_pages=4), embedder=engine.embedder, store=engine.store)
    report = strict.ingest([folder])
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    for name, (_, expected) in bad.items():
        assert expected in reasons.get(name, ""), (name, reasons.get(name))
        assert "\n" not in reasons[name] and "Traceback" not in reasons[name]
    assert [d for d in report.added] == ["open-lock"], report
    assert "comunicato" in {a.doc_id for a in strict.articles()}  # nothing already indexed is lost


def test_a_file_that_is_not_what_its_name_says_is_refused_without_a_child_process(tmp_path: Path):
    path = write(tmp_path, "x.pdf", b"hello")
    with pytest.raises(UnreadableArticle, match="not a PDF"):
        read_file(path, max_bytes=10**7)


def scanned(lines: list[str]) -> bytes:
    """A PDF page that is only a picture of printed text (no text layer), as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    for i, line in enumerate(lines):
        draw.text((120, 160 + i * 80), line, font=font, fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG")
    doc = FPDF()
    doc.add_page()
    doc.image(png, x=0, y=0, w=210)
    return bytes(doc.output())


SCAN = ["Il prefetto ha firmato l'ordinanza", "sulla chiusura delle scuole per neve."]


@pytest.mark.skipif(not Path("/usr/bin/tesseract").exists(), reason="tesseract is not installed (`make ocr`)")
def test_a_scanned_page_is_read_by_ocr_and_cited_as_ocr_text(engine: Engine, tmp_path: Path):
    folder = tmp_path / "in"
    write(folder, "ordinanza.pdf", scanned(SCAN))
    report = engine.ingest([folder])
    assert report.added == ("ordinanza",) and not report.skipped, report
    answer = engine.ask("Chi ha firmato l'ordinanza sulla chiusura delle scuole?")
    cited = [c for c in answer.citations if "prefetto" in c.quote]
    assert cited and cited[0].page == 1 and cited[0].ocr, answer


def test_a_scanned_page_without_ocr_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on the child's path
    path = write(tmp_path, "ordinanza.pdf", scanned(SCAN))
    with pytest.raises(UnreadableArticle, match=r"no text layer.*make ocr"):
        read_file(path, max_bytes=10**7)
