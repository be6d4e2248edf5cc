"""BM25 over chunk texts with Italian stemming (bm25s + Snowball), in memory."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path


class LexicalIndex:
    """A BM25 index of chunks, rebuilt when the store changes."""

    def __init__(self, chunks: Iterable[tuple[str, str]]) -> None:
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("italian")
        pairs = list(chunks)
        self.ids = [i for i, _ in pairs]
        self._bm25 = bm25s.BM25()
        if pairs:
            tokens = bm25s.tokenize([t for _, t in pairs], stopwords="it", stemmer=self._stemmer, show_progress=False)
            self._bm25.index(tokens, show_progress=False)

    @classmethod
    def cached(cls, folder: Path | None, chunks: Iterable[tuple[str, str]]) -> LexicalIndex:
        """Load the index saved in ``folder``, or build it from ``chunks`` and save it there.

        Building takes seconds at 10k chunks and more at 100k, so a new process
        (the CLI, a restarted app) loads the one the last process saved for
        the same index generation instead.
        """
        import bm25s
        import Stemmer

        if folder is not None and (folder / "ids.json").exists():
            with contextlib.suppress(OSError, ValueError):
                index = cls.__new__(cls)
                index._stemmer = Stemmer.Stemmer("italian")
                index.ids = json.loads((folder / "ids.json").read_text())
                index._bm25 = (
                    bm25s.BM25.load(str(folder), mmap=True, show_progress=False) if index.ids else bm25s.BM25()
                )
                return index
        index = cls(chunks)
        if folder is not None:
            index._save(folder)
        return index

    def _save(self, folder: Path) -> None:
        tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):  # an unwritable folder only costs the speed-up
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            if self.ids:
                self._bm25.save(str(tmp), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps(self.ids))
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` best chunk ids for ``query`` with their BM25 scores (> 0)."""
        import bm25s

        if not self.ids:
            return []
        tokens = bm25s.tokenize([query], stopwords="it", stemmer=self._stemmer, show_progress=False)
        if not tokens.vocab:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], weight: float) -> list[tuple[str, float]]:
    """Blend dense cosine scores with max-normalised BM25 scores.

    ``score = (1 - weight) * cosine + weight * bm25 / max(bm25)``; a chunk
    found by only one side gets 0 from the other.
    """
    top = max((s for _, s in lexical), default=0.0) or 1.0
    scores: dict[str, float] = {i: (1 - weight) * s for i, s in dense}
    for i, s in lexical:
        scores[i] = scores.get(i, 0.0) + weight * s / top
    return sorted(scores.items(), key=lambda kv: -kv[1])
