"""How an answer reads, whatever prints it: the words around it in each language, and its lines.

The CLI prints :func:`answer_lines` as text and the app as HTML; both take their labels from
:data:`WORDS`, so a label is worded once per language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.types import Answer, ArticleInfo, Citation, Claim, Disagreement, FeedReport, IngestReport, Rendering

# The words around an answer, in the language of the question (or of a rendering).
WORDS = {
    "en": {
        "read_as": "Read as: {}",
        "unsupported": "{} sentence(s) underlined in red are not supported by the cited articles.",
        "disagree": "Sources disagree: {}",
        "answered_by": "Answered by {}",
        "no_renderings": "No renderings: {}",
        "whole_article": "Whole article {}",
        "also_in": "also in: {}",
        "original": "original",
        "withheld": "Machine translation of [{}] withheld: {}.",
        "translation_of": "Machine translation of [{}] ({}), not the article's words:",
        "note": "Machine translation ({}) of the articles' words. Checked: names, numbers, dates, negations, "
        "overall meaning and no words from another sentence. Not checked: word order, grammar and idioms, "
        "which may read oddly. Each sentence's original is beneath it.",
        "quotes_note": "Machine translation ({}), checked for names, numbers, dates, negations and overall "
        "meaning, not for word order or idioms; the article's words are beneath each quote.",
        "quote_withheld": "Machine translation withheld: {}.",
        "abstain": "I could not find the answer in the indexed articles.",
        "no_focus": "The indexed articles say nothing about {}.",
        "figures_differ": "The sources disagree: {}.",
        "earlier": "Earlier",
        "later": "Later",
        "as_reported": "as reported",
        "sources": "Sources:",
        "copy": "Copy the answer with its sources",
        "new_chat": "New chat",
        "status_searching": "Searching {} articles…",
        "status_reading": "Reading {} passages…",
        "status_writing": "The model is writing the answer from {} passages…",
        "status_rendering": "Rendering the sources in English…",
        "status_done": "Answered in {:.1f} s",
        "why_number": "a number differs",
        "why_date": "a date differs",
        "why_negation": "a negation differs",
        "why_strays": "it holds words of another sentence ({})",
        "why_name": "the name {} is missing",
        "why_meaning": "its meaning is too far from the source",
        "why_empty": "the translator returned nothing",
        "why_failed": "the translator failed: {}",
    },
    "it": {
        "read_as": "Letta come: {}",
        "unsupported": "Frasi sottolineate in rosso, non sostenute dagli articoli citati: {}.",
        "disagree": "Le fonti non concordano: {}",
        "answered_by": "Risposta di {}",
        "no_renderings": "Nessuna traduzione: {}",
        "whole_article": "Articolo intero {}",
        "also_in": "anche in: {}",
        "original": "originale",
        "withheld": "Traduzione automatica di [{}] non mostrata: {}.",
        "translation_of": "Traduzione automatica di [{}] ({}), non le parole dell'articolo:",
        "note": "Traduzione automatica ({}) delle parole degli articoli. Verificati: nomi, numeri, date, "
        "negazioni, senso generale e nessuna parola presa da un'altra frase. Non verificati: ordine delle "
        "parole, grammatica e modi di dire, che possono suonare strani. Sotto ogni frase c'è l'originale.",
        "quotes_note": "Traduzione automatica ({}), verificata per nomi, numeri, date, negazioni e senso "
        "generale, non per ordine delle parole o modi di dire; sotto ogni citazione le parole dell'articolo.",
        "quote_withheld": "Traduzione automatica non mostrata: {}.",
        "abstain": "Non ho trovato la risposta negli articoli indicizzati.",
        "no_focus": "Gli articoli indicizzati non dicono nulla su {}.",
        "figures_differ": "Le fonti non concordano: {}.",
        "earlier": "In precedenza",
        "later": "Più tardi",
        "as_reported": "secondo l'articolo",
        "sources": "Fonti:",
        "copy": "Copia la risposta con le fonti",
        "new_chat": "Nuova chat",
        "status_searching": "Cerco in {} articoli…",
        "status_reading": "Leggo {} passaggi…",
        "status_writing": "Il modello scrive la risposta da {} passaggi…",
        "status_rendering": "Traduco le fonti in italiano…",
        "status_done": "Risposta in {:.1f} s",
        "why_number": "un numero è diverso",
        "why_date": "una data è diversa",
        "why_negation": "una negazione è diversa",
        "why_strays": "contiene parole di un'altra frase ({})",
        "why_name": "manca il nome {}",
        "why_meaning": "il senso è troppo lontano dall'originale",
        "why_empty": "il traduttore non ha restituito nulla",
        "why_failed": "il traduttore non ha funzionato: {}",
    },
}


def say(key: str, language: str | None, *values: object) -> str:
    """The words for ``key`` in ``language`` (English for a language without words of its own)."""
    return WORDS.get(language or "en", WORDS["en"])[key].format(*values)


def translation_note(answer: Answer) -> str | None:
    """Said once, in the question's language, under an answer whose sentences are machine translations."""
    used = sorted({c.translation.translator for c in answer.citations if c.translation and c.translation.shown})
    if not used or not (answer.rendered_text or any(claim.rendered for claim in answer.claims)):
        return None
    return say("note", answer.language, ", ".join(used))


def rendering_label(citation: Citation) -> str:
    """The label of a citation's rendering: what it is and by whom, or why it was withheld."""
    r: Rendering | None = citation.translation
    assert r is not None
    if not r.shown:
        return say("withheld", r.language, citation.n, r.withheld or "")
    return say("translation_of", r.language, citation.n, r.translator)


@dataclass(frozen=True)
class Line:
    """One sentence of an answer as a reader sees it.

    ``text`` is in the question's language (a rendering when ``originals`` is not empty: the cited
    sentences it renders, shown beneath it). ``status`` is ``supported``, ``unsupported`` (``why``
    says how) or ``attributed`` (a model's sentence whose source the checker found). ``reported_by``
    is said where it tells something: several sources, or one printed by several articles.
    """

    text: str
    citations: tuple[int, ...]
    status: str = "supported"
    why: str | None = None
    reported_by: str | None = None
    originals: tuple[Citation, ...] = ()


def answer_lines(answer: Answer) -> list[Line]:
    """The answer's sentences in the question's language (one line each when it has claims)."""
    if not answer.claims:
        return [Line(text=str(answer.rendered_text or answer.text), citations=())]
    quotes = {c.n: c for c in answer.citations}
    lines = []
    for c in answer.claims:
        status = "unsupported" if not c.supported else "attributed" if c.attributed else "supported"
        several = len(c.sources) > 1 or sum(len(s) for s in c.sources) > 1
        originals = tuple(quotes[n] for n in c.citations if n in quotes) if c.rendered else ()
        lines.append(
            Line(
                text=c.rendered or c.text,
                citations=tuple(c.citations),
                status=status,
                why=c.why,
                reported_by=reported_by(c) if several else None,
                originals=originals,
            )
        )
    return lines


def reported_by(claim: Claim) -> str:
    """ "single source" or "reported by N independent sources", with how many articles print it."""
    articles = sum(len(s) for s in claim.sources)
    copies = f", {articles} articles" if articles > 1 else ""
    if len(claim.sources) <= 1:
        return "single source" + copies
    return f"reported by {len(claim.sources)} independent sources{copies}"


def versions(disagreement: Disagreement) -> str:
    """Each version of a differing figure with its citation: ``129 [1] vs 130 [2]``."""
    return " vs ".join(f"{figure} [{n}]" for figure, n in disagreement.figures)


def version_note(c: Citation) -> str | None:
    """One line about the version of the article a citation quotes; None for an article never updated."""
    if c.earlier is None:
        return f"updated {c.updated}" if c.updated else None
    when = f"updated {c.updated}" if c.updated else "changed since the version"
    before = f" (version of {c.earlier_as_of})" if c.earlier_as_of else ""
    if not c.earlier:
        return f"{when}: this sentence is new; the earlier version{before} did not have it"
    return f"{when}: the earlier version{before} read “{c.earlier}”"


def ingest_summary(report: IngestReport) -> str:
    """One line for people, e.g. ``2 added, 0 updated, ... 40 chunks``."""
    return (
        f"{len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
        f"{len(report.skipped)} skipped; {report.chunks} chunks in the index"
        + (f" (repaired {len(report.repaired)} left by an interrupted ingest)" if report.repaired else "")
    )


def file_summary(name: str, report: IngestReport, articles: Sequence[ArticleInfo]) -> tuple[str, str]:
    """What became of one uploaded file or link, in a plain line, and how it went (``ok``, ``partly``, ``no``).

    E.g. ``comunicato.pdf added: 2 pages, 7 passages``; ``vuoto.txt was not added: it is empty``.
    """
    mine = {a.doc_id: a for a in articles}
    reasons = "; ".join(s.reason for s in report.skipped)
    done = []
    for verb, ids in (("added", report.added), ("updated", report.updated)):
        for doc_id in ids:
            a = mine.get(doc_id)
            parts = ([_count(a.pages, "page")] if a and a.pages else []) + (
                [_count(a.passages, "passage")] if a else []
            )
            done.append(f"{verb}: {', '.join(parts)}" if parts else verb)
    if report.unchanged and not done:
        done.append("already in the library, unchanged")
    if not done:
        return f"{name} was not added: {reasons or 'nothing in it reads as an article'}", "no"
    line = f"{name} {'; '.join(done)}".replace(f"{name} already", f"{name} is already")
    return (f"{line}; skipped: {reasons}", "partly") if reasons else (line, "ok")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def feed_summary(report: FeedReport) -> str:
    """One line for people about one feed's refresh."""
    name = report.title or report.url
    if report.problem:
        return f"{name}: not refreshed: {report.problem}"
    if report.not_modified:
        return f"{name}: unchanged since the last refresh"
    done = f"{report.fetched} new or changed item(s)" + (f": {ingest_summary(report.ingest)}" if report.ingest else "")
    return f"{name}: {done}"


def answer_as_text(answer: Answer) -> str:
    """The answer's text, with sentences its sources do not support marked.

    An answer in the question's language made from sources in another gives each sentence on its own
    line with the article's words beneath it, and says once that it is a machine translation.
    """
    if not answer.claims:
        return answer_lines(answer)[0].text
    flags = {"supported": "", "attributed": " [source found by the checker]"}
    parts = []
    for line in answer_lines(answer):
        marks = "".join(f" [{n}]" for n in line.citations)
        flag = flags.get(line.status, f" [unsupported: {line.why}]" if line.why else " [unsupported]")
        reported = f" ({line.reported_by})" if line.reported_by else ""
        beneath = "".join(f"\n    {(q.language or '').upper()}: “{q.quote}” [{q.n}]" for q in line.originals)
        parts.append(f"{line.text}{marks}{flag}{reported}{beneath}")
    note = translation_note(answer)
    return "\n".join([*parts, f"({note})"]) if note else " ".join(parts)


def copy_text(answer: Answer) -> str:
    """The answer as a reader would paste it: its text, then each source numbered (title, outlet, date, link)."""
    lines = [answer_as_text(answer)]
    if answer.citations:
        lines += ["", say("sources", answer.language)]
        for c in answer.citations:
            where = ", ".join(x for x in (c.outlet, c.date) if x)
            lines.append(f"[{c.n}] {c.title}" + (f" — {where}" if where else "") + (f". {c.link}" if c.link else ""))
    return "\n".join(lines)
