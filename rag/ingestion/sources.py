"""Where articles come from: files and folders on disk, and pages on the web, read into clean articles."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import UnreadableArticle
from rag.ingestion.clean import clean
from rag.ingestion.load import find_files, read_file
from rag.ingestion.web import client, doc_id_for, fetch_page, is_url
from rag.settings import Settings
from rag.types import Article

if TYPE_CHECKING:
    import httpx

# (what the user named, the article or None, why there is none)
Read = tuple[str, Article | None, str | None]


def read_sources(paths: Sequence[str | Path], *, settings: Settings, timings: dict[str, float]) -> Iterator[Read]:
    """Every article under ``paths``: files and folders as files, ``http(s)://`` links fetched.

    A source that cannot become an article yields its reason instead; seconds
    spent reading are added to ``timings["load"]``.
    """
    links = [str(p) for p in paths if isinstance(p, str) and is_url(p)]
    files = [p for p in paths if not (isinstance(p, str) and is_url(p))]
    for path, problem in find_files(files):
        if problem:
            yield str(path), None, problem
            continue
        t = time.perf_counter()
        try:
            raw = read_file(path, max_bytes=int(settings.max_file_mb * 1e6), max_pages=settings.max_pages)
            yield str(path), _checked(clean(raw, doc_id=path.stem, source=str(path.resolve()))), None
        except UnreadableArticle as exc:
            yield str(path), None, str(exc)
        except OSError as exc:
            yield str(path), None, f"cannot read: {exc.strerror or exc}"
        finally:
            timings["load"] += time.perf_counter() - t
    if links:
        yield from read_links(links, settings=settings, timings=timings)


def fetch_client(settings: Settings) -> httpx.Client:
    """The HTTP client for links and feeds: the settings' timeout and network guard."""
    from rag.ingestion.netguard import Guard

    guard = Guard.parse(settings.fetch_allow_private, settings.fetch_allow_hosts)
    return client(timeout=settings.fetch_timeout, guard=guard)


def read_links(links: Sequence[str], *, settings: Settings, timings: dict[str, float]) -> Iterator[Read]:
    """Fetch each link and read its article; its canonical URL is its source and names its id."""
    with fetch_client(settings) as http:
        for link in links:
            t = time.perf_counter()
            try:
                page = fetch_page(http, link, max_bytes=int(settings.max_file_mb * 1e6), max_pages=settings.max_pages)
                article = clean(page.raw, doc_id=doc_id_for(page.canonical), source=page.canonical)
                yield link, _checked(replace(article, updated=page.updated)), None
            except UnreadableArticle as exc:
                yield link, None, str(exc)
            finally:
                timings["load"] += time.perf_counter() - t


def _checked(article: Article) -> Article:
    if not article.text.strip():
        raise UnreadableArticle("no article text left after cleaning")
    if not any(ch.isalpha() for ch in article.text):
        raise UnreadableArticle("no letters, only punctuation, digits or symbols; not an article")
    return article
