"""What kind of answer a question wants, from its words in Italian or English.

The kinds: ``fact`` (the default: the sentence that answers), ``list`` (who attended, which
countries: every name), ``count`` (how many: the number first), ``time`` (when: the date first),
``who_is`` (who is X: the name and the role), ``summary`` (summarize, what happened: one sentence
per story), ``latest`` (the latest on X: the newest first) and ``comparison`` (how A and B differ:
one sentence per side). A follow-up ("And Macron?") is rewritten first (rag/answering/followup.py)
and then has the kind of the question it completes. rag/answering/composers.py composes each kind.
"""

from __future__ import annotations

import re

KINDS = ("fact", "list", "count", "time", "who_is", "summary", "latest", "comparison")

_I = re.IGNORECASE
_SUMMARY = re.compile(
    r"\b(summari[sz]e|summary|sum up|main points|key points|overview|recap|the gist|what happened|"
    r"what has happened|what's happening|what is happening|riassumi|riassunto|riepiloga|fai una sintesi|in sintesi|"
    r"punti principali|punti chiave|(?:che )?cosa (?:è|e'|é) successo|cos'è successo|cosa succede|cosa sta succedendo|"
    r"fai il punto|panoramica)\b",
    _I,
)
_NEWS = re.compile(
    r"\b(news|notizie|novità|aggiornamenti|updates?)\b(?! (?:agency|agenzia))",
    _I,
)
# "The latest on…", "le ultime notizie", not any "ultima" ("l'ultima epoca", "the last king").
_LATEST = re.compile(
    r"\b(?:the latest|latest (?:news|reports?|updates?|on|about)|newest|most recent (?:news|reports?)|"
    r"(?:le )?ultime (?:notizie|novità|news|su|sul|sulla|sui|sugli|sulle|da|dal|dalla)|ultimi sviluppi|"
    r"ultim[aoie] aggiornament[io]|più recenti)\b",
    _I,
)
_COUNT = re.compile(r"\b(how many|how much|quant[ioae]|number of|numero di)\b", _I)
_COUNTED = re.compile(rf"{_COUNT.pattern}\s+((?:[^\W\d_][\w'’-]*\s+){{0,2}})", _I)
_TIME = re.compile(
    r"^\s*(?:and\s+|e\s+)?(?:when|quando)\b|\b(?:what|which) (?:day|date|year|month|time)\b|"
    r"\b(?:in )?(?:che|quale|quali) (?:giorno|data|anno|mese|giorni)\b|\bda quando\b|\bsince when\b",
    _I,
)
_WHO_IS = re.compile(
    r"^\s*(?:who(?:'s| is| was)|chi (?:è|e'|é|era|sarebbe))\s+"
    r"(?!(?:the |il |la |lo |i |gli |le )?(?:one|uno|una|quello|quella|that|who|che)\b)(.+?)\??\s*$",
    _I,
)
_LIST = re.compile(
    r"\b(?:list|name (?:all|the)|elenca|quali sono|chi sono|who are|who were|which (?:countries|leaders|people|"
    r"states|nations|officials|envoys)|quali (?:paesi|leader|persone|stati|nazioni|governi|inviati)|"
    r"who (?:attended|took part|participated|was (?:at|present)|were (?:at|present)|joined|met)|"
    r"chi (?:ha|hanno) (?:partecipato|preso parte|incontrato)|chi (?:c'era|era presente|erano presenti|partecipa))\b",
    _I,
)
_COMPARISON = re.compile(
    r"\b(?:compare|comparison|differ|differs|differed|difference|differences|versus|vs|confronta|confronto|"
    r"differenz[ae]|differisc\w*|diversa|diverse|diversi)\b|\brispetto a\b",
    _I,
)


def question_kind(question: str) -> str:
    """The kind of answer ``question`` wants: one of :data:`KINDS`."""
    if _COMPARISON.search(question):
        return "comparison"
    if _LATEST.search(question):
        return "latest"
    if _SUMMARY.search(question) or (_NEWS.search(question) and not _COUNT.search(question)):
        return "summary"
    if _COUNT.search(question):
        return "count"
    if _TIME.search(question):
        return "time"
    if _LIST.search(question):
        return "list"
    if _WHO_IS.search(question):
        return "who_is"
    return "fact"


def counted(question: str) -> str:
    """The words right after "how many" / "quanti" ("droni sono" in "Quanti droni sono stati abbattuti?"), or ""."""
    return " ".join(m.group(2) for m in _COUNTED.finditer(question)).strip()


def who_is(question: str) -> str:
    """What a "who is" question asks about ("il genero di Trump", "Kushner"), or ""."""
    m = _WHO_IS.search(question)
    return m.group(1) if m else ""


# What a summary's question says beside asking for one ("Riassumi le notizie su Tver": "Tver").
_ASKING = re.compile(
    rf"{_SUMMARY.pattern}|{_NEWS.pattern}|{_LATEST.pattern}|\b(?:articles?|articoli|stories|storie|give|me|tell|"
    r"dimmi|dammi|please|per favore|the|le|gli|i|on|about|su|sul|sulla|sui|sugli|sulle|in|of|di|delle|degli|dei|"
    r"a|an|what|is|are|cosa|che|quali|quale|sono|the|today|oggi|so far|finora|all|tutte|tutti|main|principali)\b",
    _I,
)


def topic(question: str) -> str:
    """The words of a summary or "latest" question that name its topic ("" for "Summarize the articles")."""
    rest = _ASKING.sub(" ", re.sub(r"['’]s\b", " ", question))
    return " ".join(re.findall(r"[^\W_][\w'’-]*", rest))
