"""Safe to serve: a visitor picks no model, reads no trace, and every way in is listed (AppTest, real engine)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import UnknownElement, Widget

from rag.api import Engine
from tests.conftest import ROOT

TOKEN = "s3cret-token"
ONE_LINE = re.compile(r"Something went wrong \(error [0-9a-f]{4}\); the server's log has the details\.")


def open_app(engine: Engine, monkeypatch: pytest.MonkeyPatch, *, address: str, **env: str) -> AppTest:
    from streamlit import config

    from app.engine import get_engine

    monkeypatch.setenv("RAG_PERSIST_DIR", str(engine.settings.persist_dir))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config.set_option("server.address", address)  # restore_address puts it back
    get_engine.clear()  # type: ignore[attr-defined]
    return AppTest.from_file(str(ROOT / "ui.py"), default_timeout=60).run()


@pytest.fixture(autouse=True)
def restore_address() -> Iterator[None]:
    from streamlit import config

    before = config.get_option("server.address")
    yield
    config.set_option("server.address", before)


def nodes(node: object) -> Iterator[object]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from nodes(child)


def inputs(at: AppTest) -> list[str]:
    """Every input widget on the page as ``type: label``, each once, in page order."""
    found = []
    for n in nodes(at._tree):
        if isinstance(n, Widget | UnknownElement) and n.type != "markdown":
            label = getattr(n, "label", None) or getattr(getattr(n, "proto", None), "label", None)
            label = label or getattr(getattr(n, "proto", None), "placeholder", "")
            found.append(f"{n.type}: {label}")
    return list(dict.fromkeys(found))


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown message the app made inert (character references read as characters)."""
    return html.unescape(markdown)


def unlock(at: AppTest) -> None:
    next(t for t in at.text_input if t.label == "Editor token").set_value(TOKEN)
    next(b for b in at.button if b.label == "Unlock editing").click().run()


ASK_FILTERS = ["multiselect: Outlet", "date_input: Date range", "selectbox: Mode"]
ASK_END = ["slider: Passages", "chat_input: Ask about the articles, in English or Italian"]
EXAMPLES = [
    "button: Cosa ha promesso Meloni?",
    "button: What did Putin say about the European changes to the peace plan?",
    "button: Chi ha guidato la delegazione americana a Parigi?",
]
NEW = ["button: New chat"]  # and the page's address: ?chat=<id> (app/chats.py)
WRITES = ["file_uploader: Add articles", "text_input: Add from a link", "button: Fetch and ingest"]
UNLOCK = ["text_input: Editor token", "button: Unlock editing"]
SPEAKERS = ["selectbox: Person", "radio: Show", "radio: Read in"]
LIBRARY_WRITES = ["text_input: Follow a feed", "button: Follow", "toggle: Open", "button: Re-ingest",
                  "button: Delete for good"]  # fmt: skip
# Every input each page offers, in each of the three modes. A new input fails this test until it is added
# here and to docs/OPERATIONS.md ("Every way in") on purpose.
INVENTORY = {
    "owner on loopback": {
        "ask": EXAMPLES + NEW + WRITES + ASK_FILTERS + ["text_input: Other model"] + ASK_END,
        "speakers": SPEAKERS,
        "library": LIBRARY_WRITES + WRITES,
    },
    "public, read-only": {
        "ask": EXAMPLES + NEW + ASK_FILTERS + ASK_END,
        "speakers": SPEAKERS,
        "library": ["toggle: Open"],
    },
    "public, locked": {
        "ask": EXAMPLES + NEW + UNLOCK + ASK_FILTERS + ASK_END,
        "speakers": SPEAKERS,
        "library": ["toggle: Open", *UNLOCK],
    },
    "public, unlocked": {
        "ask": EXAMPLES + NEW + WRITES + ASK_FILTERS + ["text_input: Other model"] + ASK_END,
        "speakers": SPEAKERS,
        "library": LIBRARY_WRITES + WRITES,
    },
}
MODES = {
    "owner on loopback": ("127.0.0.1", {}),
    "public, read-only": ("0.0.0.0", {}),
    "public, locked": ("0.0.0.0", {"RAG_APP_TOKEN": TOKEN}),
    "public, unlocked": ("0.0.0.0", {"RAG_APP_TOKEN": TOKEN}),
}
PAGES = {"ask": "app/ask.py", "speakers": "app/speakers.py", "library": "app/library.py"}


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(INVENTORY))
def test_every_way_in_is_on_the_list(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch, mode: str):
    address, env = MODES[mode]
    at = open_app(sample_engine, monkeypatch, address=address, **env)
    if mode == "public, unlocked":
        unlock(at)
    seen = {}
    for page, script in PAGES.items():
        at.switch_page(script).run()
        assert not at.exception, (page, at.exception)
        seen[page] = inputs(at)
    assert seen == INVENTORY[mode]


def test_a_visitor_picks_among_the_owners_answerers(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    at = open_app(sample_engine, monkeypatch, address="0.0.0.0")
    mode = next(s for s in at.selectbox if s.label == "Mode")
    assert "extractive — " + cost("extractive") in mode.options
    assert not [t for t in at.text_input if t.label == "Other model"]  # nothing to type a model, path or URL in
    at = open_app(sample_engine, monkeypatch, address="0.0.0.0", RAG_APP_ANSWERERS="extractive")
    assert next(s for s in at.selectbox if s.label == "Mode").options == ["extractive — " + cost("extractive")]


def cost(name: str) -> str:
    from rag.models.llm import cost as what_it_costs

    return what_it_costs(name)


@pytest.mark.slow
def test_an_editor_may_not_point_the_app_at_a_file(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    at = open_app(sample_engine, monkeypatch, address="0.0.0.0", RAG_APP_TOKEN=TOKEN)
    unlock(at)
    other = next(t for t in at.text_input if t.label == "Other model")
    for typed in ("llamacpp:/etc/passwd", "llamacpp:../../../etc/passwd", "llamacpp:~/.ssh/id_rsa"):
        other.set_value(typed).run()
        assert not at.exception
        [error] = [shown(e.value) for e in at.error]
        assert "is refused in the app" in error and "RAG_MODEL_DIR" in error and "\n" not in error, error
    at.chat_input[0].set_value("What did Meloni commit?").run()  # answered by the offered mode instead
    assert not at.exception and "truppe" in "\n".join(m.value for m in at.markdown)


def test_typed_models_stay_in_the_model_folder(tmp_path: Path):
    from rag.errors import ConfigError
    from rag.models.llm import typed_answerer
    from rag.settings import Settings

    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "mine.gguf").write_bytes(b"GGUF")
    (tmp_path / "outside.gguf").write_bytes(b"GGUF")
    (folder / "link.gguf").symlink_to(tmp_path / "outside.gguf")
    (folder / "notes.txt").write_text("x")
    settings = Settings(persist_dir=tmp_path / "index", model_dir=folder)
    assert typed_answerer(" llamacpp:mine.gguf ", settings=settings) == f"llamacpp:{(folder / 'mine.gguf').resolve()}"
    assert typed_answerer("llamacpp:qwen2.5-0.5b", settings=settings) == "llamacpp:qwen2.5-0.5b"
    assert typed_answerer("ollama:qwen2.5:3b", settings=settings) == "ollama:qwen2.5:3b"
    assert typed_answerer("extractive", settings=settings) == "extractive"
    refused = ["llamacpp:/etc/passwd", f"llamacpp:{tmp_path / 'outside.gguf'}", "llamacpp:../outside.gguf",
               "llamacpp:link.gguf", "llamacpp:notes.txt", "llamacpp:absent.gguf"]  # fmt: skip
    for typed in refused:
        with pytest.raises(ConfigError, match="refused in the app"):
            typed_answerer(typed, settings=settings)
    for typed in ("llamacpp:", "shell:ls", "ollama:", "/etc/passwd"):
        with pytest.raises(ConfigError, match="not an answerer"):
            typed_answerer(typed, settings=settings)


def test_the_owners_list_must_name_answerers():
    from rag.errors import ConfigError
    from rag.settings import Settings

    assert Settings.from_env({"RAG_APP_ANSWERERS": "extractive, ollama:qwen2.5:3b,"}).app_answerer_names == [
        "extractive",
        "ollama:qwen2.5:3b",
    ]
    with pytest.raises(ConfigError, match="RAG_APP_ANSWERERS names 'bash:ls'"):
        Settings.from_env({"RAG_APP_ANSWERERS": "extractive,bash:ls"})


@pytest.mark.parametrize("page", list(PAGES.values()))
def test_an_unexpected_error_shows_one_line_and_no_trace(
    sample_engine: Engine, monkeypatch: pytest.MonkeyPatch, page: str
):
    from rag.facade import Engine as Facade

    at = open_app(sample_engine, monkeypatch, address="0.0.0.0")
    secret = f"{ROOT}/rag/secret.py line 7"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"planted failure at {secret}")

    monkeypatch.setattr(Facade, "stats", broken)
    monkeypatch.setattr(Facade, "people", broken)
    monkeypatch.setattr(Facade, "articles", broken)
    at.switch_page(page).run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert ONE_LINE.fullmatch(error), error
    shown = "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.warning, *at.info])
    assert str(ROOT) not in shown and "Traceback" not in shown and "RuntimeError" not in shown
    from streamlit import config

    assert config.get_option("client.showErrorDetails") == "none"  # nor does Streamlit's own error box


def test_a_product_error_keeps_its_own_line(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    from rag.errors import StoreUnavailable
    from rag.facade import Engine as Facade

    at = open_app(sample_engine, monkeypatch, address="0.0.0.0")

    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("the Chroma server does not answer; start it or fix RAG_CHROMA_URL.")

    monkeypatch.setattr(Facade, "people", down)
    at.switch_page("app/speakers.py").run()
    assert [shown(e.value) for e in at.error] == ["the Chroma server does not answer; start it or fix RAG_CHROMA_URL."]


def test_a_long_question_gets_one_line(sample_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    at = open_app(sample_engine, monkeypatch, address="0.0.0.0")
    box = at.chat_input[0]
    # The browser stops typing one character past the limit, and Streamlit cuts what any client sends there.
    assert box.proto.max_chars == sample_engine.settings.max_question_chars + 1
    box.set_value("Meloni " * 30_000).run()
    assert not at.exception
    [error] = [shown(e.value) for e in at.error]
    assert error == "the question is 2001 characters long; keep it under 2000 characters.", error
    assert next(s for s in at.slider if s.label == "Passages").max == 15
