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
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from rag.errors import ConfigError, LLMUnavailable
from rag.translation.apertium_stream import FAILED, UNKNOWN, Segment, Spares, stream, unformat
from rag.translation.apertium_words import (
    LEFT,
    OTHER_PIVOT,
    PIVOT_LEFT,
    cased,
    common_words,
    glosses,
    separators,
    strip_marks,
    traced_words,
)

# Apertium has no direct Italian-English pair in Debian; Spanish is the pivot (Catalan measured worse,
# docs/BENCHMARKS.md "Renderings").
PIVOTS = ("spa", "cat")


def routes(pivot: str = "spa") -> dict[tuple[str, str], tuple[str, str]]:
    """Each direction's two legs through ``pivot``."""
    return {("it", "en"): (f"ita-{pivot}", f"{pivot}-eng"), ("en", "it"): (f"eng-{pivot}", f"{pivot}-ita")}


APERTIUM_ROUTES = routes()
MODES = Path("/usr/share/apertium/modes")
REINSTALL = "reinstall it with `make translator`"
# A text that ends a sentence as Apertium reads one (its `<sent>` tag); any other gets a full stop added
# for the pipeline and taken off its rendering.
_SENTENCE_END = re.compile(r"[.!?…]$")
_ADDED_STOP = re.compile(r"\s*\.$")
# Programs that carry state from one batch to the next (a sentence comes out differently after another):
# a fresh one for each text (rag/translation/apertium_stream.Spares).
STATEFUL = ("apertium-tagger ", "cg-proc ")


class Apertium:
    """Renders Italian <-> English through Spanish with Debian's Apertium; names kept as written.

    A word the route's dictionaries lack (Apertium marks it; "ucraino",
    "spinosa") is glossed alone through the other pivot's dictionaries
    (Catalan: ``apertium-cat-ita``, ``apertium-eng-cat``) when they are
    installed and know it; else it stays as written.
    """

    name = "apertium"

    def __init__(self, *, timeout: float, pivot: str = "spa", places: bool = True, glosses: bool = True) -> None:
        self.timeout = timeout
        self.pivot = pivot
        self.routes = routes(pivot)
        # Place names in the target language's form (Parigi -> Paris), from CLDR: rag/translation/gazetteer.py.
        self.places = places
        self.glosses = glosses
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
        return [strip_marks(t) for t in self.marked(texts, source=source, target=target)]

    def name_forms(self, names: Sequence[str], *, source: str, target: str) -> dict[str, str]:
        """Each name as a rendering writes it: its other-language form (CLDR, initials) or as written.

        A name is never rendered word by word (:func:`protect`), so its form needs no pipeline.
        """
        if not self.places:
            return {n: n for n in names}
        from rag.translation.gazetteer import place_names

        places = place_names(source, target)
        return {n: places.get(n, n) for n in names}

    def marked(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """:meth:`translate`'s renderings with a :data:`UNKNOWN` before each word left in the source language."""
        out = self._rendered(texts, source=source, target=target)
        if not self.glosses:
            return out
        unknown = {m.group(1) for o in out for m in LEFT.finditer(o)}
        # A word the second leg lacks is in the pivot's language ("ucraniano"): traced to the source word
        # that gave it, which is glossed instead.
        traced = traced_words(texts, out, source=source, target=target, pivot=self.pivot)
        words = sorted(unknown | {w for t in traced for w in t.values()})
        glossed = glosses(words, source=source, target=target, pivot=OTHER_PIVOT[self.pivot], timeout=self.timeout)
        out = [LEFT.sub(lambda m: cased(glossed.get(m.group(1)), m), o) for o in out]
        return [
            PIVOT_LEFT.sub(lambda m, t=t: cased(glossed.get(t.get(m.group(1).lower(), "")), m), o)  # type: ignore[misc]
            for o, t in zip(out, traced, strict=True)
        ]

    def _rendered(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        route = self.routes.get((source, target))
        if route is None:
            raise ConfigError(f"apertium renders only {', '.join('→'.join(r) for r in self.routes)}.")
        if not texts:
            return []
        places: dict[str, str] = {}
        if self.places:
            from rag.translation.gazetteer import place_names

            places = place_names(source, target)
        # Each text ends a sentence: the transfer stages join words across a blank but never across a
        # sentence end, so without one a text's last words slide into the next text's rendering.
        cleaned = [" ".join(t.split()) for t in texts]
        added = [not _SENTENCE_END.search(t) for t in cleaned]
        ended = [f"{t} ." if add else t for t, add in zip(cleaned, added, strict=True)]
        lines, kept = protect(ended, known=frozenset(places), common=common_words(cleaned, source))
        kept = {code: places.get(name, name) for code, name in kept.items()}
        out = pipeline(route).run(lines, timeout=self.timeout)
        out = [_ADDED_STOP.sub("", " ".join(o.split())) if add else o for o, add in zip(out, added, strict=True)]
        # A name's placeholder is a word no dictionary knows: its marks go with it.
        out = [re.sub(f"[{UNKNOWN}{FAILED}]+(?=Zxq)", "", o) for o in out]
        out = [restore(" ".join(o.split()), kept, source=t) for o, t in zip(out, texts, strict=True)]
        return [separators(o, source=source, target=target) for o in out]


class Pipeline:
    """One route's programs, started on first use and kept running; one batch at a time.

    The part-of-speech tagger and the constraint-grammar disambiguator carry
    state from one text to the next (kept running, they read a sentence
    differently after another one), so each text gets fresh ones, started
    ahead as spares; the programs around them, which load the dictionaries
    and the generator (~130 ms), keep running.
    """

    def __init__(self, legs: Sequence[str]) -> None:
        self.legs = tuple(legs)
        self._segments: list[Segment | Spares] | None = None
        self._lock = threading.Lock()

    def stages(self) -> list[str]:
        """Every program of both legs in order, in null-flush mode, unknown words marked (``-g``)."""
        out = []
        for leg in self.legs:
            done = subprocess.run(
                ["apertium-wblank-mode", "-z", str(MODES / f"{leg}.mode")], capture_output=True, text=True, timeout=10
            )
            if done.returncode != 0 or not done.stdout.strip():
                raise LLMUnavailable(f"apertium {leg} has no mode file; {REINSTALL}.")
            # $1 is the generator's flag (-g: a `*` before a word the dictionaries lack), $2 the tagger's (none).
            out += done.stdout.strip().replace("$1", "-g").replace("$2", "").split(" | ")
        return out

    def segments(self) -> list[Segment | Spares]:
        """Kept-running runs of programs, and between them the stateful ones, fresh for each text."""
        parts: list[Segment | Spares] = []
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
                    parts.append(Spares(" | ".join(fresh)))
                    fresh = []
                kept.append(stage)
        parts += [Segment(" | ".join(kept))] if kept else [Spares(" | ".join(fresh))] if fresh else []
        return parts

    def run(self, lines: Sequence[str], *, timeout: float) -> list[str]:
        """``lines`` rendered, one output per line, marks kept; restarts a dead or stuck pipeline once."""
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

    def warm(self) -> None:
        """Starts the programs now, so the first rendering does not wait for them to load."""
        self.run(["."], timeout=30)

    def _run(self, lines: Sequence[str], *, timeout: float) -> list[str]:
        if self._segments is None:
            self._segments = self.segments()
        deadline = time.monotonic() + timeout
        out: list[str] = []
        for batch in batches(lines):
            data = stream(batch)
            for part in self._segments:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                data = part.send(data, timeout=left)
            out += unformat(data.decode())
        if len(out) != len(lines):
            raise ValueError(f"{len(out)} outputs for {len(lines)} lines")
        return out

    def close(self) -> None:
        """Stops the programs (they start again on the next call)."""
        for part in self._segments or ():
            part.close()
        self._segments = None


_PIPELINES: dict[tuple[str, ...], Pipeline] = {}
_PIPELINES_LOCK = threading.Lock()


# A batch is written whole before its output is read: kept well under a pipe's 64 KiB buffer, so a
# program never waits to write while we still write to it (1,700 questions at once hung before).
BATCH_BYTES = 16_000


def batches(lines: Sequence[str]) -> list[list[str]]:
    """``lines`` in order, in batches of at most :data:`BATCH_BYTES` (a longer line goes alone)."""
    out: list[list[str]] = [[]]
    size = 0
    for line in lines:
        n = len(line.encode()) + 8
        if out[-1] and size + n > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(line)
        size += n
    return [b for b in out if b] or [[]]


def pipeline(legs: Sequence[str]) -> Pipeline:
    """The running pipeline for ``legs``, shared by every engine of this process."""
    with _PIPELINES_LOCK:
        return _PIPELINES.setdefault(tuple(legs), Pipeline(legs))


@atexit.register
def _close_all() -> None:
    for p in _PIPELINES.values():
        p.close()


def protect(
    lines: list[str], *, known: frozenset[str] = frozenset(), common: Sequence[frozenset[str]] = ()
) -> tuple[list[str], dict[str, str]]:
    """``lines`` with their names replaced by placeholders Apertium passes through untouched.

    Through the Spanish pivot a name that is also a word is translated as the
    word ("Mosca" -> "Fly", "Nato" -> "Born"); kept verbatim, a name stays
    the article's. A capitalised word that starts a line counts as a name when
    the line has it capitalised inside a sentence too, or it is in ``known`` (the
    place names CLDR gives), and not in the line's ``common`` set (capitalised adjectives: "Ukrainian").
    Each line is read on its own and a name's placeholder
    depends on the name alone, so a line renders the same whatever lines share its batch.
    """
    from zlib import crc32

    from rag.text.names import names

    kept: dict[str, str] = {}
    out = []
    for i, line in enumerate(lines):
        mine = common[i] if i < len(common) else frozenset()
        inside = known | frozenset(w for n in names(line, common=mine) for w in n.split())
        for name in sorted(names(line, known=inside, common=mine), key=len, reverse=True):
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
