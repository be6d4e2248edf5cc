"""Answering: choosing and composing an :class:`rag.types.Answer` with citations from ranked passages.

extractive (the default answerer: picks and cites sentences, scored by ``features`` and marked by
``phrase``), ``composers`` for each kind of question with ``focus`` and ``answer_types``, or ``chain``
(a chat model through LangChain, checked sentence by sentence by ``verify``); ``followup`` rewrites
a follow-up question, ``agreement`` notes where copies of a story disagree, ``pages`` finds the PDF
page a citation quotes.
"""
