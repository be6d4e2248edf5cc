"""Adding and taking out articles: files, folders, uploads and links; the article list; re-ingest."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rag.errors import ArticleNotFound, ConfigError
from rag.index import Index
from rag.ingestion.indexing import Progress, ingest_paths
from rag.ingestion.web import is_url
from rag.library.embedding import Embedding
from rag.types import ArticleInfo, IngestReport
from vectorstore import history


class Articles:
    """The articles of an index: what goes in and out, and the list of them."""

    def __init__(self, index: Index, *, embedding: Embedding) -> None:
        self.index = index
        self.embedding = embedding

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        prune: bool = False,
        reindex: bool = False,
        embed: bool = True,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Index the articles under ``paths`` (files or folders).

        Args:
            paths: Files and folders of .txt, .md and .html articles, and
                ``http(s)://`` links to news pages (fetched, with the metadata
                the page publishes; its canonical URL becomes its source).
            prune: Remove documents whose files are gone from an ingested folder.
            reindex: Drop the index first (needed after changing the embedder).
            embed: Embed new articles' sentences before returning. With False
                they are searchable by keyword as soon as this returns, and
                :meth:`embed_pending` or :meth:`embed_in_background` adds
                their vectors (E5 embeds ~13 chunks/s; docs/BENCHMARKS.md).
            progress: Called as ``progress(done, total, doc_id)``.
        """
        if self.index.settings.group_copies:  # the MinHash library loads while articles are read and stored
            threading.Thread(target=importlib.import_module, args=("datasketch",), daemon=True).start()
        with self.index.writing():
            if reindex:
                self.index.store.reset()
            report = ingest_paths(
                paths,
                settings=self.index.settings,
                embedder=self.index.embedder,
                store=self.index.store,
                prune=prune,
                vectors=embed,
                progress=progress,
            )
            if report.added or report.updated or report.removed or report.repaired:
                self.index.refresh_derived()
                if embed:  # who-said-what too (~11 s at 10k chunks); a keyword-only ingest leaves it to stage 2
                    self.index.quotebook()
            else:
                self.index.forget_derived()
                self.index.saw_own_writes()
        if embed and not self.embedding.busy() and self.index.store.keyword_only():  # interrupted or deferred
            self.embedding.embed_pending()
        return report

    def ingest_upload(self, name: str, data: bytes, *, folder: Path | None = None, embed: bool = True) -> IngestReport:
        """Save an uploaded article under a safe name and ingest it; a refused one is not kept.

        The name loses any directory part (``../../etc/passwd`` becomes
        ``passwd``) and characters outside ``[A-Za-z0-9._-]``.

        Raises:
            ConfigError: unsupported type or too large, with the limit.
        """
        from rag.ingestion.load import SUFFIXES, safe_name

        safe = safe_name(name)
        if Path(safe).suffix.lower() not in SUFFIXES:
            raise ConfigError(f"{name}: unsupported file type; upload .txt, .md, .html, .pdf or .docx articles.")
        if len(data) > self.index.settings.max_file_mb * 1e6:
            raise ConfigError(f"{name}: larger than {self.index.settings.max_file_mb:g} MB (RAG_MAX_FILE_MB).")
        folder = folder or (self.index.settings.persist_dir / "uploads")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        # A refused upload leaves nothing behind: the file it would replace comes back, or none stays.
        before = target.read_bytes() if target.is_file() else None
        target.write_bytes(data)
        kept = False
        try:
            report = self.ingest([target], embed=embed)
            kept = bool(report.added or report.updated or report.unchanged)
            return report
        finally:
            if not kept:
                if before is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(before)

    def ingest_link(self, link: str, *, embed: bool = True) -> IngestReport:
        """Fetch a web page a visitor gave and ingest it: an ``http(s)`` link only, never a path on this machine.

        The app's link box calls this, not :meth:`ingest` (which reads local files and folders for the
        machine's own user, from the CLI and the Python API).

        Raises:
            UnreadableArticle: Not an http(s) link.
        """
        from rag.ingestion.web import web_link

        return self.ingest([web_link(link)], embed=embed)

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first (undated ones last)."""
        self.index.sync()
        docs_meta = self.index.store.documents()
        older = history.versions(self.index.store, list(docs_meta))
        docs = [
            ArticleInfo(
                doc_id=d,
                title=str(m.get("title") or d),
                date=m.get("date"),
                outlet=m.get("outlet"),
                author=m.get("author"),
                source=m.get("source"),
                passages=int(m.get("chunks", 0)),
                indexed_at=m.get("indexed_at"),
                keyword_only=m.get("embedded") is False,
                updated=m.get("updated"),
                versions=len(older.get(d, ())),
                date_inferred=bool(m.get("date_inferred")),
                pages=len([x for x in str(m.get("pages") or "").split(",") if x]),
            )
            for d, m in docs_meta.items()
        ]
        return sorted(docs, key=lambda a: (a.date or "", a.title), reverse=True)

    def remove(self, doc_ids: Sequence[str]) -> tuple[str, ...]:
        """Take articles out of the index: record, passages, sentence vectors, and their part of BM25.

        A running app sees the change on its next question. An uploaded
        article's saved copy is deleted too; a file elsewhere stays where it is
        (an ingest of its folder adds it back).

        Raises:
            ArticleNotFound: an id is not indexed (nothing is removed then).
        """
        with self.index.writing():
            self.index.store.open(create=False)
            known = self.index.store.documents(list(doc_ids))
            unknown = [d for d in doc_ids if d not in known]
            if unknown:
                raise ArticleNotFound(
                    f"no article {', '.join(map(repr, unknown))} in the index; `python -m rag stats` lists them."
                )
            uploads = (self.index.settings.persist_dir / "uploads").resolve()
            for doc_id, meta in known.items():
                self.index.store.mark_pending(doc_id)  # a crash half-way is finished by the next ingest
                self.index.store.purge_document(doc_id)
                history.drop_versions(self.index.store, doc_id)
                source = Path(str(meta.get("source", "")))
                if source.is_relative_to(uploads):
                    source.unlink(missing_ok=True)
            self.index.store.bump_generation()
            self.index.refresh_derived()
        return tuple(known)

    def reingest(self, doc_id: str) -> IngestReport:
        """Read an article again from its file and index it afresh (after the file or the cleaning changed).

        Raises:
            ArticleNotFound: not indexed, or its file is gone (the indexed version is kept).
        """
        self.index.sync()
        meta = self.index.store.documents([doc_id]).get(doc_id)
        if meta is None:
            raise ArticleNotFound(f"no article {doc_id!r} in the index; `python -m rag stats` lists them.")
        if is_url(str(meta.get("source", ""))):  # fetched again: a changed page becomes a new version
            return self.ingest([str(meta["source"])])
        source = Path(str(meta.get("source", "")))
        if not source.is_file():
            raise ArticleNotFound(f"the file of {doc_id!r} is gone ({source}); upload the article again.")
        with self.index.writing():
            # Marked pending, the document is purged and re-added from its file
            # by the same path that repairs an interrupted ingest.
            self.index.store.mark_pending(doc_id)
        report = self.ingest([source])
        if doc_id not in report.repaired:
            return report
        # Read again on purpose, not repaired after an interruption: reported as updated.
        return replace(
            report,
            repaired=tuple(d for d in report.repaired if d != doc_id),
            added=tuple(d for d in report.added if d != doc_id),
            updated=(*report.updated, doc_id) if doc_id in report.added else report.updated,
        )
