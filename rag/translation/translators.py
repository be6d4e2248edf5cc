"""Machine translators for renderings of cited sentences, chosen by a ``"kind:name"`` string.

``apertium`` is Debian's rule-based translator (Italian <-> English through
Spanish: deterministic, gist quality, milliseconds a call once its pipeline
runs: rag/translation/apertium.py); ``llamacpp:<model>``
prompts a local model (rag/models/local_models.py). ``auto`` picks the
first one installed in :data:`AUTO_ORDER`, the order measured in
docs/BENCHMARKS.md; ``none`` turns renderings off.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any, Protocol

from rag.errors import ConfigError
from rag.settings import Settings
from rag.text.language import LANGUAGE_NAMES
from rag.translation.apertium import Apertium

KINDS = ("auto", "none", "apertium", "llamacpp:<model>", "a comma-separated order of those two")
INSTALL_HINT = "`make translator` (Apertium) or `make local-model` (a local model)"


class Translator(Protocol):
    """Renders sentences from one language into another."""

    name: str

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """One rendering per text, in order."""
        ...


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
    next translator (rag/translation/rendering.py).

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
                from rag.models.llm import make_chat_model

                return ModelTranslator(model=make_chat_model(spec, settings=settings), name=spec.strip())
            return ModelTranslator(model=chat_model(spec.strip()), name=spec.strip())
    raise ConfigError(f"RAG_TRANSLATOR={spec!r} is not one of {', '.join(KINDS)}.")


# Measured on the parallel set's dev half (docs/BENCHMARKS.md, "Renderings").
AUTO_ORDER = ("apertium",)  # the local models render more fluently but invert facts (docs/BENCHMARKS.md): opt-in only


def _installed(spec: str, *, settings: Settings) -> bool:
    if spec == "apertium":
        return Apertium.available()
    from rag.models.local_models import installed

    if importlib.util.find_spec("llama_cpp") is None:
        return False
    return installed(spec.partition(":")[2], cache_dir=settings.model_dir)
