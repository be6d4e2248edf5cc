"""Who said what: quote extraction, speaker resolution, quotes(), timeline() and speaker answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.api import Engine
from rag.news.attribution import asked_speaker
from rag.news.quoting import build_speakers, extract, is_speech, score_attribution
from rag.search.dates import mentioned_date, month_range, temporal
from tests.conftest import MELONI, ROOT

GOLD = ROOT / "evaluation" / "data" / "quotes.jsonl"
ZAKHAROVA = "004_9d4c0b04a2cdfc69"


def test_attribution_on_the_labelled_sample(sample_engine: Engine):
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    scores = score_attribution(sample_engine.quotebook().quotes, gold)
    print(f"attribution on {len(gold)} labelled quotes: {scores}")
    assert len(gold) == 35 and sum(r["speaker"] is not None for r in gold) == 27
    assert scores["precision"] >= 0.90 and scores["recall"] >= 0.85 and scores["exact_span"] >= 0.95


def test_zelensky_quotes_from_three_articles_newest_first_with_exact_spans(sample_engine: Engine):
    quotes = sample_engine.quotes(speaker="Zelensky")
    assert len({q.doc_id for q in quotes}) >= 3
    assert {q.speaker for q in quotes} == {"Volodymyr Zelensky"}
    dated = [q.date for q in quotes if q.date]
    assert dated == sorted(dated, reverse=True) and quotes[0].date == "2026-01-06"
    assert all(q.date is None for q in quotes[len(dated) :])  # undated last
    for q in (q for q in quotes if q.kind == "direct"):
        text = sample_engine.document(q.doc_id) or ""
        assert text[q.start : q.end] == q.text  # exactly the quoted words…
        assert text[q.start - 1] in '"“«' and text[q.end] in '"”»'  # …between their marks
    assert sample_engine.quotes(speaker="Volodymyr Zelenskyj") == quotes  # the article's other spelling


def test_kushner_is_found_under_il_genero_di_trump(sample_engine: Engine):
    quotes = sample_engine.quotes(speaker="Kushner")
    genero = [q for q in quotes if "sottolinea il genero di Trump" in q.text]
    assert len(genero) == 1 and genero[0].speaker == "Jared Kushner"
    assert any("tappa fondamentale" in q.text for q in quotes)


def test_zakharova_answer_names_her_and_the_date(sample_engine: Engine):
    answer = sample_engine.ask("What did Zakharova say about foreign troops?")
    assert answer.text.startswith("Maria Zakharova (4 September 2025): ")
    assert "intervento straniero" in answer.text and answer.citations[0].doc_id == ZAKHAROVA
    italian = sample_engine.ask("Cosa ha detto Maria Zakharova?")
    assert italian.text.startswith("Maria Zakharova (4 settembre 2025): ")


def test_macron_is_mentioned_but_never_quoted(sample_engine: Engine):
    answer = sample_engine.ask("What did Macron say?")
    assert answer.text.startswith("No article quotes Emmanuel Macron: the name appears in ")
    assert "Discusse reali capacità" not in answer.text  # Zelensky's words after their meeting are not his
    assert answer.citations and all("Macron" in c.quote for c in answer.citations)
    assert sample_engine.quotes(speaker="Macron") == []


def test_meloni_answer_is_her_reported_position_dated(sample_engine: Engine):
    answer = sample_engine.ask("What did Meloni commit?")
    assert answer.text.startswith("Giorgia Meloni (7 January 2026), as reported: ")
    assert "truppe" in answer.text and answer.citations[0].doc_id == MELONI
    # The passages are the ones retrieved for the question, as for any other answer, not only the quoted one.
    retrieved = sample_engine.retrieve("What did Meloni commit?")
    assert [p.chunk_id for p in answer.passages] == [p.chunk_id for p in retrieved] and len(retrieved) == 5


def test_timeline_of_security_guarantees_spans_three_articles(sample_engine: Engine):
    entries = sample_engine.timeline("garanzie di sicurezza")
    assert len({e.doc_id for e in entries}) >= 3
    dated = [e.date for e in entries if e.date]
    assert dated == sorted(dated) and dated[0] == "2025-09-04" and dated[-1] >= "2026-01-06"
    for e in entries:
        text = sample_engine.document(e.doc_id) or ""
        assert text[e.start : e.end] == e.text
    person = sample_engine.timeline("Zelensky")
    assert person and all(e.speaker == "Volodymyr Zelensky" for e in person)


def test_rules_beyond_the_sample():
    """Quote styles and attributions the sample does not have."""
    text = (
        "Il ministro degli Esteri Anna Rossi ha parlato a Roma. «Non faremo passi indietro», ha detto Rossi.\n\n"
        "«La tregua regge ancora bene», aggiunge la ministra degli Esteri.\n\n"
        "Secondo Paolo Bianchi, il piano è fallito.\n\n"
        '"We will keep supporting Kyiv for as long as it takes," said John Smith, the British envoy. '
        '"Nobody here wants a frozen conflict."\n\n'
        "Il portavoce ha definito la proposta “un passo nella giusta direzione per tutti”."
    )
    speakers = build_speakers([text, "Anna Rossi e Paolo Bianchi. John Smith ha detto che Smith parla."])
    quotes = extract("x", text, date="2026-02-10", speakers=speakers)
    by_text = {q.text[:20]: q for q in quotes}
    assert by_text["Non faremo passi ind"].speaker == "Anna Rossi"
    assert (
        by_text["La tregua regge anco"].speaker == "Anna Rossi"
    )  # the role, through "ministro degli Esteri Anna Rossi"
    assert by_text["We will keep support"].speaker == "John Smith"
    assert by_text["Nobody here wants a "].speaker == "John Smith"  # continues the last speaker
    assert by_text["un passo nella giust"].speaker is None  # "il portavoce" names no one we know
    reported = [q for q in quotes if q.kind == "reported"]
    assert [q.speaker for q in reported] == ["Paolo Bianchi"]


def test_dates_resolve_against_the_article_date():
    assert (
        mentioned_date("Il tycoon, spiegava ieri la Germania, potrebbe collegarsi", base="2025-09-04") == "2025-09-03"
    )
    assert mentioned_date("Vertice oggi, martedì 6 gennaio, a Parigi", base="2026-01-06") == "2026-01-06"
    assert mentioned_date("il piano in 28 punti", base="2026-01-06") is None  # a number is not a date
    assert month_range("What did Zelensky say in December?", lang="en", newest="2026-01-07") == (
        "2025-12-01",
        "2025-12-31",
    )
    assert month_range("Cosa è successo a settembre 2025?", lang="it", newest="2026-01-07") == (
        "2025-09-01",
        "2025-09-30",
    )


def test_a_month_in_the_question_filters_by_date(sample_engine: Engine):
    answer = sample_engine.ask("What did the Russian foreign ministry say in September?")
    assert answer.citations and {c.doc_id for c in answer.citations} == {ZAKHAROVA}
    latest = sample_engine.ask("Quali sono le ultime notizie sulle garanzie di sicurezza per l'Ucraina?")
    assert latest.citations[0].date == "2026-01-07"  # not the September article a plain question gets
    dates = [c.date or "" for c in latest.citations]
    assert dates == sorted(dates, reverse=True)


def test_a_month_outside_the_articles_dates_is_about_events_and_filters_nothing():
    dated = lambda: ("2025-09-04", "2026-01-07")  # noqa: E731
    question = "Chi è stato eletto Presidente nel novembre 1960?"
    assert temporal(question, None, dated=dated) == (question, None, False)
    asked, filters, _ = temporal("What did Zelensky say in December?", None, dated=dated)
    assert filters is not None and (filters.date_from, filters.date_to) == ("2025-12-01", "2025-12-31")
    assert asked == "What did Zelensky say?"
    undated = temporal("What did Zelensky say in December?", None, dated=lambda: (None, None))
    assert undated[1] is None


def test_speech_verbs_are_read_in_the_questions_language(sample_engine: Engine):
    assert is_speech("state", lang="en") and not is_speech("state", lang="it")  # "sono state" says nothing
    assert not is_speech("de") and is_speech("detto") and is_speech("dichiarato")
    book = sample_engine.quotebook()
    assert asked_speaker("Cosa ha detto Zelensky sugli alleati?", book) == "Volodymyr Zelensky"
    assert asked_speaker("Quali garanzie sono state chieste da Zelensky?", book) is None
    assert asked_speaker("Chi ha scritto il piano di pace di Witkoff?", book) is None  # asks for a person


@pytest.mark.slow
def test_cli_quotes_and_timeline(tmp_path: Path, sample_engine: Engine):
    import subprocess
    import sys

    env = {"RAG_PERSIST_DIR": str(sample_engine.settings.persist_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, env=env, capture_output=True, text=True)

    out = run("quotes", "--speaker", "Zakharova")
    assert out.returncode == 0 and out.stdout.startswith("2025-09-04  Maria Zakharova  [direct, ")
    data = json.loads(run("quotes", "--speaker", "Kushner", "--json").stdout)
    assert data and {q["speaker"] for q in data} == {"Jared Kushner"}
    line = run("timeline", "garanzie di sicurezza").stdout.splitlines()[0]
    assert line.startswith("2025-09-04  ")
    assert "no quotes by Macron" in run("quotes", "--speaker", "Macron").stdout


def test_a_position_that_changed_shows_both_dates(engine: Engine, tmp_path: Path):
    folder = tmp_path / "rossi"
    folder.mkdir()
    (folder / "ottobre.txt").write_text(
        "date 2025-10-01\n\nVertice a Roma\n\nIl ministro degli Esteri Anna Rossi ha parlato a Roma. "
        "«Non manderemo mai soldati italiani in Ucraina», ha detto Rossi ai giornalisti.\n",
        encoding="utf-8",
    )
    (folder / "febbraio.txt").write_text(
        "date 2026-02-01\n\nSvolta a Bruxelles\n\nLa linea del governo cambia. «Siamo pronti a mandare soldati "
        "italiani in Ucraina se serve alla pace», ha detto Anna Rossi a Bruxelles.\n",
        encoding="utf-8",
    )
    engine.ingest([folder])
    answer = engine.ask("Cosa ha detto Anna Rossi sui soldati italiani in Ucraina?")
    assert answer.text.startswith("In precedenza, Anna Rossi (1 ottobre 2025): «Non manderemo mai soldati")
    assert "Più tardi, Anna Rossi (1 febbraio 2026): «Siamo pronti a mandare soldati" in answer.text
    assert [c.date for c in answer.citations] == ["2025-10-01", "2026-02-01"]
