"""Who speaks in the articles: the corpus's own speaker names, their roles, and mentions resolved to them.

No Italian NER model installs offline, so speakers are found with rules on
the articles themselves: a capitalised run ("Maria Zakharova") is a speaker
when its surname also stands alone somewhere, when a role noun comes just
before it ("la portavoce del ministero Maria Zakharova"), or when a verb of
saying touches it ("dice Kushner", "Mosca accusa:"). Short forms and
spelling variants (Zelensky/Zelenskyj, Kushner/Jushner) merge into the most
frequent full name. Role phrases resolve through the appositions the articles
themselves write ("il presidente ucraino Zelensky" makes "il leader ucraino"
Zelensky); what stays ambiguous resolves to nobody (``None``), never a guess.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rag.text.names import name_pattern
from rag.text.speech import AUXILIARY, COMPLEMENT, PLACE, ROLES, SAME_ROLE, SOURCE
from rag.text.speech import OPENERS as _OPENERS

# A capitalised run: "Volodymyr Zelensky", "Casa Bianca", "Zakharova".
NAME_RUN = name_pattern(tail=r"[\w\-]*", gap=r"[ \t]+", alone=True)
WORD = re.compile(r"[\wÀ-ÿ\-]+")


def words(text: str) -> list[str]:
    """Lowercased word tokens (apostrophes split: "dell'Ucraina" -> dell, ucraina)."""
    return [w.lower() for w in WORD.findall(text.replace("’", " ").replace("'", " "))]


def name_runs(text: str) -> list[tuple[int, int, str]]:
    """Capitalised runs of ``text`` with spans, leading openers dropped ("Il Cremlino" -> Cremlino)."""
    runs = []
    for m in NAME_RUN.finditer(text):
        tokens = [(t.start(), t.end()) for t in re.finditer(r"\S+", m.group(0))]
        while tokens and m.group(0)[tokens[0][0] : tokens[0][1]].lower().strip("'’") in _OPENERS:
            tokens = tokens[1:]
        if tokens:
            start, end = m.start() + tokens[0][0], m.start() + tokens[-1][1]
            runs.append((start, end, text[start:end]))
    return runs


@dataclass
class Speakers:
    """The speakers of a corpus: canonical names, the forms that mean them, and their roles."""

    canonical: dict[str, str] = field(default_factory=dict)  # lowercased form -> canonical name
    roles: dict[str, list[set[str]]] = field(default_factory=dict)  # canonical -> role token sets

    def is_person(self, name: str) -> bool:
        """Whether the articles treat ``name`` as a person: they give a full name, or a role ("il portavoce
        Peskov"). "Mosca accusa", "secondo Axios", "il Cremlino ha respinto" speak for places, outlets and
        institutions, which the articles never give a first name or a role."""
        return len(name.split()) > 1 or bool(self.roles.get(name))

    @classmethod
    def build(cls, texts: Iterable[str], *, is_speech: Callable[[str], bool]) -> Speakers:
        """Find the speakers of ``texts``; ``is_speech(word)`` tells a verb of saying."""
        runs: Counter[str] = Counter()
        alone: Counter[str] = Counter()
        flagged: set[str] = set()  # a role or a verb of saying touches it
        speaking: set[str] = set()  # a verb of saying touches it
        appositions: list[tuple[str, set[str]]] = []
        for text in texts:
            for start, end, name in name_runs(text):
                raw_before = text[max(0, start - 60) : start]
                before = words(raw_before)
                sourced = any(tuple(before[-len(w) :]) == w for w in SOURCE)
                if before and not sourced and (before[-1] in COMPLEMENT or before[-1] in PLACE):
                    continue  # "di Mosca", "a Parigi": a complement or a place, not someone speaking
                runs[name] += 1
                if not _sentence_start(text, start):
                    alone[name] += 1
                role = _role_before(raw_before)
                if role is not None:
                    flagged.add(name)
                    appositions.append((name, role))
                if sourced or (before and is_speech(before[-1])) or verb_follows(text[end : end + 40], is_speech):
                    flagged.add(name)
                    speaking.add(name)
        # "presidente del Consiglio Giorgia Meloni": the name is the part that also stands on its own.
        for name in [n for n in runs if len(n.split()) > 2]:
            tail = " ".join(name.split()[-2:])
            if tail in runs:
                runs[tail] += runs.pop(name)
                if name in flagged:
                    flagged.add(tail)
        people = {n for n in runs if len(n.split()) > 1 and (n in flagged or n.split()[-1] in alone)}
        # A one-word speaker that is no one's surname ("Mosca accusa:") must be written mid-sentence too.
        people |= {n for n in runs if len(n.split()) == 1 and n in speaking and alone[n] > 0}
        speakers = cls()
        for name in sorted(people, key=lambda n: (len(n.split()) != 2, -runs[n], n)):
            speakers._add(name, runs)
        for name, role in appositions:
            who = speakers.resolve_name(" ".join(name.split()[-2:]))
            if who:
                speakers.roles.setdefault(who, []).append(role)
        return speakers

    def _add(self, name: str, runs: Counter[str]) -> None:
        surname = name.split()[-1]
        for form in (name.lower(), surname.lower()):
            if form in self.canonical:
                return  # a longer, more frequent form already owns it
        # A spelling variant of a known name (Zelenskyj, Jushner) joins it.
        for known in set(self.canonical.values()):
            a, b = known.split(), name.split()
            same_first = (len(a) == len(b) == 2 and a[0] == b[0]) or len(b) == 1
            if same_first and difflib.SequenceMatcher(None, a[-1].lower(), b[-1].lower()).ratio() >= 0.85:
                self.canonical[name.lower()] = self.canonical[surname.lower()] = known
                return
        self.canonical[name.lower()] = name
        if len(name.split()) > 1:
            self.canonical.setdefault(surname.lower(), name)

    def names(self) -> list[str]:
        """Every canonical speaker name."""
        return sorted(set(self.canonical.values()))

    def resolve_name(self, text: str) -> str | None:
        """The speaker a name form means ("Zelensky", "Volodymyr Zelenskyj"), or None."""
        form = text.lower().strip()
        if form in self.canonical:
            return self.canonical[form]
        last = form.split()[-1] if form.split() else ""
        return self.canonical.get(last)

    def in_mention(self, mention: str) -> str | None:
        """The first speaker named in an attribution ("la portavoce del ministero Maria Zakharova durante…").

        Names in a complement ("il genero di Trump") or after a preposition of
        place do not count.
        """
        found = self.find_in(mention)
        return found[0] if found else None

    def find_in(self, mention: str) -> tuple[str, str] | None:
        """Like :meth:`in_mention`, with the name as written: ``(speaker, written)``."""
        for start, _, name in name_runs(mention):
            before = words(mention[:start])
            if before and (before[-1] in COMPLEMENT or before[-1] in PLACE):
                continue
            who = self.resolve_name(name)
            if who:
                return who, name
        return None

    def resolve_role(self, mention: str, *, nearby: Iterable[str] = ()) -> str | None:
        """The speaker a role phrase means ("il leader ucraino"), from the articles' appositions.

        The role head must name the same office, and any modifier ("ucraino")
        must match; among several, one of ``nearby`` (speakers of the same
        article) wins. Ambiguous means None.
        """
        tokens = words(mention)
        heads = [t for t in tokens if t in ROLES]
        if not heads:
            return None
        head = heads[0]
        modifiers = {t for t in tokens[tokens.index(head) + 1 :] if t not in COMPLEMENT and len(t) > 2}
        family = next((g for g in SAME_ROLE if head in g), {head})
        scored: Counter[str] = Counter()
        for who, roles in self.roles.items():
            for role in roles:
                if role & family and modifiers <= role:
                    scored[who] += 1 + len(modifiers & role)
        if not scored:
            return None
        local = [w for w in scored if w in set(nearby)]
        pool = local or list(scored)
        best = max(pool, key=lambda w: scored[w])
        tied = [w for w in pool if scored[w] == scored[best]]
        return best if len(tied) == 1 else None


def _role_before(raw: str) -> set[str] | None:
    """The role phrase right before a name ("presidente ucraino", "segretario della Nato,"), as tokens.

    Only within the name's clause (a comma just before the name is allowed),
    at most five words back, and not across an "e".
    """
    text = raw.split("\n")[-1].rstrip()
    if text.endswith(","):
        text = text[:-1]
    tokens = words(re.split(r"[.;:!?,()\"“”«»–—]|\s-\s", text)[-1])[-5:]
    for i, w in enumerate(tokens):
        if w in ROLES and not {"e", "ed", "and"} & set(tokens[i:]):
            return {t for t in tokens[i:] if t not in COMPLEMENT}
    return None


def verb_follows(after: str, is_speech: Callable[[str], bool]) -> bool:
    """A verb of saying comes right after a name, as its subject: "Mosca accusa", "Meloni ha ribadito"."""
    # "L’Italia, con la premier Giorgia Meloni, ha confermato": a comma may close an apposition.
    clause = re.split(r"[,.;:!?()\"“”«»\n]", after.lstrip(" ,"), maxsplit=1)[0]
    tokens = words(clause)[:3]
    if not tokens:
        return False
    if tokens[0] in AUXILIARY:
        return any(is_speech(t) for t in tokens[1:3])
    return is_speech(tokens[0])


def _sentence_start(text: str, start: int) -> bool:
    head = text[max(0, start - 3) : start].strip()
    return start == 0 or head[-1:] in {".", "!", "?", "\n", ":", '"', "“", "«"} or not head
