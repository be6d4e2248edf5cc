"""Names in a text: runs of capitalised words (rag/text/names.py)."""

from __future__ import annotations

from rag.text.names import names


def test_a_common_word_is_never_part_of_a_name():
    text = "Yesterday the Ukrainian President Volodymyr Zelensky spoke."
    assert names(text) == ["Ukrainian President Volodymyr Zelensky"]
    assert names(text, common=frozenset({"Ukrainian"})) == ["President Volodymyr Zelensky"]
