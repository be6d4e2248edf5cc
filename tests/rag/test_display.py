"""One reading of an answer for every front end: the CLI prints display's lines as text, the app as HTML."""

from __future__ import annotations

import html
import re

from app.answer_html import answer_html, rendering_html
from rag.cli.answer import render_claims, rendering_line
from rag.display import WORDS, answer_lines, file_summary, rendering_label, say, translation_note
from rag.types import Answer, Citation, Claim, Rendering

QUOTE = "Meloni ha sottolineato il ruolo italiano, senza invio di truppe."


def rendered_answer(language: str = "en") -> Answer:
    rendering = Rendering("Meloni stressed the Italian role, without sending troops.", language, "apertium")
    citation = Citation(1, "002_e0f", "Il vertice", "2026-01-07", None, QUOTE, 10, 74, 0.9, language="it",
                        translation=rendering)  # fmt: skip
    claims = (
        Claim(QUOTE, (1,), 1.0, True, sources=(("002_e0f", "005_a"), ("003_b",)), rendered=rendering.text),
        Claim("Italy sends troops.", (1,), 0.2, False, why="a negation differs"),
    )
    return Answer("What did Meloni commit?", "", (citation,), False, (), language=language, claims=claims)


def test_the_cli_and_the_app_show_the_same_lines_in_the_same_order():
    answer = rendered_answer()
    lines = answer_lines(answer)
    assert [line.status for line in lines] == ["supported", "unsupported"]
    assert lines[0].reported_by == "reported by 2 independent sources, 3 articles" and lines[1].reported_by is None
    assert lines[0].originals == answer.citations and lines[1].originals == ()
    text, page = render_claims(answer), answer_html(answer, "k")
    page = html.unescape(page)  # as a reader sees it
    for line in lines:  # every line, in order, in both
        assert line.text in text and line.text in page
    assert text.index(lines[0].text) < text.index(lines[1].text)
    assert page.index(lines[0].text) < page.index(lines[1].text)
    # The article's own words beneath the rendering, in both.
    assert f"\n    IT: “{QUOTE}” [1]" in text and f"“{QUOTE}” [1]</span>" in page
    assert "[unsupported: a negation differs]" in text and 'class="unsupported"' in page
    assert text.endswith(f"({translation_note(answer)})")


def test_labels_come_from_one_table_in_the_readers_language():
    answer = rendered_answer("it")
    citation = answer.citations[0]
    assert translation_note(answer) == say("note", "it", "apertium") and translation_note(answer).startswith(
        "Traduzione"
    )
    assert rendering_label(citation) == "Traduzione automatica di [1] (apertium), non le parole dell'articolo:"
    assert rendering_label(citation) in rendering_line(citation)
    assert rendering_label(citation) in html.unescape(rendering_html(citation))
    assert set(WORDS["it"]) == set(WORDS["en"])  # every label in every language
    assert say("abstain", "fr") == WORDS["en"]["abstain"]  # a language without words of its own reads English


def test_an_answer_without_claims_is_its_text():
    answer = Answer("q", "Non ho trovato la risposta negli articoli indicizzati.", (), True, (), language="it")
    assert render_claims(answer) == answer.text
    assert html.unescape(re.sub(r"<[^>]+>", "", answer_html(answer, "k"))) == answer.text


def test_the_translation_note_says_what_was_checked_and_what_was_not():
    english, italian = say("note", "en", "apertium"), say("note", "it", "apertium")
    assert "Checked: names, numbers, dates, negations" in english and "Not checked: word order" in english
    assert "Verificati: nomi, numeri, date, negazioni" in italian and "Non verificati: ordine delle parole" in italian


def test_each_file_is_told_in_a_plain_line():
    from rag.reports import ArticleInfo, IngestReport, Skipped

    pdf = ArticleInfo("comunicato", "Comunicato", "2026-01-20", None, None, None, passages=7, indexed_at=None,
                      keyword_only=True, pages=2)  # fmt: skip
    assert file_summary("comunicato.pdf", IngestReport(added=("comunicato",)), [pdf]) == (
        "comunicato.pdf added: 2 pages, 7 passages",
        "ok",
    )
    empty = IngestReport(skipped=(Skipped("vuoto.txt", "it is empty"),))
    assert file_summary("vuoto.txt", empty, []) == ("vuoto.txt was not added: it is empty", "no")
    same = IngestReport(unchanged=("comunicato",))
    assert file_summary("comunicato.pdf", same, [pdf]) == ("comunicato.pdf is already in the library, unchanged", "ok")
