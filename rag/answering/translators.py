"""Machine translators for renderings of cited sentences, chosen by a ``"kind:name"`` string.

``apertium`` is Debian's rule-based translator (Italian <-> English through
Spanish: deterministic, gist quality, ~0.3 s a call); ``llamacpp:<model>``
prompts a local model (rag/answering/local_models.py). ``auto`` picks the
first one installed in :data:`AUTO_ORDER`, the order measured in
docs/BENCHMARKS.md; ``none`` turns renderings off.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from collections.abc import Sequence
from typing import Any, Protocol

from rag.errors import ConfigError, LLMUnavailable
from rag.search.language import LANGUAGE_NAMES
from rag.settings import Settings

KINDS = ("auto", "none", "apertium", "llamacpp:<model>", "a comma-separated order of those two")
# Apertium has no direct Italian-English pair in Debian; Spanish is the pivot.
APERTIUM_ROUTES = {("it", "en"): ("ita-spa", "spa-eng"), ("en", "it"): ("eng-spa", "spa-ita")}
INSTALL_HINT = "`make translator` (Apertium) or `make local-model` (a local model)"


class Translator(Protocol):
    """Renders sentences from one language into another."""

    name: str

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """One rendering per text, in order."""
        ...


class Apertium:
    """Debian's Apertium, through Spanish (``apertium ita-spa | apertium spa-eng``)."""

    name = "apertium"

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    @staticmethod
    def available() -> bool:
        """True when the ``apertium`` command and both legs of each route are installed."""
        if shutil.which("apertium") is None or shutil.which("cg-proc") is None:
            return False
        try:
            listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=10).stdout.split()
        except (OSError, subprocess.SubprocessError):
            return False
        return all(leg in listed for route in APERTIUM_ROUTES.values() for leg in route)

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        route = APERTIUM_ROUTES.get((source, target))
        if route is None:
            raise ConfigError(f"apertium renders only {', '.join('→'.join(r) for r in APERTIUM_ROUTES)}.")
        lines, kept = protect([" ".join(t.split()) for t in texts])
        # One line per text: Apertium keeps line breaks, so the outputs line up with the inputs.
        data = "\n".join(lines) + "\n"
        for leg in route:
            try:
                done = subprocess.run(
                    ["apertium", "-u", leg], input=data, capture_output=True, text=True, timeout=self.timeout
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise LLMUnavailable(
                    f"apertium {leg} failed ({type(exc).__name__}); reinstall it with `make translator`."
                ) from None
            if done.returncode != 0:
                raise LLMUnavailable(
                    f"apertium {leg} failed: {done.stderr.strip()[:160]}; reinstall it with `make translator`."
                )
            data = done.stdout
        out = data.split("\n")[: len(lines)]
        if len(out) != len(lines):
            raise LLMUnavailable(
                "apertium returned fewer lines than it was given; reinstall it with `make translator`."
            )
        return [restore(" ".join(o.split()), kept) for o in out]


def protect(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """``lines`` with their names replaced by placeholders Apertium passes through untouched.

    Through the Spanish pivot a name that is also a word is translated as the
    word ("Mosca" -> "Fly", "Nato" -> "Born"); kept verbatim, a name stays
    the article's. A capitalised word that starts a line counts as a name when
    another line has it capitalised inside a sentence.
    """
    from rag.answering.faithfulness import names

    inside = frozenset(w for line in lines for n in names(line) for w in n.split())
    kept: dict[str, str] = {}
    out = []
    for line in lines:
        for name in sorted(names(line, known=inside), key=len, reverse=True):
            code = kept.setdefault(name, "Zxq" + "".join(chr(97 + int(d)) for d in str(len(kept))))
            line = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", code, line)
        out.append(line)
    return out, {code: name for name, code in kept.items()}


def restore(text: str, kept: dict[str, str]) -> str:
    """``text`` with :func:`protect`'s placeholders back to their names."""
    return re.sub(r"Zxq[a-j]+", lambda m: kept.get(m.group(0), m.group(0)), text) if kept else text


class ModelTranslator:
    """A chat model told to translate, one text per call, at temperature 0."""

    def __init__(self, *, model: Any, name: str) -> None:
        self.model = model
        self.name = name

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        from langchain_core.messages import HumanMessage, SystemMessage

        # Told only what to do: a prompt that lists what not to do ("add nothing") leaked into small
        # models' renderings ("Meloni has added nothing ...").
        system = (
            f"You are a professional translator. Translate the user's {LANGUAGE_NAMES[source]} text into fluent "
            f"{LANGUAGE_NAMES[target]}. Output only the {LANGUAGE_NAMES[target]} translation."
        )
        out = []
        for text in texts:
            reply = self.model.invoke([SystemMessage(system), HumanMessage(" ".join(text.split()))])
            out.append(" ".join(str(reply.content).split()))
        return out


def make_translators(spec: str, *, settings: Settings, chat_model: Any = None) -> list[Translator]:
    """The translators ``spec`` names, in fallback order; empty for ``none`` (or ``auto`` with none installed).

    A rendering withheld by the faithfulness check is tried again with the
    next translator (rag/answering/rendering.py).

    Args:
        spec: ``auto``, ``none``, or a comma-separated order of ``apertium`` and
            ``llamacpp:<model>``, e.g. ``llamacpp:qwen2.5-1.5b,apertium``.
        settings: Timeouts and the model directory.
        chat_model: Builds a chat model for a ``llamacpp:`` spec (the engine's, so one model is loaded once).

    Raises:
        ConfigError: An unknown spec, or a named translator that is not installed.
    """
    spec = spec.strip()
    if spec == "none":
        return []
    if spec == "auto":
        first = next((c for c in AUTO_ORDER if _installed(c, settings=settings)), None)
        return [make_translator(first, settings=settings, chat_model=chat_model)] if first else []
    return [make_translator(part, settings=settings, chat_model=chat_model) for part in spec.split(",")]


def make_translator(spec: str, *, settings: Settings, chat_model: Any = None) -> Translator:
    """The one translator ``spec`` names (``apertium`` or ``llamacpp:<model>``); see :func:`make_translators`."""
    kind, _, name = spec.strip().partition(":")
    match kind:
        case "apertium":
            if not Apertium.available():
                raise ConfigError(
                    f"RAG_TRANSLATOR=apertium but Apertium is not installed; install it with {INSTALL_HINT}."
                )
            return Apertium(timeout=settings.llm_timeout)
        case "llamacpp" if name:
            if chat_model is None:
                from rag.answering.llm import make_chat_model

                return ModelTranslator(model=make_chat_model(spec, settings=settings), name=spec.strip())
            return ModelTranslator(model=chat_model(spec.strip()), name=spec.strip())
    raise ConfigError(f"RAG_TRANSLATOR={spec!r} is not one of {', '.join(KINDS)}.")


# Measured on the parallel set's dev half (docs/BENCHMARKS.md, "Renderings").
AUTO_ORDER = ("apertium",)  # the local models render more fluently but invert facts (docs/BENCHMARKS.md): opt-in only


def _installed(spec: str, *, settings: Settings) -> bool:
    if spec == "apertium":
        return Apertium.available()
    from rag.answering.local_models import installed

    if importlib.util.find_spec("llama_cpp") is None:
        return False
    return installed(spec.partition(":")[2], cache_dir=settings.model_dir)
