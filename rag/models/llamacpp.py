"""The in-process llama.cpp chat model (``llamacpp:<model>``), through LangChain's ``ChatLlamaCpp``.

One llama.cpp context serves one generation at a time, so calls queue on a
lock; the wait and the generation together are bounded by ``RAG_LLM_TIMEOUT``,
after which the answer falls back to the extractive one like any backend that
does not reply in time. A reply that starts repeating its own lines is cut there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_community.chat_models import ChatLlamaCpp
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import PrivateAttr

from rag.models.local_models import gguf_path
from rag.settings import Settings
from rag.text.words import ENUMERATOR

CONTEXT_TOKENS = 4096  # five passages of ~600 characters, the prompts and the reply fit with room
MAX_REPLY_TOKENS = 384  # a short cited answer; a run-on reply is cut here


class LocalChatModel(ChatLlamaCpp):
    """``ChatLlamaCpp`` that serialises calls and honours a deadline."""

    timeout: float = 30.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        deadline = time.monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            raise TimeoutError(f"the local model was busy for {self.timeout:g} s")
        lines = RepeatedLine()
        try:
            for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
                yield chunk
                if lines.ends(chunk.text):
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the local model did not finish within {self.timeout:g} s")
        finally:
            self._lock.release()


class RepeatedLine:
    """Sees a small model's reply fall into a loop: a line it has already written, written again.

    Greedy decoding lets the 0.5B model repeat one list item until the token
    limit ("1. The Italia ... 2. The Italia ..."); the verifier keeps one copy
    anyway, so generation stops at the first repeat instead of running on.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._open = ""

    def ends(self, piece: str) -> bool:
        """Feed the next piece of the reply; True once a finished line repeats an earlier one."""
        *done, self._open = (self._open + piece).split("\n")
        for line in done:
            key = " ".join(ENUMERATOR.sub("", line).split()).casefold()
            if key and key in self._seen:
                return True
            self._seen.add(key)
        return False


def local_chat_model(name: str, *, settings: Settings) -> LocalChatModel:
    """The chat model for ``llamacpp:<name>``: a bundled model's name or a GGUF path."""
    path = gguf_path(name, cache_dir=settings.model_dir)
    return LocalChatModel(
        model_path=str(path),
        n_ctx=CONTEXT_TOKENS,
        n_batch=512,  # the default 8 makes reading a 1,500-token prompt ~10× slower
        n_threads=settings.llm_threads,
        max_tokens=MAX_REPLY_TOKENS,
        temperature=0.0,
        seed=0,
        streaming=True,
        verbose=False,
        timeout=settings.llm_timeout,
    )
