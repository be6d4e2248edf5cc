"""News: who said what, and when.

speakers (names and roles) -> quoting (quotes and reported speech in a passage)
-> quotebook (every quote of the index, by speaker and date) -> attribution
(answers to "what did X say" questions).
"""
