"""Repair after a killed writer: each vector collection copied afresh and swapped in, crash-safe."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from vectorstore.core import StoreClient


class Repair:
    """Rebuilding the collections so a recovered index searches as a clean one."""

    def __init__(self, client: StoreClient) -> None:
        self.client = client

    def rebuild(self, parts: Sequence[str] = ("sentences", "chunks", "docs")) -> None:
        """Copy each vector collection into a fresh one, in id order, and swap it in.

        After a writer is killed, Chroma's HNSW graph of a collection can stop
        reaching a vector its records hold (deleted and re-added labels, or a
        graph persisted half-way), so a recovered index answered differently
        from a clean one. A graph built anew from the stored records, with no
        deletions in its history, searches as a clean ingest's does.

        Crash-safe: the copy is complete before the original is dropped, and
        ``ChromaStore.open`` finishes a swap that was cut between the two.
        """
        for part in parts:
            name = self.client.names[part]
            spare = f"{name}-rebuild"
            with contextlib.suppress(Exception):  # a copy a killed rebuild left unfinished
                self.client.chroma.delete_collection(spare)
            old = self.client.call(self.client.chroma.get_collection, name, embedding_function=None)
            fresh = self.client.call(
                self.client.chroma.create_collection,
                spare,
                metadata=old.metadata,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            for batch in self._all_records(old):
                self.client.call(fresh.add, **batch)
            self.client.call(self.client.chroma.delete_collection, name)
            self.client.call(fresh.modify, name=name)
            self.client.cols[part] = self.client.call(self.client.chroma.get_collection, name, embedding_function=None)

    def _all_records(self, col: Any, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every record of ``col`` in id order, in ``add`` batches."""
        ids = sorted(self.client.call(col.get, include=[])["ids"])
        for i in range(0, len(ids), batch):
            got = self.client.call(col.get, ids=ids[i : i + batch], include=["embeddings", "metadatas", "documents"])
            order = sorted(range(len(got["ids"])), key=got["ids"].__getitem__)
            docs = got["documents"]
            yield {
                "ids": [got["ids"][j] for j in order],
                "embeddings": [np.asarray(got["embeddings"][j], dtype=np.float32).tolist() for j in order],
                "metadatas": [got["metadatas"][j] for j in order],
                "documents": [docs[j] for j in order] if docs and any(d is not None for d in docs) else None,
            }

    def finish_swap(self) -> None:
        """A rebuild killed after dropping a collection and before renaming its copy: rename it now."""
        for name in self.client.names.values():
            spare = f"{name}-rebuild"
            if not self.client.has(name) and self.client.has(spare):
                self.client.call(self.client.chroma.get_collection, spare, embedding_function=None).modify(name=name)
