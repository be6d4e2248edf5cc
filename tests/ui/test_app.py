"""The Streamlit app, through Streamlit's AppTest (a real script run, real engine)."""

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.api import Engine
from tests.conftest import MELONI, ROOT

pytestmark = pytest.mark.usefixtures("app_on_loopback")  # a test may bind it elsewhere


@pytest.fixture
def app(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RAG_PERSIST_DIR", str(sample_engine.settings.persist_dir))
    from app.engine import get_engine

    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60)
    return at.run()


def markdown(at: AppTest) -> str:
    """The page's Markdown as a reader sees its text (the app writes article text as character references)."""
    return html.unescape("\n".join(m.value for m in at.markdown))


def test_empty_state_describes_index_and_offers_examples(app: AppTest):
    assert not app.exception
    assert "5 articles" in app.caption[0].value and "Adnkronos" in app.caption[0].value
    assert "Cosa ha promesso Meloni?" in [b.label for b in app.button]


def test_question_gives_answer_and_source_cards(app: AppTest):
    app.chat_input[0].set_value("What did Meloni commit?").run()
    assert not app.exception
    text = markdown(app)
    assert 'href="#src-' in text and "[1]" in text
    assert "<mark>" in text and "Meloni" in text and "truppe" in text
    assert "A Parigi nuove prove di sicurezza" in text
    # A card says outlet, date and title: no document id, no raw score.
    meta = re.findall(r'class="source-card"[^>]*>(?:<span[^>]*></span>)*<b>[^<]*</b><br><small>([^<]*)', text)
    assert meta and all("relevance" not in m and "_" not in m for m in meta), meta
    assert "2026-01-0" in " ".join(meta)


def test_a_passage_quoted_twice_is_one_card(app: AppTest):
    app.chat_input[0].set_value("Who attended the Paris summit?").run()
    assert not app.exception
    text = markdown(app)
    cards = re.findall(r'class="source-card" data-doc="([^"]+)">.*?<br><small>[^<]*</small><br>(.*?)</div>', text)
    passages = [(doc, re.sub(r"</?(mark|b)[^>]*>", "", body)) for doc, body in cards]
    assert cards and len(passages) == len(set(passages)), "no passage is shown on two cards"
    for n in re.findall(r'href="#src-(\d+-\d+)"', text):
        assert f'id="src-{n}"' in text, "every marker has its card"


def test_number_answer_phrase_is_bold_inside_the_highlight(app: AppTest):
    app.chat_input[0].set_value("In quanti punti era il piano di pace presentato dagli Usa?").run()
    assert not app.exception
    assert re.search(r'<mark>[^<]*<b class="answer-phrase">[^<]*28[^<]*</b>', markdown(app))


def test_example_click_answers(app: AppTest):
    next(b for b in app.button if b.label.startswith("Chi ha guidato")).click().run()
    assert "guidata da Steve Witkoff" in markdown(app)


def test_abstention_is_shown_plainly(app: AppTest):
    app.chat_input[0].set_value("What is the recipe for carbonara?").run()
    assert [w.value for w in app.warning] == ["I could not find the answer in the indexed articles."]


def test_llm_answer_is_streamed_verified_and_flags_unsupported(
    sample_engine: Engine, fake_openai: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("RAG_ANSWERER", "openai:fake")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai)
    monkeypatch.setenv("RAG_PERSIST_DIR", str(sample_engine.settings.persist_dir))
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    assert at.sidebar.selectbox[0].value == "openai:fake"
    at.chat_input[0].set_value("What did Meloni commit, and on taxes?").run()
    assert not at.exception and not at.error
    text = markdown(at)
    assert "without sending troops" in text and 'href="#src-' in text
    assert '<span class="unsupported"' in text and "cut taxes" in text
    captions = [c.value for c in at.caption]
    assert "Answered by openai:fake" in captions
    assert any("not supported by the cited articles" in c for c in captions)
    assert "<mark>L’Italia, con la premier Giorgia Meloni, ha confermato" in text


def test_reprints_are_named_on_the_card_and_differing_figures_warned(outlets, monkeypatch: pytest.MonkeyPatch):
    engine, corpus = outlets
    monkeypatch.setenv("RAG_PERSIST_DIR", str(engine.settings.persist_dir))
    from app.engine import get_engine

    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    at.chat_input[0].set_value("What did Meloni commit?").run()
    assert not at.exception
    text = markdown(at)
    story = corpus.story(MELONI)
    cited = re.search(r'data-doc="([^"]+)"', text)
    assert cited and cited.group(1) in story
    names = engine.labels(sorted(story - {cited.group(1)}))
    also_in = re.search(r'<small class="also-in">also in: ([^<]+)</small>', text)
    assert also_in and set(also_in.group(1).split(", ")) == set(names.values())
    assert f'<small class="sources">single source, {len(story)} articles</small>' in text
    changed = next(r for r in corpus.reprints if r.changed_figure)
    old, new = changed.changed_figure or ("", "")
    at.chat_input[0].set_value("Quanti droni ucraini sono stati intercettati nella notte?").run()
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    # An Italian question: the words around the answer are Italian too.
    assert warning.startswith("Le fonti non concordano: ") and old in warning and new in warning, warning
    assert "Articolo intero [1]" in [e.label for e in at.expander]


def test_dead_model_shows_a_notice_and_the_extractive_answer(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    from tests.conftest import free_port

    monkeypatch.setenv("RAG_ANSWERER", "openai:gone")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("RAG_PERSIST_DIR", str(sample_engine.settings.persist_dir))
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    at.chat_input[0].set_value("Cosa ha promesso Meloni?").run()
    assert not at.exception and not at.error
    assert "cannot reach" in at.info[0].value and "extractive answer instead" in at.info[0].value
    assert "truppe" in markdown(at)


@pytest.mark.slow
def test_dead_store_is_shown_and_the_app_recovers_when_it_returns(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import subprocess
    import sys

    from rag.settings import Settings
    from tests.conftest import ARTICLES, free_port, serve

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("RAG_CHROMA_URL", url)
    monkeypatch.setenv("RAG_CHROMA_TIMEOUT", "2")
    monkeypatch.setenv("RAG_COLLECTION", "recover")
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    assert not at.exception
    error = html.unescape(at.error[0].value)
    assert "not answering" in error and "RAG_CHROMA_URL" in error
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = serve(proc, url, "/api/v2/heartbeat")
    next(server)
    try:
        Engine(Settings.from_env(), embedder=embedder).ingest([ARTICLES])
        at.run()  # the same app session, no restart
        assert not at.error and "5 articles" in at.caption[0].value
        at.chat_input[0].set_value("Cosa ha promesso Meloni?").run()
        assert "truppe" in markdown(at)
    finally:
        next(server, None)


def test_upload_adds_a_document(tmp_path: Path, engine: Engine):
    report = engine.ingest_upload("../../evil/nota.md", "# Nota\n\nIl vertice di Roma è fissato a marzo.".encode())
    assert report.added == ("nota",)
    saved = engine.settings.persist_dir / "uploads" / "nota.md"
    assert saved.exists() and "Il vertice di Roma" in (engine.document("nota") or "")
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="unsupported"):
        engine.ingest_upload("x.exe", b"MZ")


def test_a_refused_upload_leaves_no_file_behind(engine: Engine):
    uploads = engine.settings.persist_dir / "uploads"
    report = engine.ingest_upload("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    assert report.skipped and not report.added and not list(uploads.iterdir())
    good = "# Nota\n\nIl vertice di Roma è fissato a marzo.".encode()
    assert engine.ingest_upload("nota.md", good).added == ("nota",)
    # A bad file under the same name is refused and the good one it would replace stays, as indexed.
    assert engine.ingest_upload("nota.md", b"\x00\xff" * 400).skipped
    assert [f.name for f in uploads.iterdir()] == ["nota.md"] and (uploads / "nota.md").read_bytes() == good
    assert "Il vertice di Roma" in (engine.document("nota") or "") and not engine.store.pending()


def test_article_markup_is_shown_as_text_not_run():
    from app.answer_html import highlight

    page = highlight("<script>alert(1)</script> Il vertice <b>di Roma</b>.", 26, 45)
    assert "<script>" not in page and "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;" in page
    assert "<mark>Il vertice &lt;b&gt;di" in page


@pytest.mark.slow
def test_keyword_only_articles_answer_while_the_app_embeds_them(engine: Engine, monkeypatch: pytest.MonkeyPatch):
    import time

    from app.engine import get_engine
    from rag.settings import Settings
    from tests.conftest import ARTICLES

    engine.ingest([ARTICLES], embed=False)  # as `python -m rag ingest --keyword-only` leaves them
    monkeypatch.setenv("RAG_PERSIST_DIR", str(engine.settings.persist_dir))
    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    progress = [e.proto.text for e in at.get("progress")]
    assert any("Embedding 5 new article(s)" in t and "answer by keyword meanwhile" in t for t in progress), progress
    at.chat_input[0].set_value("Cosa ha promesso Meloni?").run()
    assert not at.exception and "truppe" in markdown(at)

    settings = Settings.from_env()
    app_engine = get_engine(settings, repr(settings))
    deadline = time.time() + 300
    while app_engine.embed_status().keyword_only and time.time() < deadline:
        time.sleep(1)
    assert app_engine.embed_status().keyword_only == 0 and app_engine.embed_status().error is None
    assert not at.run().get("progress")


@pytest.mark.slow
def test_library_lists_opens_and_deletes_articles(engine: Engine, articles: Path, monkeypatch: pytest.MonkeyPatch):
    from app.engine import get_engine
    from tests.conftest import MELONI

    engine.ingest([articles])
    monkeypatch.setenv("RAG_PERSIST_DIR", str(engine.settings.persist_dir))
    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    at.switch_page("app/library.py").run()
    assert not at.exception and at.title[0].value == "Library"
    text = markdown(at)
    assert text.count("passages") >= 5 and "A Parigi nuove prove di sicurezza" in text
    assert "Angelo Vitale" in text and "added 20" in text

    at.toggle(key=f"open-{MELONI}").set_value(True).run()
    assert "senza invio di truppe" in markdown(at)  # the cleaned text, opened in place

    at.button(key=f"delete-{MELONI}").click().run()
    assert not at.exception
    assert html.unescape(at.success[0].value).startswith("Deleted A Parigi nuove prove di sicurezza")
    assert "A Parigi nuove prove di sicurezza" not in markdown(at) and "4 articles" in at.caption[0].value

    at.switch_page("app/ask.py").run()
    at.chat_input[0].set_value("What did Meloni commit?").run()
    assert not at.exception and "senza invio di truppe" not in markdown(at)
    assert engine.articles() and MELONI not in {a.doc_id for a in engine.articles()}


def test_who_said_what_lists_a_persons_quotes_with_sources(app: AppTest):
    app.switch_page("app/speakers.py").run()
    assert not app.exception and app.title[0].value == "Who said what"
    people = app.selectbox[0].options
    assert people[0].startswith("Volodymyr Zelensky (")  # the most quoted first
    # Places, institutions and outlets that "say" something are not people.
    assert not [p for p in people if p.split(" (")[0] in ("Mosca", "Cremlino", "Axios", "Kiev", "Washington")]
    assert {"Giorgia Meloni", "Maria Zakharova", "Mark Rutte"} <= {p.split(" (")[0] for p in people}
    app.selectbox[0].select("Jared Kushner").run()
    text = markdown(app)
    assert "tappa fondamentale" in text and "as “il genero di Trump”" in text
    assert "<mark>Sulle garanzie di sicurezza" in text  # the source, highlighted exactly


def test_who_said_what_reads_in_english_with_the_italian_words_beneath(app: AppTest):
    from rag.translation.apertium import Apertium

    if not Apertium.available():
        pytest.skip("Apertium is not installed (`make translator`)")
    app.switch_page("app/speakers.py").run()
    app.selectbox[0].select("Jared Kushner").run()
    assert 'class="quote-rendered"' not in markdown(app)  # the articles' own words by default
    next(r for r in app.radio if r.label == "Read in").set_value("English").run()
    text = markdown(app)
    assert not app.exception and 'class="quote-rendered" lang="en"' in text, text
    # The English first, the Italian quote beneath it, and one line saying it is a machine translation.
    english, italian = text.split('class="quote-rendered" lang="en">', 1)[1].split('<span class="verbatim">', 1)
    assert "fundamental" in english and "tappa fondamentale" in italian, (english, italian)
    assert any("Machine translation (apertium)" in html.unescape(c.value) for c in app.caption)


@pytest.mark.slow
def test_links_and_feeds_from_the_app_say_what_went_wrong_and_what_was_added(
    engine: Engine, news_site, monkeypatch: pytest.MonkeyPatch
):
    from app.engine import get_engine

    engine.ingest([ROOT / "data" / "articles" / f"{MELONI}.txt"])
    monkeypatch.setenv("RAG_PERSIST_DIR", str(engine.settings.persist_dir))
    monkeypatch.setenv("RAG_FETCH_ALLOW_HOSTS", "127.0.0.1")  # the test site; refused by default
    get_engine.clear()  # type: ignore[attr-defined]
    at = AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()
    link = next(t for t in at.text_input if t.label == "Add from a link")
    link.set_value(f"{news_site.url}/missing")
    next(b for b in at.button if b.label == "Fetch and ingest").click().run()
    assert not at.exception
    assert [html.unescape(e.value) for e in at.error] == [
        f"{news_site.url}/missing was not added: the server answered 404 Not Found; check the link"
    ]

    at.switch_page("app/library.py").run()
    feed = next(t for t in at.text_input if t.label == "Follow a feed")
    feed.set_value(f"{news_site.url}/energy-truce.html")  # a page, not a feed
    next(b for b in at.button if b.label == "Follow").click().run()
    assert "this is a web page, not a feed" in html.unescape(at.error[0].value)
    feed = next(t for t in at.text_input if t.label == "Follow a feed")
    feed.set_value(f"{news_site.url}/esteri/feed.xml")
    next(b for b in at.button if b.label == "Follow").click().run()
    assert html.unescape(at.success[0].value).startswith("Following Cronache dal Mondo - Esteri")
    assert "last refresh: never" in markdown(at)
    next(b for b in at.button if b.label == "Refresh feeds").click().run()
    assert not at.exception
    assert any("1 new or changed item(s): 1 added" in html.unescape(s.value) for s in at.success)
    assert "Kiev e Mosca, tregua energetica di trenta giorni" in markdown(at)  # listed with the articles


def test_a_source_the_checker_found_is_marked_as_such():
    from app.answer_html import ATTRIBUTED, answer_html
    from rag.types import Answer, Claim

    claims = (
        Claim("Italy sends no troops.", (1,), 0.9, True, attributed=True),
        Claim("Italy gives support.", (1,), 0.9, True),
    )
    answer = Answer("q", "", (), False, (), claims=claims)
    html = answer_html(answer, "k")
    assert f'<span class="attributed" title="{ATTRIBUTED}">Italy sends no troops.</span>' in html
    assert html.count('class="attributed"') == 1 and 'href="#src-k-1"' in html
