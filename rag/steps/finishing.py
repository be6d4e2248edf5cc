"""What every answer gets before it is shown: update times, earlier wordings, pages, reprints and agreement."""

from __future__ import annotations

from collections.abc import Sequence

from rag.index import Index
from rag.types import Answer, Passage


class Finishing:
    """The last steps of an answer, read off the index."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def versioned(self, answer: Answer) -> Answer:
        """``answer`` with each cited article's update time and earlier wordings, and a PDF's cited pages."""
        if not answer.citations:
            return answer
        from rag.answering.pages import with_pages
        from rag.news.versions import with_versions
        from vectorstore.history import versions

        ids = sorted({c.doc_id for c in answer.citations})
        meta = self.index.store.documents(ids)
        return with_pages(with_versions(answer, meta=meta, versions=versions(self.index.store, ids)), meta=meta)

    def corroborated(self, answer: Answer) -> Answer:
        """``answer`` with reprints, independent sources and differing figures marked (rag/answering/agreement.py)."""
        if not self.index.settings.group_copies:
            return answer
        from rag.answering.agreement import corroborate

        def fetch(ids: Sequence[str]) -> list[Passage]:
            return [self.index.retriever.passage(r) for r in self.index.store.chunks_by_id(list(ids)).values()]

        return corroborate(answer, copies=self.index.retriever.copies(), fetch=fetch, language=answer.language)
