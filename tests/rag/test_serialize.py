"""An answer survives JSON and back (rag/serialize.py): a chat kept across a reload shows it whole."""

from __future__ import annotations

import json

from rag.api import Engine, answer_from_json, answer_to_json


def test_an_answer_with_renderings_and_passages_comes_back_equal(sample_engine: Engine):
    for question in ("What did Meloni commit?", "Chi è Witkoff?", "Cosa ha detto Zelensky?"):
        answer = sample_engine.ask(question)
        back = answer_from_json(json.loads(json.dumps(answer_to_json(answer))))
        assert back == answer, question


def test_a_field_it_does_not_know_is_ignored_and_a_missing_one_takes_its_default(sample_engine: Engine):
    data = answer_to_json(sample_engine.ask("Cosa ha promesso Meloni?", render=False))
    data["from_a_later_release"] = 1
    del data["rendered_text"]
    back = answer_from_json(data)
    assert back.rendered_text is None and back.citations and back.text == data["text"]
