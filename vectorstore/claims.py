"""Claims with a lease: which embedding worker is doing which keyword-only article.

Several workers (processes on one machine, or machines sharing one Chroma
server) take keyword-only articles from the same index. Before embedding an
article a worker claims it; a claim names its owner and lasts until its lease
runs out, so the article of a worker killed mid-way is taken over once the
lease has passed, and no article is done by two live workers.

Chroma has no compare-and-swap, but two of its operations are enough: ``add``
of an id that exists is ignored (the first writer wins, and reading the claim
back says who did), and ``delete`` with a ``where`` removes a claim only if
its lease has run out (a rival's fresh claim survives a second takeover).
The lease must outlast the embedding of one article (seconds; the default is
minutes). Claims live in the index's meta collection beside the notes of
``vectorstore/history.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from vectorstore.store import ChromaStore, Record

Clock = Callable[[], float]


def _id(doc_id: str) -> str:
    return f"claim:{doc_id}"


def holder(store: ChromaStore, doc_id: str) -> tuple[str, float] | None:
    """Who holds ``doc_id`` and until when (epoch seconds), or None."""
    got = store.note(_id(doc_id))
    return (str(got.meta.get("owner")), float(got.meta.get("until", 0.0))) if got is not None else None


def claim(store: ChromaStore, doc_id: str, owner: str, *, lease: float, clock: Clock = time.time) -> bool:
    """Take ``doc_id`` for ``owner`` for ``lease`` seconds; False when another owner's live claim holds it."""
    now = clock()
    held = holder(store, doc_id)
    if held is not None and held[0] == owner:
        return True
    if held is not None and held[1] > now:
        return False
    if held is not None:  # expired: its owner died or stalled
        store.drop_notes([_id(doc_id)], where={"until": {"$lt": now}})
    record = Record(_id(doc_id), "", {"kind": "claim", "doc_id": doc_id, "owner": owner, "until": now + lease})
    store.put_notes([record], replace=False)
    got = holder(store, doc_id)
    return got is not None and got[0] == owner


def release(store: ChromaStore, doc_id: str, owner: str) -> None:
    """Drop ``owner``'s claim on ``doc_id`` (another owner's claim stays)."""
    held = holder(store, doc_id)
    if held is not None and held[0] == owner:
        store.drop_notes([_id(doc_id)], where={"owner": owner})


def wait_for(store: ChromaStore, doc_ids: Sequence[str], *, clock: Clock = time.time) -> float | None:
    """Seconds until the first claim among ``doc_ids`` runs out (None when none is claimed)."""
    now = clock()
    ends = [held[1] for d in doc_ids if (held := holder(store, d)) is not None]
    return max(0.0, min(ends) - now) if ends else None
