"""Apertium's programs as processes: a stream in, a stream out, without reloading dictionaries each call.

Two kinds of process serve a pipeline (rag/translation/apertium.py):

* :class:`Segment`: stateless programs kept running in null-flush mode
  (``-z``: each flushes its output at a ``\\0``), a batch of texts at a time;
* :class:`Spares`: a stateful program (the part-of-speech tagger, the
  constraint-grammar disambiguator) must read each text as its first, so each
  text gets a fresh process; spares are started ahead, so a text does not
  wait the ~15 ms they take to load (4 ms a text instead of 14, measured on
  machine A).

:func:`unformat` reads a pipeline's output back into texts, keeping the marks
Apertium puts on words it does not know.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import subprocess
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

# Characters the Apertium stream format reserves; a text's own are escaped with a backslash.
RESERVED = re.compile(r"([\\\[\]^$@/<>{}*#+~|])")
# A blank holding a line break ends each text, as `apertium-destxt` writes it; the last program
# waits for it before it flushes.
END = "[][\n]"
_END_BYTES = END.encode()
_TEXT_END = re.compile(rb"(?<!\\)\[\]\[\n\]")
# In :func:`unformat`'s output: UNKNOWN before a word a dictionary lacked (one per leg that lacked it),
# FAILED before a word the generator or transfer could not inflect (Apertium's `*`, and `#` or `@`).
UNKNOWN = "\x01"
FAILED = "\x02"
_MARKS = {"*": UNKNOWN, "#": FAILED, "@": FAILED}


def stream(lines: list[str]) -> bytes:
    """``lines`` as one Apertium stream, each a text of its own, reserved characters escaped."""
    return "".join(RESERVED.sub(r"\\\1", line) + END for line in lines).encode()


class Segment:
    """Programs in null-flush mode behind one shell, started on first use: a batch in, its output back."""

    def __init__(self, command: str) -> None:
        self.command = command
        self._process: subprocess.Popen[bytes] | None = None

    def send(self, data: bytes, *, timeout: float) -> bytes:
        """``data`` through the programs; the batch ends at the ``\\0`` each program flushes on."""
        if self._process is None or self._process.poll() is not None:
            self._process = _start(self.command)
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(data.rstrip(b"\0") + b"\0")
        process.stdin.flush()
        out = b""
        deadline = time.monotonic() + timeout
        # poll, not select: select refuses a descriptor above 1023, which a long-lived server (or a long
        # test run) reaches; the call then failed with "filedescriptor out of range".
        ready = select.poll()
        ready.register(process.stdout, select.POLLIN)
        while not out.endswith(b"\0"):
            left = deadline - time.monotonic()
            if left <= 0 or not ready.poll(left * 1000):
                raise TimeoutError
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                raise OSError("the pipeline ended")
            out += chunk
        return out[:-1]

    def close(self) -> None:
        if self._process is not None:
            _kill(self._process)
            self._process = None


class Spares:
    """Fresh processes of one stateful command, each used for one text, started ahead of need."""

    def __init__(self, command: str, *, ready: int = 4) -> None:
        self.command = command
        self.ready = ready
        self._idle: deque[subprocess.Popen[bytes]] = deque()
        self._lock = threading.Lock()
        self._closed = False

    def send(self, data: bytes, *, timeout: float) -> bytes:
        """``data`` through the command, one fresh process per text, side by side; texts in order."""
        texts = [t + _END_BYTES for t in _TEXT_END.split(data) if t.strip(b"\0 \n")]
        if len(texts) <= 1:
            return self._one(data, timeout=timeout)
        with ThreadPoolExecutor(max_workers=min(4, len(texts))) as pool:
            return b"".join(pool.map(lambda t: self._one(t, timeout=timeout), texts))

    def _one(self, text: bytes, *, timeout: float) -> bytes:
        with self._lock:
            process = self._idle.popleft() if self._idle else None
        if process is None or process.poll() is not None:
            process = _start(self.command)
        threading.Thread(target=self._top_up, daemon=True).start()
        try:
            out, _ = process.communicate(text, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise TimeoutError from None
        if process.returncode != 0:
            raise OSError(f"{self.command.split()[0]} ended with {process.returncode}")
        return out.replace(b"\0", b"")  # null-flush mode ends each run with one; the stream has one end

    def _top_up(self) -> None:
        with self._lock:
            while not self._closed and len(self._idle) < self.ready:
                self._idle.append(_start(self.command))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            while self._idle:
                _kill(self._idle.popleft())


def _start(command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["bash", "-c", command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, 9)
    try:
        process.kill()
        process.wait(timeout=5)
    except (OSError, subprocess.SubprocessError):
        pass


def unformat(stream: str) -> list[str]:
    """The texts in a pipeline's output: blanks ``[...]`` unwrapped, escapes undone, split at each text's end.

    An unescaped ``*``, ``#`` or ``@`` is one of Apertium's marks on a word; it comes back as
    :data:`UNKNOWN` or :data:`FAILED`, so it is not mistaken for a text's own character.
    """
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
            current.append(_MARKS.get(ch, ch))
            i += 1
    return texts
