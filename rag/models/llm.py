"""Chat models for generative answers, chosen by a ``"kind:model"`` string."""

from __future__ import annotations

import re
from typing import Any

from rag.errors import ConfigError
from rag.settings import Settings

KINDS = ("extractive", "llamacpp:<bundled model or .gguf path>", "ollama:<model>", "openai:<model>")
EXTRAS = {"llamacpp": "llama-cpp-python", "ollama": "langchain-ollama", "openai": "langchain-openai"}
INSTALL = {
    "llamacpp": "`make local-model`",
    "ollama": "`pip install -e '.[ollama]'` (or `make install`)",
    "openai": "`pip install -e '.[openai]'` (or `make install`)",
}


# What each kind of answerer costs, said once where the user picks one (the app's Mode list).
COSTS = {
    "extractive": "quotes the articles' sentences; well under a second",
    "qwen2.5-0.5b": "local model, writes its own sentences; median 29 s an answer on 2 cores (docs/BENCHMARKS.md)",
    "qwen2.5-1.5b": "local model, three times the 0.5B's weights; slower still",
    "ollama": "a model served by Ollama; as fast as its server",
    "openai": "an OpenAI-compatible server; as fast as its server",
}


def ready_answerers(settings: Settings) -> list[tuple[str, str]]:
    """``(answerer, what it costs)`` for each answerer this machine can use now: the configured one, extractive,
    and each bundled local model whose parts ``make local-model`` installed (with llama.cpp)."""
    from importlib.util import find_spec

    from rag.models.local_models import MODELS, installed

    names = [settings.answerer.strip(), "extractive"]  # the configured one first: the default choice
    if find_spec("llama_cpp") is not None:
        names += [f"llamacpp:{m}" for m in MODELS if installed(m, cache_dir=settings.model_dir)]
    return [(name, cost(name)) for name in dict.fromkeys(names)]


def cost(answerer: str) -> str:
    """What ``answerer`` costs, in a few words for the person choosing it."""
    kind, _, model = answerer.strip().partition(":")
    return COSTS.get(model) or COSTS.get(kind) or "a language model"


def offered_answerers(settings: Settings) -> list[tuple[str, str]]:
    """``(answerer, what it costs)`` for each answerer the app offers every visitor.

    The owner's ``RAG_APP_ANSWERERS`` when set, else every ready one (:func:`ready_answerers`): a visitor
    picks from this list and never types a model, a path or a server.
    """
    if names := settings.app_answerer_names:
        return [(name, cost(name)) for name in names]
    return ready_answerers(settings)


def typed_answerer(typed: str, *, settings: Settings) -> str:
    """The answerer an editor typed into the app, checked, as the engine takes it.

    The app's editors may name any ``ollama:`` or ``openai:`` model on the servers the owner configured,
    but ``llamacpp:`` only a bundled model or a ``.gguf`` file in ``RAG_MODEL_DIR``, never another path
    on the server. (The CLI and the Python API take any answerer: their user is the machine's user.)

    Raises:
        ConfigError: Not an answerer, or a ``llamacpp:`` model outside the model folder.
    """
    from rag.models.local_models import MODELS

    name = typed.strip()
    kind, _, model = name.partition(":")
    model = model.strip()
    if name == "extractive" or (kind in ("ollama", "openai") and model):
        return name
    if kind != "llamacpp" or not model:
        raise ConfigError(f"{name!r} is not an answerer; type one of {', '.join(KINDS)}.")
    if model in MODELS:
        return f"llamacpp:{model}"
    folder = settings.model_dir.expanduser().resolve()
    path = (folder / model).resolve()
    if path.suffix != ".gguf" or not path.is_relative_to(folder) or not path.is_file():
        raise ConfigError(
            f"llamacpp:{model} is refused in the app: name a bundled model ({', '.join(MODELS)}) or a .gguf "
            "file in the server's model folder (RAG_MODEL_DIR) by its file name."
        )
    return f"llamacpp:{path}"


def is_llm(answerer: str) -> bool:
    """True when ``answerer`` names a language model rather than ``extractive``."""
    return answerer.strip() != "extractive"


def make_chat_model(answerer: str, *, settings: Settings) -> Any:
    """Build the LangChain chat model that ``answerer`` names.

    Args:
        answerer: ``llamacpp:<model>`` (in process: a bundled model's name
            or a GGUF path), ``ollama:<model>`` (``OLLAMA_HOST``) or
            ``openai:<model>`` (``OPENAI_BASE_URL``, ``OPENAI_API_KEY``; any
            OpenAI-compatible server).
        settings: Timeouts, threads and the servers' addresses.

    Raises:
        ConfigError: unknown kind, empty model name, or the backend's package
            is not installed (naming the extra to install).
    """
    kind, _, model = answerer.strip().partition(":")
    if kind not in EXTRAS or not model:
        raise ConfigError(f"RAG_ANSWERER={answerer!r} is not one of {', '.join(KINDS)}.")
    # No retries: a dead backend should fall back to extractive answers at once.
    match kind:
        case "llamacpp":
            try:
                from rag.models.llamacpp import local_chat_model
            except ImportError:
                raise _missing("llamacpp") from None
            return local_chat_model(model, settings=settings)
        case "ollama":
            try:
                from langchain_ollama import ChatOllama
            except ImportError:
                raise _missing("ollama") from None
            return ChatOllama(
                model=model,
                base_url=settings.ollama_host,
                temperature=0,
                client_kwargs={"timeout": settings.llm_timeout},
            )
        case "openai":
            try:
                from langchain_openai import ChatOpenAI
                from pydantic import SecretStr
            except ImportError:
                raise _missing("openai") from None
            return ChatOpenAI(
                model=model,
                base_url=settings.openai_base_url,
                # Local servers (llama.cpp, vLLM, LM Studio) accept any key.
                api_key=SecretStr(settings.openai_api_key or "not-needed"),
                temperature=0,
                timeout=settings.llm_timeout,
                max_retries=0,
            )
    raise AssertionError(kind)  # pragma: no cover - EXTRAS guards the match


def _missing(kind: str) -> ConfigError:
    return ConfigError(f"the {kind} backend needs {EXTRAS[kind]}; install it with {INSTALL[kind]}.")


def describe_failure(exc: BaseException, *, answerer: str, settings: Settings) -> str:
    """Why a backend failed, in one line for people (never showing the API key)."""
    name = type(exc).__name__
    kind = answerer.partition(":")[0]
    if kind == "llamacpp":
        if "Timeout" in name or isinstance(exc, TimeoutError):
            return f"{exc} (RAG_LLM_TIMEOUT)"
        return f"{name}: {' '.join(str(exc).split())[:160]}"
    where = (settings.ollama_host or "http://127.0.0.1:11434") if kind == "ollama" else settings.openai_base_url
    where = where or "the default server"
    if "Timeout" in name or isinstance(exc, TimeoutError):
        why = f"no reply from {where} within {settings.llm_timeout:g} s (RAG_LLM_TIMEOUT)"
    elif "Connect" in name or isinstance(exc, ConnectionError):
        why = (
            f"cannot reach {where}; start the server or fix {'OLLAMA_HOST' if kind == 'ollama' else 'OPENAI_BASE_URL'}"
        )
    else:
        # Only the exception's own text can hold the key; our words around it never do.
        why = f"{name}: {scrub(' '.join(str(exc).split()), settings.openai_api_key)[:160]}"
    return why


def scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` replaced by ``***`` wherever it stands as a whole token.

    A short key ("x") or one that is an ordinary word must not eat the
    letters of other words, so only standalone occurrences go.
    """
    if not secret:
        return text
    return re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", "***", text)
