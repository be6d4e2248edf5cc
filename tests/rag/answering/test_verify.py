"""Reading a model's reply into claims (rag/answering/verify.py); the checks on a real index are in test_chain."""

from __future__ import annotations

from rag.answering.verify import parse_claims


def test_markers_after_the_full_stop_go_to_the_sentence_before():
    assert parse_claims("Italy sent no troops. [2] Paris hosted the talks [1].", language="en") == [
        ("Italy sent no troops.", [2]),
        ("Paris hosted the talks.", [1]),
    ]


def test_list_formatting_is_not_part_of_a_claim():
    reply = "Meloni committed the following:\n\n1. **Support**: political and logistical [1].\n- No troops [2]."
    assert parse_claims(reply, language="en") == [
        ("Support: political and logistical.", [1]),
        ("No troops.", [2]),
    ]


def test_a_repeated_sentence_counts_once_with_all_its_markers():
    reply = "Italy gave support [1].\n\nItaly gave support [2].\nItaly gave support."
    assert parse_claims(reply, language="en") == [("Italy gave support.", [1, 2])]


def test_a_closing_colon_without_a_list_stays_a_claim():
    assert parse_claims("Il vertice si è chiuso così:", language="it") == [("Il vertice si è chiuso così:", [])]
