"""Ingestion: files in, indexed articles out.

load (find and read files) -> clean (text and metadata) -> chunk (sentence-aware
chunks) -> indexing (write documents, chunks and sentences to the store) ->
vectors (embed what is still keyword-only, in the foreground or a background
thread). ``lock`` keeps one writer per index. Depends on ``rag.search`` for
the question-side helpers it shares (language, passages) and on ``vectorstore``.
"""
