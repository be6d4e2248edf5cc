"""Evaluation tooling, outside the runtime package: ``import rag`` never imports it.

evaluate (the golden suite, its halves and the comparison table), squad (the
SQuAD-it suite), baseline (the LangChain tutorial RAG), reprints (generated
reprints of the sample articles) and cli (``python -m rag eval``). The
suites' data is in ``evaluation/data/``.
"""
