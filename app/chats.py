"""Chats kept on the server for a day, under a random id in the page's address, so a reload keeps them.

The id is 128 random bits (``secrets``): only whoever has the address reads the chat. A visitor's
``?chat=`` value is used only when it has the shape of an id, so it never names another file. The
folder holds at most :data:`MAX_CHATS` chats of at most :data:`MAX_TURNS` turns; the oldest go first.
Where the folder cannot be written (a read-only index), a chat lasts as long as the browser tab's
session, as before.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, replace
from pathlib import Path

from rag.api import Answer, answer_from_json, answer_to_json

DAY = 24 * 3600
MAX_CHATS = 1000
MAX_TURNS = 100  # messages, the user's and the answers
MAX_BYTES = 1 << 20  # a chat's file; its oldest turns go first
_ID = re.compile(r"[A-Za-z0-9_-]{22}")


@dataclass(frozen=True)
class Message:
    """One turn: the user's question (``answer`` None) or an answer."""

    role: str
    text: str
    answer: Answer | None = None


def new_id() -> str:
    """A fresh chat id (22 URL-safe characters, 128 random bits)."""
    return secrets.token_urlsafe(16)


def valid(chat_id: str | None) -> bool:
    """True when ``chat_id`` has the shape :func:`new_id` gives (and so names no other file)."""
    return bool(chat_id) and _ID.fullmatch(str(chat_id)) is not None


class Chats:
    """The chats of one index, as JSON files in ``folder`` (``<RAG_PERSIST_DIR>/chats``)."""

    def __init__(self, folder: Path, *, ttl: float = DAY) -> None:
        self.folder = folder
        self.ttl = ttl

    def load(self, chat_id: str | None) -> list[Message] | None:
        """The chat's messages, or None when there is no such chat (or it expired, or is unreadable)."""
        if not valid(chat_id):
            return None
        path = self.folder / f"{chat_id}.json"
        try:
            if time.time() - path.stat().st_mtime > self.ttl:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
            return [
                Message(m["role"], m["text"], answer_from_json(m["answer"]) if m.get("answer") else None)
                for m in data["messages"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, chat_id: str, messages: list[Message]) -> bool:
        """Keep ``messages`` (the last :data:`MAX_TURNS`) under ``chat_id``; False when the folder is read-only."""
        if not valid(chat_id):
            return False
        turns = [
            {"role": m.role, "text": m.text, "answer": _kept(m.answer) if m.answer else None}
            for m in messages[-MAX_TURNS:]
        ]
        text = json.dumps({"messages": turns}, ensure_ascii=False)
        while len(text.encode()) > MAX_BYTES and len(turns) > 2:
            turns = turns[2:]  # a question and its answer at a time
            text = json.dumps({"messages": turns}, ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{chat_id}.{os.getpid()}.tmp"
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(self.folder / f"{chat_id}.json")  # a reader never sees half a chat
            self.prune()
            return True
        except OSError:
            return False

    def prune(self) -> None:
        """Remove expired chats, and the oldest beyond :data:`MAX_CHATS`."""
        now = time.time()
        kept = []
        for path in self.folder.glob("*.json"):
            try:
                age = now - path.stat().st_mtime
            except OSError:
                continue
            if age > self.ttl:
                path.unlink(missing_ok=True)
            else:
                kept.append((age, path))
        for _, path in sorted(kept)[MAX_CHATS:]:
            path.unlink(missing_ok=True)


def _kept(answer: Answer) -> dict[str, object]:
    """An answer as JSON without the passages it read (the page shows their text from the index)."""
    return answer_to_json(replace(answer, passages=()))
