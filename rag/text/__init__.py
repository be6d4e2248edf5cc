"""What the product knows about languages, in one place below every stage.

- ``language``: the supported languages, detection, stemmers and stop words;
- ``calendar``: month and weekday names (dateparser's locale data);
- ``words``: folding (case and accents), number words, hedges and negations;
- ``names``: spans of capitalised names;
- ``question``: question words, entities, follow-up openers and the checks a question passes;
- ``speech``: verbs of saying, role nouns and the words around a speaker's name.

Adding a language is an entry in :data:`rag.text.language.LANGUAGES` and the tables of this
package, then its words for people (rag/display.py) and its prompts; docs/ARCHITECTURE.md
lists the few stage-specific patterns that are worded per language too.
"""
