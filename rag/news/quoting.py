"""Who said what: direct quotes and reported speech, with their speakers, out of the cleaned articles.

A direct quote is text of at least four words between “…”, «…» or "…"
(shorter quoted bits are terms: “Nato-style”, "tenterà"). Its speaker comes
from, in order: an attribution inside it ("… – sottolinea il genero di
Trump – …"), right after it (`", dice Zelensky`), or before it in its
sentence (`Mosca accusa: "…"`, `avvertendo: “…”`). A quote that is a
sentence of its own with none of these continues the previous quote's
speaker. Reported speech is a sentence whose named subject comes before a
verb of saying ("Meloni ha sottolineato …", "secondo Axios …"). Spans
index the cleaned article exactly; a direct quote's span is the quoted
words without their marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from rag.ingestion.chunk import split_sentences
from rag.news.speakers import COMPLEMENT, ROLES, SOURCE, Speakers, verb_follows, words
from rag.search.dates import mentioned_date
from rag.text.names import CAPITAL
from rag.text.speech import ENDINGS as _ENDINGS
from rag.text.speech import SAY_EN as _SAY_EN
from rag.text.speech import SAY_IT as _SAY_IT
from rag.text.speech import SAY_IT_FORMS as _SAY_IT_FORMS
from rag.types import Quote

MIN_WORDS = 4
_AFTER = re.compile(r"^\s*[,.:;]?\s*(?:(?:ha|hanno|aveva|avevano|has|had)\s+)?([\w']+)\b([^.;!?\n]{0,140})")
_INNER = re.compile(r"\s[–—-]\s*(?:(?:ha|hanno|aveva)\s+)?([\w']+)\b([^–—\-]{0,80}?)\s*[–—-]\s")
_QUOTES = re.compile(r"“([^”]{1,3000})”|«([^»]{1,3000})»")
CONTINUE_WITHIN = 300  # characters between two quotes for the second to continue the first's speaker


@cache
def _forms() -> frozenset[str]:
    """Every regular form of the Italian verbs of saying, plus the irregular ones."""
    forms = set(_SAY_IT_FORMS)
    for verb in _SAY_IT:
        root, ending = verb[:-3], verb[-3:]
        if len(root) >= 3:  # "dire" is irregular (listed above): "d" + endings gives "de", "dono", "dita"
            forms.update(root + e for e in _ENDINGS.get(ending, ()))
    return frozenset(forms)


def is_speech(word: str, *, lang: str | None = None) -> bool:
    """Whether ``word`` is a form of a verb of saying: Italian, English, or with ``lang`` that language's only.

    A question's own language matters: English "state" is the Italian "(sono) state".
    """
    w = word.lower()
    return (lang != "en" and w in _forms()) or (lang != "it" and w in _SAY_EN)


def build_speakers(texts: Iterable[str]) -> Speakers:
    """The speakers of a corpus (see :mod:`rag.news.speakers`)."""
    return Speakers.build(texts, is_speech=is_speech)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the words inside quotation marks (curly, guillemets, or straight pairs per paragraph)."""
    spans = [(m.start(1) if m.group(1) is not None else m.start(2), m.end() - 1) for m in _QUOTES.finditer(text)]
    pos = 0
    for paragraph in text.split("\n"):
        marks = [pos + i for i, ch in enumerate(paragraph) if ch == '"']
        spans += [(a + 1, b) for a, b in zip(marks[::2], marks[1::2], strict=False)]
        pos += len(paragraph) + 1
    return sorted(spans)


def extract(doc_id: str, text: str, *, date: str | None, speakers: Speakers, lang: str = "it") -> list[Quote]:
    """The direct quotes and reported speech of one article, in text order."""
    sentences = split_sentences(text, language=lang)
    spans = [(a, b) for a, b in quoted_spans(text) if len(words(text[a:b])) >= MIN_WORDS]
    nearby = {w for _, _, n in _runs(text) if (w := speakers.resolve_name(n))}
    quotes: list[Quote] = []
    previous: Quote | None = None
    for a, b in spans:
        index = next((i for i, s in enumerate(sentences) if s.start <= a - 1 < s.end), None)
        sentence_start = sentences[index].start if index is not None else a - 1
        pre = _outside_quotes(text, sentence_start, a - 1, spans)
        mention, speaker, confidence = _attribute(text, a, b, pre, speakers, nearby)
        if speaker is None and mention == "" and index:  # ", dice." names no one: the last sentence's subject
            speaker, confidence = speakers.in_mention(sentences[index - 1].text), 0.7
        close = previous is not None and a - previous.end <= CONTINUE_WITHIN
        # A quote of its own, or one given to a role no article ties to a name ("sottolinea il
        # genero di Trump" right after `dice Kushner`), continues the last speaker.
        alone = mention == "" or (mention is None and not pre.strip())
        role = bool(mention) and not pre.strip() and any(w in ROLES for w in words(mention or ""))
        if speaker is None and close and (alone or role):
            assert previous is not None
            speaker, confidence = previous.speaker, 0.6
        sentence = sentences[index].text if index is not None else text[a:b]
        quote = Quote(
            speaker=speaker,
            speaker_mention=(mention or None) if mention is not None else None,
            text=text[a:b],
            kind="direct",
            doc_id=doc_id,
            date=mentioned_date(sentence, base=date, lang=lang) or date,
            start=a,
            end=b,
            confidence=confidence if speaker else 0.0,
        )
        quotes.append(quote)
        previous = quote
    quotes += _reported(doc_id, text, sentences, spans, date=date, speakers=speakers, lang=lang)
    return sorted(quotes, key=lambda q: q.start)


def _attribute(
    text: str, a: int, b: int, pre: str, speakers: Speakers, nearby: set[str]
) -> tuple[str | None, str | None, float]:
    """(mention, speaker, confidence); mention None when no attribution was found, "" when it names no one."""
    inner = _INNER.search(text[a:b])
    if inner and is_speech(inner.group(1)):
        return _resolve(inner.group(2), speakers, nearby)
    after = _AFTER.match(text[b + 1 : b + 200])
    if after and is_speech(after.group(1)):
        mention, speaker, confidence = _resolve(after.group(2), speakers, nearby)
        if speaker or mention:
            return mention, speaker, confidence
        named = speakers.find_in(pre)
        if named:  # `Zelensky parla di "…", aggiunge.`
            return named[1], named[0], 0.8
        return "", None, 0.0
    if pre.rstrip().endswith(":") or any(is_speech(w) for w in words(pre)):
        named = speakers.find_in(pre)
        if named:
            return named[1], named[0], 0.85
        return " ".join(pre.split()[-5:]), None, 0.0
    return None, None, 0.0


def _resolve(mention: str, speakers: Speakers, nearby: set[str]) -> tuple[str, str | None, float]:
    """(mention as written, speaker, confidence) for an attribution's words after its verb."""
    mention = mention.strip(" ,")
    named = speakers.find_in(mention)
    if named:
        return named[1], named[0], 0.95
    short = " ".join(mention.split()[:5])
    role = speakers.resolve_role(mention, nearby=nearby)
    if role:
        return short, role, 0.8
    # "- ha aggiunto su X -" names a medium, not a person: the quote continues its speaker.
    personal = any(w in ROLES for w in words(mention)) or re.search(rf"\b[{CAPITAL}][\w-]{{2,}}", mention)
    return (short if personal else ""), None, 0.0


def _outside_quotes(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with the quoted passages in it blanked (their names are not the speaker)."""
    chars = list(text[start:end])
    for a, b in spans:
        for i in range(max(a - 1, start), min(b + 1, end)):
            chars[i - start] = " "
    return "".join(chars)


def _runs(text: str) -> list[tuple[int, int, str]]:
    from rag.news.speakers import name_runs

    return name_runs(text)


def _reported(
    doc_id: str,
    text: str,
    sentences: list,  # type: ignore[type-arg]
    spans: list[tuple[int, int]],
    *,
    date: str | None,
    speakers: Speakers,
    lang: str,
) -> list[Quote]:
    """Sentences outside direct quotes whose named subject comes before a verb of saying."""
    found = []
    for s in sentences:
        if any(a < s.end and s.start < b for a, b in spans):
            continue
        speaker = None
        for start, end, name in _runs(s.text):
            who = speakers.resolve_name(name)
            before = words(s.text[:start])[-1:]
            if not who or (before and before[0] in COMPLEMENT):
                continue
            sourced = any(tuple(words(s.text[:start])[-len(w) :]) == w for w in SOURCE)
            if sourced or verb_follows(s.text[end : end + 40], is_speech):
                speaker = who
                break
        if speaker is None:
            continue
        found.append(
            Quote(
                speaker=speaker,
                speaker_mention=None,
                text=s.text,
                kind="reported",
                doc_id=doc_id,
                date=mentioned_date(s.text, base=date, lang=lang) or date,
                start=s.start,
                end=s.end,
                confidence=0.5,
            )
        )
    return found


def score_attribution(predicted: list[Quote], gold: list[dict[str, Any]]) -> dict[str, float]:
    """Attribution precision and recall over direct quotes, and the exact-span rate.

    ``gold`` rows have ``doc_id``, ``start``, ``end`` and ``speaker`` (None
    when the article names no one). Precision is over predicted quotes with
    a speaker that match a gold quote by span overlap; recall over gold quotes
    with a speaker. Speakers compare by surname, so a fuller form still counts.
    """

    def same(a: Any, b: Any) -> bool:
        return isinstance(a, str) and isinstance(b, str) and a.split()[-1].lower() == b.split()[-1].lower()

    direct = [q for q in predicted if q.kind == "direct"]

    def match(row: dict[str, Any]) -> Quote | None:
        overlapping = (q for q in direct if q.doc_id == row["doc_id"] and q.start < row["end"] and row["start"] < q.end)
        return next(overlapping, None)

    pairs = [(row, match(row)) for row in gold]
    attributed = [(row, q) for row, q in pairs if q is not None and q.speaker]
    spoken = [(row, q) for row, q in pairs if row["speaker"]]
    found = [(row, q) for row, q in pairs if q is not None]
    return {
        "precision": sum(same(q.speaker, row["speaker"]) for row, q in attributed) / max(len(attributed), 1),
        "recall": sum(q is not None and same(q.speaker, row["speaker"]) for row, q in spoken) / max(len(spoken), 1),
        "exact_span": sum(q is not None and (q.start, q.end) == (row["start"], row["end"]) for row, q in found)
        / max(len(found), 1),
        "quotes": float(len(gold)),
        "attributed": float(len(attributed)),
    }
