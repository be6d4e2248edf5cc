"""Translation: renderings of cited sentences and quotes in the reader's language, and whether to trust them.

``translators`` (the ``RAG_TRANSLATOR`` factory) over ``apertium`` (Debian's pipelines kept running:
``apertium_stream`` for the processes, ``apertium_words`` and ``lexicon`` for words left behind,
``gazetteer`` for place names and initials); ``faithfulness`` checks a rendering against its source and
``rendering`` applies renderings to an answer.
"""
