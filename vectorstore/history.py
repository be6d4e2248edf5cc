"""What the index remembers besides its articles: earlier versions of updated articles, and followed feeds.

Both live in the index's meta collection (``ChromaStore.put_notes``), so they
travel with the index, an embedded directory or a Chroma server alike.
Superseded versions keep their text and dates but no chunks: they are never
searched, only compared with (rag/news/versions.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vectorstore.store import ChromaStore, Record


@dataclass(frozen=True)
class Version:
    """An earlier text of an article, as it was indexed before an update replaced it."""

    doc_id: str
    text: str
    content_hash: str
    date: str | None
    updated: str | None
    indexed_at: str | None
    superseded_at: str


@dataclass(frozen=True)
class Feed:
    """A followed RSS/Atom feed and what its last refresh saw.

    ``items`` maps each item's id (its guid, else its link) to the stamp it
    carried (its updated or published time), so a refresh fetches only the
    new and changed items.
    """

    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    refreshed_at: str | None = None
    items: dict[str, str] = field(default_factory=dict)


def save_version(store: ChromaStore, doc_id: str, text: str, meta: dict[str, Any], *, keep: int) -> None:
    """Keep the text an update is about to replace; only the ``keep`` newest versions are kept."""
    if keep <= 0:
        return
    digest = str(meta.get("content_hash", ""))
    record = Record(
        f"version:{doc_id}:{digest[:16]}",
        text,
        {
            "kind": "version", "doc_id": doc_id, "content_hash": digest, "date": meta.get("date"),
            "updated": meta.get("updated"), "indexed_at": meta.get("indexed_at"),
            "superseded_at": datetime.now(UTC).isoformat(),  # full precision: it orders the versions
        },
    )  # fmt: skip
    store.put_notes([record])
    stale = versions(store, [doc_id]).get(doc_id, [])[keep:]
    store.drop_notes([f"version:{doc_id}:{v.content_hash[:16]}" for v in stale])


def versions(store: ChromaStore, doc_ids: Sequence[str]) -> dict[str, list[Version]]:
    """The superseded versions of each of ``doc_ids`` that has any, newest first."""
    if not doc_ids:
        return {}
    where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}}
    found: dict[str, list[Version]] = {}
    for r in store.notes("version", **where):
        found.setdefault(str(r.meta["doc_id"]), []).append(
            Version(
                doc_id=str(r.meta["doc_id"]),
                text=r.text,
                content_hash=str(r.meta.get("content_hash", "")),
                date=r.meta.get("date"),
                updated=r.meta.get("updated"),
                indexed_at=r.meta.get("indexed_at"),
                superseded_at=str(r.meta.get("superseded_at", "")),
            )
        )
    return {d: sorted(vs, key=lambda v: v.superseded_at, reverse=True) for d, vs in found.items()}


def drop_versions(store: ChromaStore, doc_id: str) -> None:
    """Forget every earlier version of ``doc_id`` (the article left the index)."""
    store.drop_notes([r.id for r in store.notes("version", doc_id=doc_id)])


def feeds(store: ChromaStore) -> list[Feed]:
    """Every followed feed, in the order they were added."""
    out = []
    for r in store.notes("feed"):
        m = r.meta
        out.append(
            (
                str(m.get("added_at", "")),
                Feed(
                    url=str(m["url"]), title=m.get("title"), etag=m.get("etag"),
                    last_modified=m.get("last_modified"), refreshed_at=m.get("refreshed_at"),
                    items=json.loads(r.text or "{}"),
                ),
            )
        )  # fmt: skip
    return [f for _, f in sorted(out, key=lambda pair: pair[0])]


def save_feed(store: ChromaStore, feed: Feed, *, added_at: str | None = None) -> None:
    """Store ``feed`` (new or refreshed)."""
    old = {r.meta.get("url"): r.meta for r in store.notes("feed")}.get(feed.url, {})
    meta = {
        "kind": "feed", "url": feed.url, "title": feed.title, "etag": feed.etag,
        "last_modified": feed.last_modified, "refreshed_at": feed.refreshed_at,
        "added_at": old.get("added_at") or added_at or datetime.now(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    store.put_notes([Record(f"feed:{feed.url}", json.dumps(feed.items, sort_keys=True), meta)])


def drop_feed(store: ChromaStore, url: str) -> bool:
    """Stop following ``url``; False when it was not followed."""
    known = [r.id for r in store.notes("feed", url=url)]
    store.drop_notes(known)
    return bool(known)
