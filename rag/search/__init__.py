"""Search: from a question to ranked passages.

question (checks and the words of a question) -> retrieval (dense search in
Chroma fused with BM25 from ``lexical``) -> copies (near-duplicate grouping),
with ``vocabulary`` (the corpus's names and spellings) and ``dates`` (month and
date filters read from the question). Depends only on ``rag.types``,
``rag.errors`` and ``vectorstore``.
"""
