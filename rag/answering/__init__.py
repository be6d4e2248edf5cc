"""Answering: from ranked passages to an :class:`rag.types.Answer` with citations.

extractive (the default answerer: picks and cites sentences, scored by
``features`` and marked by ``phrase``) or chain + llm (a chat model through
LangChain, checked sentence by sentence by ``verify``); ``followup`` rewrites
a follow-up question, ``agreement`` notes where copies of a story disagree.
"""
