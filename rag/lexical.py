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
    """Blend dense and BM25 scores after standardising each list (z-scores).

    ``score = z(dense) + weight * z(bm25)``, each side standardised over its
    own candidate list, so neither scale dominates; a chunk found by only one
    side gets the other side's lowest listed score. On the SQuAD-it tune half
    this beat reciprocal rank fusion (MRR@5 0.837 vs 0.813; docs/BENCHMARKS.md).
    """
    d = _standardised(dense)
    lx = _standardised(lexical) if weight > 0 else {}
    d_floor = min(d.values(), default=0.0)
    l_floor = min(lx.values(), default=0.0)
    scores = {i: d.get(i, d_floor) + weight * lx.get(i, l_floor) for i in [*d, *lx]}
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _standardised(scored: list[tuple[str, float]]) -> dict[str, float]:
    if not scored:
        return {}
    values = [s for _, s in scored]
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    if spread < 1e-9:  # one candidate, or all tied: rank order is all there is
        return {i: 0.0 for i, _ in scored}
    return {i: (s - mean) / spread for i, s in scored}
