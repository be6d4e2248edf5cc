"""Answers as JSON and back: a chat kept across a reload, an answer copied with its sources.

:func:`to_json` is ``dataclasses.asdict``; :func:`answer_from_json` rebuilds the frozen
dataclasses from their type hints, so a field added to :mod:`rag.types` needs no code here.
A field the JSON lacks takes its default; one it has that the class lacks is ignored (a chat
saved by an older release still opens).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any

from rag.types import Answer


def to_json(answer: Answer) -> dict[str, Any]:
    """``answer`` as JSON-ready dicts and lists."""
    return dataclasses.asdict(answer)


def answer_from_json(data: dict[str, Any]) -> Answer:
    """The :class:`Answer` :func:`to_json` gave ``data`` for."""
    out = _build(Answer, data)
    assert isinstance(out, Answer)
    return out


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = _hints(kind)
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: _build(hints[k], v) for k, v in value.items() if k in names})
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        _, item = typing.get_args(kind)
        return {k: _build(item, v) for k, v in value.items()}
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_build(item, v) for v in value]
    return value
