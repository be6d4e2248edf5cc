"""Debian's Apertium as a translator, its pipelines kept running between calls.

``apertium ita-spa`` starts a dozen programs that each load their
dictionaries: ~0.15 s a leg before the first word, every call. Started once in
null-flush mode (``apertium-wblank-mode -z``: every program flushes its output
at a ``\\0``), the same pipeline renders a batch of sentences in milliseconds
(docs/BENCHMARKS.md, "First ask"). One pipeline per route runs both legs
(Italian -> Spanish -> English); a call that times out or finds the pipeline
dead restarts it once, then fails with the reinstall hint.
"""

from __future__ import annotations

import atexit
import os
import re
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rag.errors import ConfigError, LLMUnavailable

# Apertium has no direct Italian-English pair in Debian; Spanish is the pivot (Catalan measured worse,
# docs/BENCHMARKS.md "Renderings").
PIVOTS = ("spa", "cat")


def routes(pivot: str = "spa") -> dict[tuple[str, str], tuple[str, str]]:
    """Each direction's two legs through ``pivot``."""
    return {("it", "en"): (f"ita-{pivot}", f"{pivot}-eng"), ("en", "it"): (f"eng-{pivot}", f"{pivot}-ita")}


APERTIUM_ROUTES = routes()
MODES = Path("/usr/share/apertium/modes")
REINSTALL = "reinstall it with `make translator`"
# Characters the Apertium stream format reserves; a text's own are escaped with a backslash.
_RESERVED = re.compile(r"([\\\[\]^$@/<>{}*#+~|])")
# A blank holding a line break ends each text, as `apertium-destxt` writes it; the last program
# waits for it before it flushes.
_END = "[][\n]"
# A text that ends a sentence as Apertium reads one (its `<sent>` tag); any other gets a full stop added
# for the pipeline and taken off its rendering.
_SENTENCE_END = re.compile(r"[.!?…]$")
_ADDED_STOP = re.compile(r"\s*\.$")
# Programs that carry state from one batch to the next (a sentence comes out differently after another):
# started afresh for each batch.
STATEFUL = ("apertium-tagger ", "cg-proc ")


class Apertium:
    """Renders Italian <-> English through Spanish with Debian's Apertium; names kept as written."""

    name = "apertium"

    def __init__(self, *, timeout: float, pivot: str = "spa", places: bool = True) -> None:
        self.timeout = timeout
        self.routes = routes(pivot)
        # Place names in the target language's form (Parigi -> Paris), from CLDR: rag/answering/gazetteer.py.
        self.places = places
        if pivot != "spa":
            self.name = f"apertium:{pivot}"

    @staticmethod
    def available(pivot: str = "spa") -> bool:
        """True when the ``apertium`` command and both legs of each route are installed."""
        if shutil.which("apertium") is None or shutil.which("apertium-wblank-mode") is None:
            return False
        return all((MODES / f"{leg}.mode").is_file() for route in routes(pivot).values() for leg in route)

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """One rendering per text, in order (all of them in one pass through the pipeline)."""
        route = self.routes.get((source, target))
        if route is None:
            raise ConfigError(f"apertium renders only {', '.join('→'.join(r) for r in self.routes)}.")
        if not texts:
            return []
        places: dict[str, str] = {}
        if self.places:
            from rag.answering.gazetteer import place_names

            places = place_names(source, target)
        # Each text ends a sentence: the transfer stages join words across a blank but never across a
        # sentence end, so without one a text's last words slide into the next text's rendering.
        cleaned = [" ".join(t.split()) for t in texts]
        added = [not _SENTENCE_END.search(t) for t in cleaned]
        ended = [f"{t} ." if add else t for t, add in zip(cleaned, added, strict=True)]
        lines, kept = protect(ended, known=frozenset(places))
        kept = {code: places.get(name, name) for code, name in kept.items()}
        out = pipeline(route).run(lines, timeout=self.timeout)
        out = [_ADDED_STOP.sub("", " ".join(o.split())) if add else o for o, add in zip(out, added, strict=True)]
        return [restore(" ".join(o.split()), kept, source=t) for o, t in zip(out, texts, strict=True)]


class Pipeline:
    """One route's programs, started on first use and kept running; one batch at a time.

    The part-of-speech tagger and the constraint-grammar disambiguator carry
    state from one text to the next (kept running, they read a sentence
    differently after another one), so they start afresh for each batch (they
    load in ~15 ms); the programs around them, which load the dictionaries
    and the generator (~130 ms), keep running.
    """

    def __init__(self, legs: Sequence[str]) -> None:
        self.legs = tuple(legs)
        self._segments: list[Segment | str] | None = None
        self._lock = threading.Lock()

    def stages(self) -> list[str]:
        """Every program of both legs in order, in null-flush mode, unknown words unmarked (``-u``)."""
        out = []
        for leg in self.legs:
            done = subprocess.run(
                ["apertium-wblank-mode", "-z", str(MODES / f"{leg}.mode")], capture_output=True, text=True, timeout=10
            )
            if done.returncode != 0 or not done.stdout.strip():
                raise LLMUnavailable(f"apertium {leg} has no mode file; {REINSTALL}.")
            # $1 is the generator's flag (-n: no mark on unknown words), $2 the tagger's (none).
            out += done.stdout.strip().replace("$1", "-n").replace("$2", "").split(" | ")
        return out

    def segments(self) -> list[Segment | str]:
        """Kept-running runs of programs, and between them the stateful ones as a command run per batch."""
        parts: list[Segment | str] = []
        kept: list[str] = []
        fresh: list[str] = []
        for stage in self.stages():
            if stage.startswith(STATEFUL):
                if kept:
                    parts.append(Segment(" | ".join(kept)))
                    kept = []
                fresh.append(stage)
            else:
                if fresh:
                    parts.append(" | ".join(fresh))
                    fresh = []
                kept.append(stage)
        parts += [Segment(" | ".join(kept))] if kept else [" | ".join(fresh)] if fresh else []
        return parts

    def run(self, lines: Sequence[str], *, timeout: float) -> list[str]:
        """``lines`` rendered, one output per line; restarts a dead or stuck pipeline once."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._run(lines, timeout=timeout)
                except (OSError, TimeoutError, ValueError, subprocess.SubprocessError) as exc:
                    self.close()
                    if attempt == 2:
                        raise LLMUnavailable(
                            f"apertium {'→'.join(self.legs)} failed ({type(exc).__name__}); {REINSTALL}."
                        ) from None
        raise AssertionError("unreachable")

    def _run(self, lines: Sequence[str], *, timeout: float) -> list[str]:
        if self._segments is None:
            self._segments = self.segments()
        deadline = time.monotonic() + timeout
        data = "".join(_RESERVED.sub(r"\\\1", line) + _END for line in lines).encode()
        for part in self._segments:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            # A kept-running segment takes the whole batch; a stateful command, one text at a time.
            data = part.send(data, timeout=left) if isinstance(part, Segment) else _each_text(part, data, timeout=left)
        out = unformat(data.decode())
        if len(out) != len(lines):
            raise ValueError(f"{len(out)} outputs for {len(lines)} lines")
        return out

    def close(self) -> None:
        """Stops the programs (they start again on the next call)."""
        for part in self._segments or ():
            if isinstance(part, Segment):
                part.close()
        self._segments = None


def _each_text(command: str, data: bytes, *, timeout: float) -> bytes:
    """``data`` through a stateful ``command`` one text at a time, so no text's reading depends on another's.

    The tagger and the disambiguator read a sentence differently after another one; a fresh process per
    text (~15 ms, run side by side) renders each text as if alone.
    """
    texts = [t + _END_BYTES for t in _TEXT_END.split(data) if t.strip(b"\0 \n")]

    def one(text: bytes) -> bytes:
        done = subprocess.run(["bash", "-c", command], input=text, capture_output=True, timeout=timeout, check=True)
        return done.stdout.replace(b"\0", b"")  # null-flush mode ends each run with one; the stream has one end

    if len(texts) <= 1:
        return one(data)
    with ThreadPoolExecutor(max_workers=min(4, len(texts))) as pool:
        return b"".join(pool.map(one, texts))


_END_BYTES = _END.encode()
_TEXT_END = re.compile(rb"(?<!\\)\[\]\[\n\]")


class Segment:
    """Programs in null-flush mode behind one shell, started on first use: a batch in, its output back."""

    def __init__(self, command: str) -> None:
        self.command = command
        self._process: subprocess.Popen[bytes] | None = None

    def send(self, data: bytes, *, timeout: float) -> bytes:
        """``data`` through the programs; the batch ends at the ``\\0`` each program flushes on."""
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                ["bash", "-c", self.command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(data.rstrip(b"\0") + b"\0")
        process.stdin.flush()
        out = b""
        deadline = time.monotonic() + timeout
        while not out.endswith(b"\0"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([process.stdout], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                raise OSError("the pipeline ended")
            out += chunk
        return out[:-1]

    def close(self) -> None:
        if self._process is not None:
            try:
                self._process.kill()
                self._process.wait(timeout=5)
            except (OSError, subprocess.SubprocessError):
                pass
            self._process = None


def unformat(stream: str) -> list[str]:
    """The texts in a pipeline's output: blanks ``[...]`` unwrapped, escapes undone, split at each text's end."""
    texts, current, i = [], [], 0
    while i < len(stream):
        ch = stream[i]
        if ch == "\\" and i + 1 < len(stream):
            current.append(stream[i + 1])
            i += 2
        elif ch == "[":
            close = stream.find("]", i)
            close = len(stream) if close < 0 else close
            blank = stream[i + 1 : close]
            if "\n" in blank:
                texts.append("".join(current) + blank.replace("\n", ""))
                current = []
            else:
                current.append(blank)
            i = close + 1
        else:
            current.append(ch)
            i += 1
    return texts


_PIPELINES: dict[tuple[str, ...], Pipeline] = {}
_PIPELINES_LOCK = threading.Lock()


def pipeline(legs: Sequence[str]) -> Pipeline:
    """The running pipeline for ``legs``, shared by every engine of this process."""
    with _PIPELINES_LOCK:
        return _PIPELINES.setdefault(tuple(legs), Pipeline(legs))


@atexit.register
def _close_all() -> None:
    for p in _PIPELINES.values():
        p.close()


def protect(lines: list[str], *, known: frozenset[str] = frozenset()) -> tuple[list[str], dict[str, str]]:
    """``lines`` with their names replaced by placeholders Apertium passes through untouched.

    Through the Spanish pivot a name that is also a word is translated as the
    word ("Mosca" -> "Fly", "Nato" -> "Born"); kept verbatim, a name stays
    the article's. A capitalised word that starts a line counts as a name when
    the line has it capitalised inside a sentence too, or it is in ``known`` (the
    place names CLDR gives). Each line is read on its own and a name's placeholder
    depends on the name alone, so a line renders the same whatever lines share its batch.
    """
    from zlib import crc32

    from rag.text.names import names

    kept: dict[str, str] = {}
    out = []
    for line in lines:
        inside = known | frozenset(w for n in names(line) for w in n.split())
        for name in sorted(names(line, known=inside), key=len, reverse=True):
            code = kept.setdefault(name, "Zxq" + "".join(chr(97 + int(d)) for d in str(crc32(name.encode()))))
            line = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", code, line)
        out.append(line)
    return out, {code: name for name, code in kept.items()}


def restore(text: str, kept: dict[str, str], *, source: str = "") -> str:
    """``text`` with :func:`protect`'s placeholders back to their names.

    Apertium capitalises the word after an unknown word that starts a
    sentence (a name: "Meloni Has underlined"); that word goes back to lower
    case when the ``source``'s second word is lower case.
    """
    out = re.sub(r"Zxq[a-j]+", lambda m: kept.get(m.group(0), m.group(0)), text) if kept else text
    first = source.split()[:2]
    if len(first) == 2 and first[1][:1].islower():  # the first word of ``out`` is the name, however rendered
        out = re.sub(r"^(\S+) ([A-Z][a-z]+)\b", lambda m: f"{m.group(1)} {m.group(2).lower()}", out)
    return out
