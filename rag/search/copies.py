"""Near-duplicate passages and articles: the same wire story reprinted by several outlets.

Each chunk gets a MinHash signature of its word 3-grams (datasketch); an LSH
index proposes candidate pairs in near-linear time and each candidate near the
threshold is verified on the exact Jaccard of the hashed 3-grams. Two chunks of
different articles whose Jaccard is at least :data:`THRESHOLD` are copies of each
other (a chunk keeps its :data:`MAX_COPIES` closest). Two articles
are one story when at least half the chunks of either have a copy in the other.

Signatures depend only on a chunk's text, and chunk ids on its content, so
they are kept across index generations (only new chunks are hashed) and the
groups are rebuilt from them for each generation: ingest, ``--prune`` and
deletions change the groups by changing the chunks, and a crash leaves
nothing to repair (the groups are derived from the store).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np

# Jaccard of word 3-grams from which two passages are copies. On the
# multi-outlet corpus (evaluation/reprints.py) reprinted passages with edits sit
# above 0.6 and passages of different stories below 0.15; see docs/BENCHMARKS.md.
THRESHOLD = 0.5
NUM_PERM = 64
SCHEME = "affine32"  # datasketch's default; saved signatures must be read back with it
# Shingles are hashed with CRC-32 (C, 32 bits, stable across processes) rather than
# datasketch's default SHA-1 in Python: the hashing was most of the build time.
# LSH bands of 3 values, 21 of them: a pair at Jaccard 0.5 becomes a candidate with
# probability 0.94, at 0.6 with 0.994, at 0.2 with 0.15 (1 - (1 - J^3)^21).
LSH_BANDS = (21, 3)
# Around the threshold the MinHash estimate (standard error ~0.06 at 64 permutations) is not trusted.
MARGIN = 0.15
STORY_SHARE = 0.5
# A wire story is reprinted by tens of outlets; a bucket or a copy list larger than this
# is boilerplate or a recombined corpus, where all pairs grow with the square of the corpus
# (the 10k synthetic benchmark corpus: 251k pairs, 286 copies of one chunk; at 100k the
# build passed 13 GB). Above it, neighbours are sampled and each passage keeps its closest
# copies: the top five still skips them, and "also in" names that many. On the reprint
# corpus (evaluation/reprints.py) the largest bucket holds 8 passages and the most
# reprinted passage has 6 copies.
BUCKET_CAP = 64
MAX_COPIES = 32
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 3) -> set[str]:
    """Word ``n``-grams of ``text``, lowercased (the words themselves for a very short text)."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return set(words)
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


class Copies:
    """Which chunks are copies of which, and which articles tell one story.

    The copy lists are held as arrays (a chunk's row, then the rows of its copies) rather
    than tuples of id strings: at 100k chunks they are a million pairs, loaded by every
    process that answers.
    """

    def __init__(
        self, names: list[str], docs: list[str], offsets: np.ndarray, targets: np.ndarray, story: dict[str, str]
    ) -> None:
        self._names = names  # chunk ids that have copies, with their doc ids
        self._docs = docs
        self._row = {cid: i for i, cid in enumerate(names)}
        self._offsets = offsets
        self._targets = targets
        self._story = story

    @classmethod
    def build(cls, chunks: Iterable[tuple[str, str, str]], *, signatures: Path | None = None) -> Copies:
        """Group ``(chunk_id, doc_id, text)`` triples; ``signatures`` caches MinHash values across generations."""
        from datasketch import LeanMinHash, MinHash, MinHashLSH

        items = list(chunks)
        text_of = {cid: text for cid, _, text in items}
        doc_of = {cid: doc for cid, doc, _ in items}
        ids = sorted(text_of)  # rows in id order: the runs and ties below do not depend on the store's order
        known = _load_signatures(signatures)
        todo = [cid for cid in ids if cid not in known]
        # One sketch reused: MinHash.bulk copies its permutations into every new sketch.
        sketch = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32)
        for cid in todo:
            sketch.clear()
            sketch.update_batch([g.encode() for g in shingles(text_of[cid])])
            known[cid] = sketch.hashvalues.copy()
        if signatures is not None and (todo or len(known) != len(ids)):
            _save_signatures(signatures, {cid: known[cid] for cid in ids})
        lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
        row = {cid: i for i, cid in enumerate(ids)}
        values = np.array([known[cid] for cid in ids], dtype=np.uint32).reshape(len(ids), NUM_PERM)
        # Lean sketches: built from saved values without re-deriving the permutations for each.
        hashes = [LeanMinHash(seed=1, hashvalues=v, scheme=SCHEME) for v in values]
        with lsh.insertion_session() as session:
            for cid, mh in zip(ids, hashes, strict=True):
                session.insert(cid, mh, check_duplication=False)
        del hashes
        # Candidates are the members of each shared LSH bucket, read once per band
        # (cheaper than querying every sketch back: one pass instead of n queries) and
        # checked bucket by bucket, so only verified pairs are kept.
        docs = np.unique([doc_of[cid] for cid in ids], return_inverse=True)[1]
        near: dict[int, dict[int, float]] = defaultdict(dict)
        grams: dict[int, np.ndarray] = {}
        exact: dict[int, bool] = {}

        def is_copy(i: int, j: int) -> bool:
            if i * len(ids) + j not in exact:
                for k in (i, j):
                    if k not in grams:  # hashed: 4 bytes a 3-gram, not a string
                        grams[k] = np.unique([zlib.crc32(g.encode()) for g in shingles(text_of[ids[k]])])
                shared = len(np.intersect1d(grams[i], grams[j], assume_unique=True))
                union = len(grams[i]) + len(grams[j]) - shared
                exact[i * len(ids) + j] = union > 0 and shared / union >= THRESHOLD
            return exact[i * len(ids) + j]

        for table in lsh.hashtables:
            for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
                members = table.get(key)
                if len(members) < 2:
                    continue
                for window in _windows(np.sort([row[cid] for cid in members])):
                    # The signatures' agreement estimates the Jaccard of all pairs at once;
                    # only those near the threshold, where the estimate may err, are checked exactly.
                    block = values[window]
                    estimate = (block[:, None, :] == block[None, :, :]).mean(axis=2)
                    upper = np.triu(docs[window][:, None] != docs[window][None, :], k=1)
                    for a, b in zip(*np.nonzero(upper & (estimate > THRESHOLD - MARGIN)), strict=True):
                        i, j, est = int(window[a]), int(window[b]), float(estimate[a, b])
                        if est >= THRESHOLD + MARGIN or is_copy(i, j):
                            _keep(near[i], j, est)
                            _keep(near[j], i, est)
        del lsh
        grams.clear()
        exact.clear()
        lists = {ids[i]: sorted(ids[j] for j in _best(found)) for i, found in near.items()}
        return cls.of_lists(lists, doc_of)

    @classmethod
    def of_lists(cls, lists: dict[str, list[str]], doc_of: dict[str, str]) -> Copies:
        """Copies from each chunk's list of copies (and every chunk's doc id)."""
        names = sorted(lists)
        row = {cid: i for i, cid in enumerate(names)}
        offsets = np.cumsum([0] + [len(lists[c]) for c in names]).astype(np.int64)
        targets = np.array([row[o] for c in names for o in lists[c]], dtype=np.int32)
        story = _stories(lists, doc_of)
        return cls(names, [doc_of[c] for c in names], offsets, targets, story)

    @classmethod
    def cached(cls, folder: Path, chunks: Iterable[tuple[str, str, str]], *, signatures: Path | None = None) -> Copies:
        """Load the groups saved in ``folder`` (one index generation) or build and save them."""
        import io

        path = folder / "copies.npz"
        with contextlib.suppress(OSError, ValueError, KeyError), np.load(path) as data:
            story = dict(zip(data["story_docs"].tolist(), data["story_roots"].tolist(), strict=True))
            return cls(data["names"].tolist(), data["docs"].tolist(), data["offsets"], data["targets"], story)
        found = cls.build(chunks, signatures=signatures)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            names=np.array(found._names, dtype=str),
            docs=np.array(found._docs, dtype=str),
            offsets=found._offsets,
            targets=found._targets,
            story_docs=np.array(list(found._story), dtype=str),
            story_roots=np.array(list(found._story.values()), dtype=str),
        )
        _write_atomically(path, buffer.getvalue())
        return found

    def _rows(self, chunk_id: str) -> np.ndarray:
        i = self._row.get(chunk_id)
        return self._targets[:0] if i is None else self._targets[self._offsets[i] : self._offsets[i + 1]]

    def of(self, chunk_id: str) -> tuple[str, ...]:
        """Chunk ids of the copies of ``chunk_id`` in other articles (its closest :data:`MAX_COPIES`)."""
        return tuple(self._names[j] for j in self._rows(chunk_id))

    def docs_of(self, chunk_id: str) -> tuple[str, ...]:
        """Doc ids of the other articles that carry a copy of ``chunk_id``."""
        return tuple(sorted({self._docs[j] for j in self._rows(chunk_id)}))

    def story(self, doc_id: str) -> str:
        """A name shared by all articles that reprint one story (the doc id itself if none does)."""
        return self._story.get(doc_id, doc_id)

    def pairs(self) -> set[tuple[str, str]]:
        """Every copy pair, each once as ``(smaller id, larger id)``."""
        return {(a, b) for a in self._names for b in self.of(a) if a < b}


def _stories(copies: dict[str, list[str]], doc_of: dict[str, str]) -> dict[str, str]:
    """Join articles where at least half the chunks of one have a copy in the other (union-find)."""
    size: dict[str, int] = defaultdict(int)
    for doc in doc_of.values():
        size[doc] += 1
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cid, found in copies.items():
        for other in found:
            shared[(doc_of[cid], doc_of[other])].add(cid)
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        while parent.get(d, d) != d:
            d = parent[d]
        return d

    for (a, b), mine in sorted(shared.items()):
        if len(mine) >= STORY_SHARE * size[a]:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    joined = {*parent, *parent.values()}
    return {d: root(d) for d in sorted(joined)}


def _windows(rows: np.ndarray) -> Iterable[np.ndarray]:
    """The bucket itself, or for a bucket over :data:`BUCKET_CAP` overlapping runs of it.

    A run of ``BUCKET_CAP`` starting every half run: each member is compared with its
    neighbours in id order (random, as ids are content hashes) instead of with all others,
    so a passage printed in thousands of articles (a newsletter box) costs linear time.
    """
    if len(rows) <= BUCKET_CAP:
        yield rows
        return
    half = BUCKET_CAP // 2
    for start in range(0, len(rows) - half, half):
        yield rows[start : start + BUCKET_CAP]


def _keep(found: dict[int, float], other: int, estimate: float) -> None:
    """Add a copy, trimming to the closest :data:`MAX_COPIES` once twice as many are held."""
    found[other] = max(estimate, found.get(other, 0.0))
    if len(found) >= 2 * MAX_COPIES:
        kept = _best(found)
        for j in [j for j in found if j not in kept]:
            del found[j]


def _best(found: dict[int, float]) -> set[int]:
    """The :data:`MAX_COPIES` closest copies (ties by row, so the result does not depend on order)."""
    return set(sorted(found, key=lambda j: (-found[j], j))[:MAX_COPIES])


def _load_signatures(path: Path | None) -> dict[str, np.ndarray]:
    if path is None:
        return {}
    with contextlib.suppress(OSError, ValueError, KeyError), np.load(path) as data:
        return dict(zip((str(i) for i in data["ids"]), data["values"], strict=True))
    return {}


def _save_signatures(path: Path, signatures: dict[str, np.ndarray]) -> None:
    import io

    buffer = io.BytesIO()
    ids = list(signatures)
    values = np.array([signatures[i] for i in ids], dtype=np.uint32).reshape(len(ids), NUM_PERM)
    np.savez(buffer, ids=np.array(ids, dtype=str), values=values)
    _write_atomically(path, buffer.getvalue())


def _write_atomically(path: Path, data: bytes) -> None:
    with contextlib.suppress(OSError):  # an unwritable folder only costs the speed-up
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: a reader never sees half a file (two builders may race).
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)
