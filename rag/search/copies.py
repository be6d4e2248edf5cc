"""Near-duplicate passages and articles: the same wire story reprinted by several outlets.

Each chunk gets a MinHash signature of its word 3-grams (datasketch); an LSH
index proposes candidate pairs in near-linear time and each candidate is
verified on the exact 3-gram Jaccard. Two chunks of different articles whose
Jaccard is at least :data:`THRESHOLD` are copies of each other. Two articles
are one story when at least half the chunks of either have a copy in the other.

Signatures depend only on a chunk's text, and chunk ids on its content, so
they are kept across index generations (only new chunks are hashed) and the
groups are rebuilt from them for each generation: ingest, ``--prune`` and
deletions change the groups by changing the chunks, and a crash leaves
nothing to repair (the groups are derived from the store).
"""

from __future__ import annotations

import contextlib
import json
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
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 3) -> set[str]:
    """Word ``n``-grams of ``text``, lowercased (the words themselves for a very short text)."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return set(words)
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 0.0


class Copies:
    """Which chunks are copies of which, and which articles tell one story."""

    def __init__(self, copies: dict[str, tuple[str, ...]], doc_of: dict[str, str], story: dict[str, str]) -> None:
        self._copies = copies
        self._doc_of = doc_of
        self._story = story

    @classmethod
    def build(cls, chunks: Iterable[tuple[str, str, str]], *, signatures: Path | None = None) -> Copies:
        """Group ``(chunk_id, doc_id, text)`` triples; ``signatures`` caches MinHash values across generations."""
        from datasketch import LeanMinHash, MinHash, MinHashLSH

        items = list(chunks)
        text_of = {cid: text for cid, _, text in items}
        doc_of = {cid: doc for cid, doc, _ in items}
        ids = list(text_of)
        grams: dict[str, set[str]] = {}

        def gram(cid: str) -> set[str]:  # only new chunks and near-threshold pairs need them
            if cid not in grams:
                grams[cid] = shingles(text_of[cid])
            return grams[cid]

        known = _load_signatures(signatures)
        todo = [cid for cid in ids if cid not in known]
        # One sketch reused: MinHash.bulk copies its permutations into every new sketch.
        sketch = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32)
        for cid in todo:
            sketch.clear()
            sketch.update_batch([g.encode() for g in gram(cid)])
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
        # Candidates are the members of each shared LSH bucket, read once per band
        # (cheaper than querying every sketch back: one pass instead of n queries).
        candidates: dict[str, set[str]] = defaultdict(set)
        for table in lsh.hashtables:
            for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
                members = table.get(key)
                if len(members) > 1:
                    for cid in members:
                        candidates[cid].update(o for o in members if o > cid and doc_of[o] != doc_of[cid])
        pairs: dict[str, list[str]] = defaultdict(list)
        for cid, found in candidates.items():
            if not found:
                continue
            others = sorted(found)
            # The signatures' agreement estimates the Jaccard for all candidates at once; only
            # those near the threshold, where the estimate may err, are checked exactly.
            estimate = (values[[row[o] for o in others]] == values[row[cid]]).mean(axis=1)
            for other, est in zip(others, estimate, strict=True):
                if est >= THRESHOLD + MARGIN or (
                    est > THRESHOLD - MARGIN and jaccard(gram(cid), gram(other)) >= THRESHOLD
                ):
                    pairs[cid].append(other)
                    pairs[other].append(cid)
        copies = {cid: tuple(sorted(found)) for cid, found in pairs.items()}
        story = _stories(copies, doc_of)
        return cls(copies, {c: doc_of[c] for c in copies}, story)

    @classmethod
    def cached(cls, folder: Path, chunks: Iterable[tuple[str, str, str]], *, signatures: Path | None = None) -> Copies:
        """Load the groups saved in ``folder`` (one index generation) or build and save them."""
        path = folder / "copies.json"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls({k: tuple(v) for k, v in data["copies"].items()}, data["doc_of"], data["story"])
        found = cls.build(chunks, signatures=signatures)
        payload = {"copies": found._copies, "doc_of": found._doc_of, "story": found._story}
        _write_atomically(path, json.dumps(payload).encode())
        return found

    def of(self, chunk_id: str) -> tuple[str, ...]:
        """Chunk ids of the copies of ``chunk_id`` in other articles."""
        return self._copies.get(chunk_id, ())

    def docs_of(self, chunk_id: str) -> tuple[str, ...]:
        """Doc ids of the other articles that carry a copy of ``chunk_id``."""
        return tuple(sorted({self._doc_of[c] for c in self.of(chunk_id)}))

    def story(self, doc_id: str) -> str:
        """A name shared by all articles that reprint one story (the doc id itself if none does)."""
        return self._story.get(doc_id, doc_id)

    def pairs(self) -> set[tuple[str, str]]:
        """Every copy pair, each once as ``(smaller id, larger id)``."""
        return {(a, b) for a, found in self._copies.items() for b in found if a < b}


def _stories(copies: dict[str, tuple[str, ...]], doc_of: dict[str, str]) -> dict[str, str]:
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
