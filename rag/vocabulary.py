"""Which names the corpus knows: a question about a name no article mentions
("What did Biden say in Paris?") is refused rather than answered with
something about someone else.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from rag.question import words
from vectorstore.embeddings import Embedder

# With the default embedder, translations of a name (Paris/Parigi, Kyiv/Kiev,
# United Kingdom/Regno Unito) score >= 0.7, different people < 0.5, and
# different countries (Brasile/Italia) or loose translations (Oval
# Office/Studio Ovale) in between: those count as "maybe".
KNOWN = 0.7
UNKNOWN = 0.5
_NAME_RUN = re.compile(r"(?:[A-ZÀ-Ý][\w'’-]+)(?:\s+[A-ZÀ-Ý][\w'’-]+)*")


def fold(word: str) -> str:
    """Lower case without accents: ``Zelenskyj`` -> ``zelenskyj``, ``È`` -> ``e``."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Vocabulary:
    """The words and capitalised names of every indexed article."""

    def __init__(self, texts: Iterable[str], *, embedder: Embedder, folder: Path | None = None) -> None:
        self._words: set[str] = set()
        names: set[str] = set()
        for text in texts:
            self._words.update(fold(w) for w in words(text))
            names.update(m.group(0) for m in _NAME_RUN.finditer(text))
        self._names = sorted(names)
        self._setup(embedder, folder)

    def _setup(self, embedder: Embedder, folder: Path | None) -> None:
        self._prefixes = {w[:5] for w in self._words if len(w) >= 5}
        self._stems = set(_stem(sorted(self._words)))
        self._embedder = embedder
        self._folder = folder
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    @classmethod
    def cached(cls, folder: Path, texts: Callable[[], Iterable[str]], *, embedder: Embedder) -> Vocabulary:
        """Load the vocabulary saved in ``folder`` or build it from ``texts()`` and save it.

        The name vectors are saved too, once a question first needs them.
        """
        with contextlib.suppress(OSError, ValueError, KeyError):
            data = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
            vocabulary = cls.__new__(cls)
            vocabulary._words, vocabulary._names = set(data["words"]), list(data["names"])
            vocabulary._setup(embedder, folder)
            with contextlib.suppress(OSError, ValueError):
                vectors = np.load(folder / "names.npy")
                if len(vectors) == len(vocabulary._names):
                    vocabulary._vectors = vectors
            return vocabulary
        vocabulary = cls(texts(), embedder=embedder, folder=folder)
        with contextlib.suppress(OSError):  # an unwritable folder only costs the speed-up
            folder.mkdir(parents=True, exist_ok=True)
            payload = {"words": sorted(vocabulary._words), "names": vocabulary._names}
            (folder / "vocabulary.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return vocabulary

    def knows(self, word: str) -> bool:
        """Whether ``word`` occurs in the corpus as written or by its Snowball stem (ucraino / Ucraina)."""
        w = fold(word)
        return w in self._words or _stem([w])[0] in self._stems

    def unknown_share(self, words: list[str]) -> float:
        """The share of ``words`` the corpus never uses (0 for no words)."""
        return sum(not self.knows(w) for w in words) / len(words) if words else 0.0

    def closeness(self, name: str) -> float:
        """How surely ``name`` (one or more words) is mentioned in the corpus.

        1.0 when every word is found as written or by its first five letters
        (Ucraina / ucraino); else the cosine of the name with the nearest
        corpus name (Paris / Parigi 0.91, Biden / Trump 0.48).
        """
        parts = [fold(w) for w in name.split()]
        if all(p in self._words or (len(p) >= 5 and p[:5] in self._prefixes) for p in parts):
            return 1.0
        return self._nearest(name)

    def _nearest(self, name: str) -> float:
        if not self._names:
            return 0.0
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.embed(self._names)
                if self._folder is not None:
                    with contextlib.suppress(OSError):
                        np.save(self._folder / "names.npy", self._vectors)
        query = self._embedder.embed([name])[0]
        return float(np.max(self._vectors @ query))


def _stem(words: list[str]) -> list[str]:
    import Stemmer

    return list(Stemmer.Stemmer("italian").stemWords(words))


def name_phrases(question: str, names: list[str]) -> list[str]:
    """Group adjacent names of a question into phrases ("United Kingdom")."""
    phrases: list[str] = []
    for m in _NAME_RUN.finditer(question):
        run = [w for w in re.sub(r"['’]s\b", "", m.group(0)).split() if w in names]
        if run:
            phrases.append(" ".join(run))
    return phrases
