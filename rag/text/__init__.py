"""What the product knows about languages, in one place below every stage.

- ``language``: the supported languages, detection, stemmers and stop words;
- ``calendar``: month and weekday names (dateparser's locale data);
- ``words``: folding (case and accents) and number words;
- ``names``: spans of capitalised names;
- ``question``: question words, entities and the checks a question passes.

Adding a language is an entry in :data:`rag.text.language.LANGUAGES` and the
tables of this package; nothing above it lists words of a language.
"""
