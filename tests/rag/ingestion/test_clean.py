from pathlib import Path

import pytest

from rag.errors import UnreadableArticle
from rag.ingestion.clean import clean
from rag.ingestion.load import RawText, parse_bytes, read_file
from tests.conftest import ARTICLES


def load(stem: str):
    path = next(ARTICLES.glob(f"{stem}*"))
    return clean(read_file(path, max_bytes=10**7), doc_id=path.stem, source=str(path))


def test_date_header_and_section_are_metadata_not_text():
    a = load("002")
    assert a.date == "2026-01-07"
    assert a.author == "Angelo Vitale"
    assert a.title == "A Parigi nuove prove di sicurezza per l’Ucraina"
    assert not a.text.startswith(("date", "Esteri"))
    assert "di Angelo Vitale" not in a.text


def test_italian_word_date_outlet_and_furniture():
    a = load("003")
    assert a.date == "2026-01-06"
    assert a.outlet == "Adnkronos"
    for furniture in (
        "SEGUICI SUI SOCIAL",
        "Riproduzione riservata",
        "Leggi anche",
        "whatsapp",
        "LETTURA",
        "Prima pagina",
    ):
        assert furniture not in a.text
    assert a.text.endswith("mentre la guerra continua.")
    assert a.text.count("Ucraina, vertice dei Volenterosi a Parigi. La bozza:") == 1


def test_dateline_outlet_is_stripped():
    a = load("004")
    assert (a.date, a.outlet) == ("2025-09-04", "Adnkronos")
    assert a.text.startswith("Dopo il faccia a faccia")


def test_latin1_is_decoded():
    text = "Il presidente della Repubblica è intervenuto: perché più sicurezza, disse l'onorevole."
    raw = parse_bytes(text.encode("latin-1"), ".txt")
    assert "è intervenuto" in raw.text and "perché più" in raw.text


def test_empty_and_binary_are_refused():
    with pytest.raises(UnreadableArticle, match="empty"):
        parse_bytes(b"  \n\t ", ".txt")
    with pytest.raises(UnreadableArticle, match="binary"):
        parse_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, ".txt")


def test_html_keeps_article_text_and_drops_scripts():
    html = b"""<html><head><title>Vertice a Parigi</title><style>p{color:red}</style>
    <script>alert('x'); document.write('rubato')</script></head><body>
    <nav>Home Esteri Politica</nav><article><h1>Vertice a Parigi</h1>
    <p>I leader europei hanno concordato un pacchetto di garanzie di sicurezza per l'Ucraina.</p>
    <p>L'Italia ha confermato il proprio sostegno politico e logistico senza invio di truppe.</p>
    </article><footer>Riproduzione riservata</footer></body></html>"""
    raw = parse_bytes(html, ".html")
    a = clean(raw, doc_id="x", source="x.html")
    assert "senza invio di truppe" in a.text
    assert "alert" not in a.text and "color:red" not in a.text and "rubato" not in a.text
    assert a.title == "Vertice a Parigi"


def test_markdown_title_and_text(tmp_path: Path):
    path = tmp_path / "nota.md"
    path.write_text("# Titolo della nota\n\nPrimo paragrafo con **grassetto** e [un link](http://x).\n", "utf-8")
    a = clean(read_file(path, max_bytes=10**6), doc_id="nota", source=str(path))
    assert a.title == "Titolo della nota"
    assert "Primo paragrafo con grassetto e un link." in a.text
    assert "**" not in a.text and "http" not in a.text


def test_a_long_first_sentence_is_titled_up_to_a_clause_not_mid_phrase():
    opening = (
        "L’aereo dell’inviato speciale americano Steve Witkoff è decollato da Mosca poco dopo mezzanotte, "
        "segnando la fine di una giornata di colloqui delicatissimi al Cremlino con il consigliere del presidente."
    )
    article = clean(RawText(text=opening + " Seconda frase."), doc_id="x", source="x.txt")
    assert article.title == (
        "L’aereo dell’inviato speciale americano Steve Witkoff è decollato da Mosca poco dopo mezzanotte…"
    )
