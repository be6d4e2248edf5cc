"""Apertium's own dictionaries read word by word: a sentence's possible translations, a word's readings.

A rendering is checked against its source word by word here: every
content word of the rendering should be a translation of some word of its
own source. One that is not, but is a translation of a word of another
sentence rendered alongside, has slid from that sentence (:func:`strays`).
Only Apertium's stateless programs run (the morphological analysers and the
bilingual dictionaries), kept running in null-flush mode, so a look-up
costs milliseconds and depends on nothing but its text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from rag.translation.apertium_stream import END, Segment, stream

DATA = Path("/usr/share/apertium")
# Each language's analyser, and each direction's bilingual dictionaries, through the Spanish pivot.
_ANALYSERS = {"it": "apertium-spa-ita/ita-spa.automorf.bin", "en": "apertium-eng-spa/eng-spa.automorf.bin"}
_DICTIONARIES = {
    ("it", "en"): ("apertium-spa-ita/ita-spa.autobil.bin", "apertium-eng-spa/spa-eng.autobil.bin"),
    ("en", "it"): ("apertium-eng-spa/eng-spa.autobil.bin", "apertium-spa-ita/spa-ita.autobil.bin"),
}
# Parts of speech that carry a sentence's content (Apertium's tags); the rest (articles, prepositions,
# pronouns, auxiliaries) are rendered by rules, not looked up word for word.
CONTENT = frozenset({"n", "vblex", "adj", "adv"})
# A stray is looked for among nouns and adjectives only: the transfer rules write verbs and adverbs
# that no one word gives ("avvenuto" -> "given place", "moltissimo" -> "a lot"), nouns and adjectives
# come from the dictionary (measured on the sample: docs/BENCHMARKS.md "Renderings").
STRAY = frozenset({"n", "adj"})
_UNIT = re.compile(r"\^((?:\\.|[^$\\])*)\$")
_TAG = re.compile(r"<([^>]+)>")


class Lexicon:
    """Word-by-word look-ups in Apertium's dictionaries (installed with `make translator`)."""

    def __init__(self, *, timeout: float = 30) -> None:
        self.timeout = timeout
        self._segments: dict[str, Segment] = {}
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        """True when the analysers and dictionaries are installed."""
        files = [*_ANALYSERS.values(), *(f for pair in _DICTIONARIES.values() for f in pair)]
        return all((DATA / f).is_file() for f in files)

    def readings(self, texts: Sequence[str], *, language: str) -> list[list[tuple[str, set[str]]]]:
        """Each text's words, each with its readings ``lemma<tag>...`` (empty for a word the analyser lacks)."""
        out = self._send(f"lt-proc -z -w '{DATA / _ANALYSERS[language]}'", stream(list(texts)))
        texts_out: list[list[tuple[str, set[str]]]] = [[] for _ in texts]
        for i, chunk in enumerate(_split(out, len(texts))):
            for unit in _UNIT.findall(chunk):
                surface, *readings = re.split(r"(?<!\\)/", unit)
                if surface:
                    known = {r for r in readings if not r.startswith("*")}
                    texts_out[i].append((_unescape(surface).lstrip("*"), known))
        return texts_out

    def translations(self, texts: Sequence[str], *, source: str, target: str) -> list[set[str]]:
        """Each text's possible content words in ``target``: lemmas of every reading's translations, lower case."""
        words = self.readings(texts, language=source)
        first, second = _DICTIONARIES[(source, target)]
        units = sorted({part for ws in words for _, rs in ws for r in rs for part in r.split("+") if _content(part)})
        pivot = dict(zip(units, self._look_up(first, units), strict=True))
        middle = sorted({t for ts in pivot.values() for t in ts})
        final = dict(zip(middle, self._look_up(second, middle), strict=True))
        out = []
        for ws in words:
            found: set[str] = set()
            for _, rs in ws:
                for r in rs:
                    for part in r.split("+"):
                        found |= {_lemma(e) for t in pivot.get(part, ()) for e in final.get(t, ())}
            out.append(found)
        return out

    def pivot_words(self, texts: Sequence[str], *, source: str, target: str) -> list[dict[str, str]]:
        """Each text's ``{pivot-language lemma: the source word it translates}``, from the first dictionary."""
        words = self.readings(texts, language=source)
        first, _ = _DICTIONARIES[(source, target)]
        units = sorted({part for ws in words for _, rs in ws for r in rs for part in r.split("+") if _content(part)})
        pivot = dict(zip(units, self._look_up(first, units), strict=True))
        return [
            {_lemma(t): surface for surface, rs in ws for r in rs for part in r.split("+") for t in pivot.get(part, ())}
            for ws in words
        ]

    def gloss(self, words: Sequence[str], *, source: str, target: str, pivot: str) -> list[str | None]:
        """Each word alone, through ``pivot``'s dictionaries: analysed, looked up twice, generated; else None.

        The first reading that comes through whole wins (a gloss has no sentence to choose a reading by).
        A target tag the generator does not take (English adjectives have no gender) is dropped from
        the end until it generates.
        """
        legs = (_LANGUAGES[source], _LANGUAGES[pivot], _LANGUAGES[target])
        files = [_pair_file(legs[0], legs[1], "automorf"), _pair_file(legs[0], legs[1], "autobil"),
                 _pair_file(legs[1], legs[2], "autobil"), _pair_file(legs[1], legs[2], "autogen")]  # fmt: skip
        if not all(f.is_file() for f in files):
            return [None for _ in words]
        analysed = self._send(f"lt-proc -z -w '{files[0]}'", stream(list(words)))
        readings = []
        for chunk in _split(analysed, len(words)):
            unit = _UNIT.search(chunk)
            parts = re.split(r"(?<!\\)/", unit.group(1))[1:] if unit else []
            readings.append([r for r in parts if _content(r) and "+" not in r])
        units = sorted({r for rs in readings for r in rs})
        middle = dict(zip(units, self._look_up(str(files[1]), units), strict=True))
        pivots = sorted({t for ts in middle.values() for t in ts})
        final = dict(zip(pivots, self._look_up(str(files[2]), pivots), strict=True))
        tries = [[_shorter(e) for r in rs for t in middle[r] for e in final.get(t, ())] for rs in readings]
        flat = [u for word_tries in tries for options in word_tries for u in options]
        made = dict(zip(flat, self._generate(files[3], flat), strict=True)) if flat else {}
        out: list[str | None] = []
        for word_tries in tries:
            found = next((made[u] for options in word_tries for u in options if made.get(u)), None)
            out.append(found)
        return out

    def _generate(self, generator: Path, units: list[str]) -> list[str | None]:
        data = "".join(f"^{u}${END}" for u in units).encode()
        out = self._send(f"lt-proc -z -g '{generator}'", data)
        made = [_unescape(c.strip()) for c in _split(out, len(units))]
        return [m if m and not re.search(r"[#@*]", m) else None for m in made]

    def _look_up(self, dictionary: str, units: list[str]) -> list[list[str]]:
        """Each unit's translations in ``dictionary`` (one lexical unit per line in, the same out)."""
        if not units:
            return []
        data = "".join(f"^{u}${END}" for u in units).encode()
        out = self._send(f"lt-proc -z -b '{DATA / dictionary}'", data)
        found = []
        for chunk in _split(out, len(units)):
            unit = _UNIT.search(chunk)
            parts = re.split(r"(?<!\\)/", unit.group(1))[1:] if unit else []
            found.append([p for p in parts if p and not p.startswith(("@", "*", "#"))])
        return found

    def _send(self, command: str, data: bytes) -> str:
        with self._lock:
            segment = self._segments.setdefault(command, Segment(command))
            try:
                return segment.send(data, timeout=self.timeout).decode()
            except (OSError, TimeoutError):
                segment.close()
                return segment.send(data, timeout=self.timeout).decode()

    def close(self) -> None:
        """Stops the programs."""
        for segment in self._segments.values():
            segment.close()


def strays(
    sources: Sequence[str], renderings: Sequence[str], *, source: str, target: str, lexicon: Lexicon
) -> list[list[str]]:
    """Each rendering's words that translate a word of another source of the batch and none of its own.

    A word the rendering shares with its own source as written (a name, a number) is its own.
    """
    if len(sources) < 2:
        return [[] for _ in sources]
    own = lexicon.translations(sources, source=source, target=target)
    read = lexicon.readings(renderings, language=target)
    out = []
    for i, (text, words) in enumerate(zip(sources, read, strict=True)):
        written = {w.lower() for w in re.findall(r"\w+", text)}
        others = set().union(*(own[j] for j in range(len(sources)) if j != i)) - own[i]
        slid = []
        for surface, readings in words:
            if " " in surface or not readings or not all(_tags(r)[:1] and _tags(r)[0] in STRAY for r in readings):
                continue
            lemmas = {_lemma(r) for r in readings}
            if surface.lower() not in written and not lemmas & own[i] and lemmas & others:
                slid.append(surface)
        out.append(slid)
    return out


@cache
def shared_lexicon() -> Lexicon:
    """The process's lexicon (its programs are shared, like the translation pipelines)."""
    import atexit

    lexicon = Lexicon()
    atexit.register(lexicon.close)
    return lexicon


_LANGUAGES = {"it": "ita", "en": "eng", "spa": "spa", "cat": "cat"}


def _pair_file(source: str, target: str, kind: str) -> Path:
    """A compiled file of Apertium's ``source``-``target`` direction, in whichever order its package is named."""
    for package in (f"apertium-{source}-{target}", f"apertium-{target}-{source}"):
        if (DATA / package).is_dir():
            return DATA / package / f"{source}-{target}.{kind}.bin"
    return DATA / f"apertium-{source}-{target}" / f"{source}-{target}.{kind}.bin"


def _shorter(unit: str) -> list[str]:
    """``unit`` and the same with its tags dropped one by one from the end, down to the first.

    A bare adjective (English has no gender or number) also tries the masculine singular, which
    an Italian generator needs.
    """
    lemma, *tags = unit.split("<")
    out = [lemma + "".join(f"<{t}" for t in tags[:n]) for n in range(len(tags), 0, -1)]
    return out + ([f"{unit}<m><sg>"] if len(tags) == 1 else [])


def _tags(reading: str) -> list[str]:
    return _TAG.findall(reading)


def _content(reading: str) -> bool:
    tags = _tags(reading)
    return bool(tags) and tags[0] in CONTENT


def _lemma(reading: str) -> str:
    return _unescape(reading.split("<", 1)[0]).lower()


def _split(out: str, n: int) -> list[str]:
    parts = re.split(r"(?<!\\)\[\]\[\n\]", out.replace("\0", ""))
    return (parts + [""] * n)[:n]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
