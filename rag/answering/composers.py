"""One way to choose and order the answer's sentences for each kind of question (rag/text/kinds.py).

Every composer reads the same ranked candidates (the answer model's order, rag/answering/extractive.py)
and returns the sentences to quote, first the one that answers best for its kind:

- ``list``: the sentences that name the most people, places and groups not named yet, so the answer
  covers the set ("Who attended?": the US envoys, then Meloni, Zelensky and "oltre 27 leader");
- ``count``: a sentence where a number qualifies the asked noun first ("129 droni");
- ``time``: a sentence with a date first ("oggi, martedì 6 gennaio, a Parigi");
- ``who_is``: the sentence that gives the person's name, joined to the one before it when the name is
  there ("…", dice Kushner. "… – sottolinea il genero di Trump – …");
- ``comparison``: one sentence per side;
- ``summary`` and ``latest``: one sentence per article (one story once), newest first for ``latest``.

``fact`` keeps the answer model's choice (:func:`rag.answering.candidates.select`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from rag import fitted
from rag.answering.answer_types import PATTERNS, typed_phrases
from rag.answering.candidates import Candidate, select
from rag.answering.features import is_fragment, stems
from rag.text.kinds import counted, who_is
from rag.text.language import all_stopwords
from rag.text.question import content_words, entities
from rag.text.words import fold, number_words

POOL = 12  # candidates a composer looks at, best first
LIST_SENTENCES = 4
STORIES = 4
_DATE = PATTERNS["when"]
_WORDS = re.compile(r"[^\W_][\w'’-]*")
_NUMBERS = set(number_words("it", 2, 100)) | set(number_words("en", 2, 100))


def choose(kind: str, question: str, candidates: list[Candidate], *, wording: str | None = None) -> list[Candidate]:
    """The sentences that answer ``question`` for its ``kind``, best first (``candidates`` ranked, not empty).

    ``wording`` is the question with its renderings in the articles' languages (rag/search/crosslingual.py),
    where the asked noun or the sides of a comparison are found in the articles' words.
    """
    composers: dict[str, Callable[[str, list[Candidate]], list[Candidate] | None]] = {
        "list": listing,
        "count": counting,
        "time": dated,
        "who_is": naming,
        "comparison": sides,
        # Over articles in another language the topic's words are a machine's: the ranking decides alone.
        "summary": lambda q, c: stories(q if wording is None else "", c, newest=False),
        "latest": lambda q, c: stories(q if wording is None else "", c, newest=True),
    }
    composer = composers.get(kind)
    chosen = composer(wording or question, candidates) if composer else None
    return chosen or select(candidates)


def _pool(candidates: list[Candidate]) -> list[Candidate]:
    best = candidates[0].score
    return [c for c in candidates[:POOL] if c.score >= best - 2 * fitted.ANSWER_MARGIN]


def names_in(question: str, text: str) -> set[str]:
    """The names and counted groups in ``text`` that ``question`` does not name ("Meloni", "27 leader")."""
    found = {fold(m.group(0).rstrip(".")) for m in typed_phrases(question, text, "who")}
    found |= {fold(m.group(0)) for m in typed_phrases(question, text, "number")}
    return found


def listing(question: str, candidates: list[Candidate]) -> list[Candidate] | None:
    """Greedy cover from the best answer on: each next sentence names the most not named yet (the better
    ranked on a tie), among those close to the best; None when the best answer is all there is."""
    close = _pool(candidates)
    pool = [c for c in close if not is_fragment(c.text)] or close
    chosen: list[Candidate] = [candidates[0]]  # the model's answer first, whatever it names
    named: set[str] = names_in(question, candidates[0].text)
    while len(chosen) < LIST_SENTENCES:
        gains = [(len(names_in(question, c.text) - named), -i) for i, c in enumerate(pool) if c not in chosen]
        if not gains or max(gains)[0] == 0:
            break
        best = pool[-max(gains)[1]]
        chosen.append(best)
        named |= names_in(question, best.text)
    return chosen if len(chosen) > 1 else None


def counting(question: str, candidates: list[Candidate]) -> list[Candidate] | None:
    """A sentence where a number stands right before the asked noun first, then the model's next choice."""
    nouns = {fold(w)[:4] for w in content_words(counted(question))}
    if not nouns:
        return None
    for c in _pool(candidates):
        words = [fold(w) for w in _WORDS.findall(c.text)]
        for i, w in enumerate(words):
            if w[:4] in nouns and any(_is_number(x) for x in words[max(0, i - 3) : i]):
                return _first(c, candidates)
    return None


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word in _NUMBERS


def dated(question: str, candidates: list[Candidate]) -> list[Candidate] | None:
    """A sentence that holds a date (a day, a month, a year) first, then the model's next choice."""
    for c in _pool(candidates):
        if any(m.group(0) for m in _DATE.finditer(c.text)):
            return _first(c, candidates)
    return None


def naming(question: str, candidates: list[Candidate]) -> list[Candidate] | None:
    """For a role ("Chi è il genero di Trump?"), the best sentence with a name right beside the role, or the
    best sentence joined to the one before it when that one holds the name ("…", dice Kushner. / "… –
    sottolinea il genero di Trump – …"). A question about a name ("Who is Kushner?") keeps the model's choice."""
    role = who_is(question)
    if not role or role[:1].isupper():
        return None  # no role, or a name ("Who is Kushner?")
    # The role's own words, not the names in it ("genero", not "Trump").
    stems_wanted = {fold(w)[:5] for w in content_words(role) if w in role}
    for c in _pool(candidates):
        if _name_beside(question, c.text, stems_wanted):
            return _first(c, candidates)
    best = candidates[0]
    before = _previous_sentence(best)
    if before is not None and _mentions(best.text, stems_wanted) and names_in(question, before[2]):
        text = best.passage.text[before[0] - best.passage.start : best.end - best.passage.start]
        return [replace(best, start=before[0], text=text)]
    return None


def _mentions(text: str, wanted: set[str]) -> bool:
    return any(fold(w)[:5] in wanted for w in _WORDS.findall(text))


def _name_beside(question: str, text: str, wanted: set[str]) -> bool:
    """A name the question does not hold within a few words of the role ("il capo dello SBU, Vasyl Malyuk")."""
    roles = [m.start() for m in _WORDS.finditer(text) if fold(m.group(0))[:5] in wanted]
    stop = all_stopwords()
    names = [m for m in typed_phrases(question, text, "who") if m.group(0).split()[0].lower() not in stop]
    return any(abs(m.start() - r) <= 40 or abs(m.end() - r) <= 40 for m in names for r in roles)


def _previous_sentence(c: Candidate) -> tuple[int, int, str] | None:
    before = [s for s in c.passage.sentence_texts() if s[1] <= c.start]
    previous = max(before, default=None)
    if previous is None or "\n" in c.passage.text[previous[1] - c.passage.start : c.start - c.passage.start]:
        return None  # none, or past a paragraph break
    return previous


def sides(question: str, candidates: list[Candidate]) -> list[Candidate] | None:
    """One sentence for each side the question names (the best ranked that names it), in the question's order.

    A side is a run of capitalised words ("Stati Uniti"); its rendering is another side that finds the
    same sentence, so each sentence stands for one side only.
    """
    names = set(entities(question))
    phrases = [m.group(0).split() for m in _CAPITALISED.finditer(question)]
    phrases = [p for p in phrases if p[0] in names]
    chosen: list[Candidate] = []
    for phrase in phrases:
        keys = [fold(w)[:5] for w in phrase]
        named = (c for c in _pool(candidates) if _holds_all(c.text, keys))
        side = next((c for c in named if c not in chosen), None)
        if side is not None:
            chosen.append(side)
    return chosen if len(chosen) >= 2 else None


_CAPITALISED = re.compile(r"[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)*")


def _holds_all(text: str, keys: list[str]) -> bool:
    words = {w[:5] for w in re.findall(r"\w+", fold(text))}  # "L’Italia": "italia"
    return all(k in words for k in keys)


def stories(question: str, candidates: list[Candidate], *, newest: bool) -> list[Candidate] | None:
    """The best sentence of each article that shares a word with the topic (any, when ``question`` is
    empty), one story once, up to :data:`STORIES`; the newest article first if asked."""
    chosen: list[Candidate] = []
    pool = _pool(candidates)
    on_topic = [c for c in pool if stems(question, c.passage.language) & stems(c.text, c.passage.language)]
    for c in on_topic or pool:
        if is_fragment(c.text) or any(c.passage.doc_id == o.passage.doc_id or _same_story(c, o) for o in chosen):
            continue
        chosen.append(c)
        if len(chosen) == STORIES:
            break
    if newest:
        chosen.sort(key=lambda c: c.passage.date or "", reverse=True)
    return chosen or None


def _same_story(a: Candidate, b: Candidate) -> bool:
    """Two sentences that share most of their words tell the same story (a reprint, a follow-up)."""
    x, y = stems(a.text, a.passage.language), stems(b.text, b.passage.language)
    return bool(x and y) and len(x & y) / len(x | y) >= 0.5


def _first(c: Candidate, candidates: list[Candidate]) -> list[Candidate]:
    """``c`` first, then what the answer model would add to it."""
    return select([c, *[o for o in candidates if o is not c]])


def speaks_of(question: str, wording: str | None, candidates: list[Candidate]) -> bool:
    """Whether the retrieved sentences speak of the topic: half the content words of the question, or of its
    rendering in their language, are among their stems ("peace talks" -> "conferenze di pace": "pace").

    ``wording`` is the question followed by its renderings (rag/search/crosslingual.py), or None.
    """
    parts = [question, wording[len(question) :]] if wording and wording.startswith(question) else [wording or question]
    for language in {c.passage.language for c in candidates}:
        seen = set().union(*(stems(c.text, c.passage.language) for c in candidates if c.passage.language == language))
        for part in parts:
            wanted = stems(part, language)
            if wanted and len(wanted & seen) * 2 >= len(wanted):
                return True
    return False
