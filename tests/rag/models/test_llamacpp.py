"""The in-process model's guard against a reply that loops (rag/models/llamacpp.py)."""

from __future__ import annotations

from rag.models.llamacpp import RepeatedLine


def feed(pieces: list[str]) -> int | None:
    """The index of the piece at which the guard stops the reply, or None."""
    lines = RepeatedLine()
    return next((i for i, piece in enumerate(pieces) if lines.ends(piece)), None)


def test_a_list_item_written_again_stops_the_reply():
    pieces = ["Meloni committed:\n\n1. The Italia", " has confermated.\n\n", "2. The Italia has", " confermated.\n"]
    assert feed([*pieces, "3."]) == 3


def test_different_lines_and_blank_lines_go_on():
    assert feed(["Italy gave support [1].\n", "\n", "\n", "No troops [2].\n", "The end."]) is None
