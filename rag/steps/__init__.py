"""The steps of answering a question over an index, one per module.

``asking`` retrieves, reads and answers; ``translating`` renders questions and citations in
another language; ``speakers`` answers "what did X say"; ``finishing`` adds versions, pages and
agreement; ``models`` holds the chat models. :class:`rag.api.Engine` composes them.
"""
