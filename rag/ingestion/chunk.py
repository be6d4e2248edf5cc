"""Sentence-aware chunking with exact character spans and stable ids."""

from __future__ import annotations

import hashlib
import re

from rag.types import Article, Chunk, Sentence

# sentencex splits inside quotes less often than regexes and knows Italian
# abbreviations; it is ~200x faster than pysbd, which matters at 100k chunks.
_PARAGRAPH = re.compile(r"\n\s*\n")
# Where a sentence too long for a chunk is cut first: after clause punctuation,
# or around a dash between spaces.
_CLAUSE = re.compile(r"[;:,)\]»”](?=\s)|\s[–—-](?=\s)")


def split_sentences(text: str, *, language: str = "it") -> list[Sentence]:
    """Split ``text`` into sentences whose spans index ``text`` exactly.

    Paragraph breaks always end a sentence; inside a paragraph sentencex
    decides. Every non-blank character of ``text`` is in exactly one sentence.
    """
    from sentencex import segment

    sentences: list[Sentence] = []
    for para_start, para_end in _paragraph_spans(text):
        paragraph = text[para_start:para_end]
        cursor = 0
        for piece in segment(language, paragraph):
            piece = piece.strip()
            if not piece:
                continue
            found = paragraph.find(piece, cursor)
            if found < 0:  # sentencex normalised something; fall back to the rest
                found = cursor
            start = para_start + found
            cursor = found + len(piece)
            sentences.append(Sentence(start, para_start + cursor, text[start : para_start + cursor]))
        if cursor < len(paragraph.rstrip()):  # keep any tail sentencex dropped
            tail = paragraph[cursor:].strip()
            start = para_start + paragraph.index(tail, cursor)
            sentences.append(Sentence(start, start + len(tail), tail))
    return _merge_fragments(sentences, text)


def chunk_article(article: Article, *, max_chars: int = 600, overlap: int = 1) -> list[Chunk]:
    """Group an article's sentences into chunks of about ``max_chars``.

    Chunks never cut a sentence; consecutive chunks share ``overlap`` whole
    sentences. A sentence longer than ``max_chars`` (a run-on text with no
    full stop) is first cut at clause, then word boundaries (see
    :func:`bounded`), so no chunk exceeds ``max_chars``.
    """
    sentences = bounded(split_sentences(article.text, language=article.language), article.text, max_chars)
    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while j < len(sentences) and sentences[j].end - sentences[i].start <= max_chars:
            j += 1
        group = tuple(sentences[i:j])
        start, end = group[0].start, group[-1].end
        chunks.append(
            Chunk(
                chunk_id=chunk_id(article.doc_id, start, article.text[start:end]),
                doc_id=article.doc_id,
                start=start,
                end=end,
                text=article.text[start:end],
                sentences=group,
            )
        )
        if j >= len(sentences):
            break
        i = max(i + 1, j - overlap)
    return chunks


def bounded(sentences: list[Sentence], text: str, max_chars: int) -> list[Sentence]:
    """``sentences`` with any longer than ``max_chars`` cut into pieces that fit, spans exact.

    Each cut is the last clause boundary in the window, else the last space,
    else (a single "word" longer than the limit) the limit itself; a boundary
    in the window's first third is passed over, so pieces are not tiny.
    """
    out: list[Sentence] = []
    for s in sentences:
        if s.end - s.start <= max_chars:
            out.append(s)
            continue
        pos = s.start
        while s.end - pos > max_chars:
            window = text[pos : pos + max_chars]
            floor = max_chars // 3
            clauses = [m.end() for m in _CLAUSE.finditer(window) if m.end() > floor]
            space = max(window.rfind(" ", floor), window.rfind("\n", floor))
            cut = pos + (clauses[-1] if clauses else space if space > 0 else max_chars)
            piece = text[pos:cut].rstrip()
            if piece:
                out.append(Sentence(pos, pos + len(piece), piece))
            pos = cut
            while pos < s.end and text[pos].isspace():
                pos += 1
        if pos < s.end:
            out.append(Sentence(pos, s.end, text[pos : s.end]))
    return out


def chunk_id(doc_id: str, start: int, text: str) -> str:
    """A stable id: the same article text always gives the same ids."""
    return hashlib.sha1(f"{doc_id}\x1f{start}\x1f{text}".encode()).hexdigest()[:24]


def sentence_id(doc_id: str, start: int, text: str) -> str:
    """A stable id for a sentence of an article."""
    return "s" + chunk_id(doc_id, start, text)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _merge_fragments(sentences: list[Sentence], text: str) -> list[Sentence]:
    # A piece with no letters ("”.", "-") is not a sentence: glue it to the
    # one before when both are in the same paragraph.
    merged: list[Sentence] = []
    for s in sentences:
        if merged and not any(ch.isalpha() for ch in s.text) and "\n\n" not in text[merged[-1].end : s.start]:
            prev = merged[-1]
            merged[-1] = Sentence(prev.start, s.end, text[prev.start : s.end])
        else:
            merged.append(s)
    return merged
