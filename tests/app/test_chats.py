"""Chats kept for a day under a random id (app/chats.py): what a reload reads, and what it never reads."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.chats import MAX_CHATS, Chats, Message, new_id, valid
from rag.api import Engine


def test_a_chat_comes_back_under_its_id_and_not_after_a_day(sample_engine: Engine, tmp_path: Path):
    chats = Chats(tmp_path / "chats")
    answer = sample_engine.ask("Cosa ha promesso Meloni?")
    chat = new_id()
    assert valid(chat) and chats.save(
        chat, [Message("user", "Cosa ha promesso Meloni?"), Message("assistant", answer.text, answer)]
    )
    back = chats.load(chat)
    assert back is not None and back[0].text == "Cosa ha promesso Meloni?"
    assert back[1].answer is not None and back[1].answer.citations == answer.citations
    assert back[1].answer.passages == ()  # the passages read are not kept: the page shows them from the index
    old = time.time() - 2 * 24 * 3600
    os.utime(tmp_path / "chats" / f"{chat}.json", (old, old))
    assert chats.load(chat) is None


def test_an_id_of_another_shape_names_no_file(tmp_path: Path):
    chats = Chats(tmp_path / "chats")
    (tmp_path / "chats").mkdir()
    (tmp_path / "chats" / "secret.json").write_text('{"messages": [{"role": "user", "text": "x"}]}')
    for given in ("secret", "../chats/secret", "/etc/passwd", "", None, "a" * 5000, "A" * 21 + "/"):
        assert chats.load(given) is None and not chats.save(str(given), [Message("user", "x")])


def test_the_oldest_chats_go_beyond_the_cap(tmp_path: Path, monkeypatch):
    import app.chats

    monkeypatch.setattr(app.chats, "MAX_CHATS", 3)
    chats = Chats(tmp_path)
    ids = [new_id() for _ in range(5)]
    for i, chat in enumerate(ids):
        chats.save(chat, [Message("user", f"question {i}")])
        os.utime(tmp_path / f"{chat}.json", (time.time() - 100 + i, time.time() - 100 + i))
    chats.prune()
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == sorted(ids[2:])
    assert MAX_CHATS == 1000
