"""How news attributes words to people, in each language we read: verbs of saying, roles and the words around names."""

from __future__ import annotations

# Words that start a capitalised run without being a name (articles, pronouns, sentence openers).
OPENERS = {
    "il", "lo", "la", "i", "gli", "le", "l", "un", "una", "uno", "e", "ma", "se", "in", "a", "da", "di", "con",
    "per", "tra", "fra", "su", "dal", "del", "della", "nel", "nella", "al", "alla", "the", "an", "and",
    "but", "on", "of", "for", "to", "by", "it", "he", "she", "we", "they", "this", "that", "mr", "mrs",
    "secondo", "according",
}  # fmt: skip

# Words that attribute what follows to the name after them ("secondo Axios", "according to Reuters").
SOURCE = {("secondo",), ("according", "to")}

# Role nouns (Italian and English) that introduce or stand for a person.
ROLES = {
    "presidente", "premier", "leader", "ministro", "ministra", "portavoce", "segretario", "segretaria",
    "inviato", "inviata", "consigliere", "consigliera", "capo", "cancelliere", "ambasciatore", "generale",
    "direttore", "direttrice", "genero", "figlio", "figlia", "moglie", "marito", "tycoon", "zar",
    "president", "minister", "spokesman", "spokeswoman", "spokesperson", "secretary", "envoy", "chancellor",
    "ambassador", "adviser", "advisor", "chief", "head", "son-in-law", "prime",
}  # fmt: skip

# Roles that name the same office ("il leader ucraino" is "il presidente ucraino").
SAME_ROLE = [
    {"presidente", "leader", "capo", "president", "head", "chief"}, {"premier", "prime"},
    {"ministro", "ministra", "minister"}, {"segretario", "segretaria", "secretary"},
    {"portavoce", "spokesman", "spokeswoman", "spokesperson"}, {"inviato", "inviata", "envoy"},
    {"consigliere", "consigliera", "adviser", "advisor"}, {"direttore", "direttrice"},
]  # fmt: skip

# Complements: a name after these belongs to the role, not the speaker ("il genero di Trump").
COMPLEMENT = {"di", "del", "della", "dello", "dei", "degli", "delle", "of", "d"}

# Prepositions of place and company: a name after them is not the one speaking ("a Parigi", "con Macron").
PLACE = {"a", "ad", "in", "per", "con", "su", "tra", "fra", "verso", "all", "nel", "nella",
         "at", "to", "from", "with", "into", "on"}  # fmt: skip

AUXILIARY = {"ha", "hanno", "aveva", "avevano", "avrebbe", "has", "had", "have"}

# Verbs of saying, as infinitives (stemmed below) and the irregular forms stems miss.
SAY_IT = {
    "dire", "affermare", "dichiarare", "aggiungere", "sottolineare", "spiegare", "ribadire", "continuare",
    "proseguire", "chiosare", "avvertire", "annunciare", "riferire", "precisare", "osservare", "commentare",
    "replicare", "rispondere", "ammettere", "accusare", "scrivere", "parlare", "ricordare", "definire",
    "assicurare", "confermare", "denunciare", "insistere", "concludere", "evidenziare", "rilevare", "garantire",
    "promettere", "minacciare", "avvisare", "notare", "twittare", "discutere", "ammonire", "incalzare",
    "esortare", "chiedere", "respingere",
}  # fmt: skip

SAY_IT_FORMS = {
    "dice", "dicono", "detto", "detta", "disse", "dissero", "dicendo", "diceva", "aggiunge", "aggiunto",
    "aggiungendo", "risposto", "ammesso", "scritto", "concluso", "promesso", "prosegue", "chiesto", "discusso",
    "respinto",
}  # fmt: skip

SAY_EN = {
    "say", "says", "said", "saying", "tell", "tells", "told", "add", "adds", "added", "stress", "stressed", "warn",
    "warned", "warns", "announce", "announced", "state", "stated", "states", "claim", "claimed", "note", "noted",
    "explain", "explained", "insist", "insisted", "confirm", "confirmed", "promise", "promised", "write", "wrote",
    "written", "reply", "replied", "respond", "responded", "argue", "argued", "reject", "rejected",
}  # fmt: skip

# Regular endings by conjugation: the forms news writing uses (present, past participle, gerund, imperfect).
ENDINGS = {
    "are": ("a", "ano", "ato", "ata", "ati", "ando", "ava", "avano", "ò", "arono"),
    "ere": ("e", "ono", "uto", "uta", "endo", "eva", "evano"),
    "ire": ("e", "ono", "isce", "iscono", "ito", "ita", "endo", "iva", "ivano"),
}

# Question words that ask for someone's position besides verbs of saying.
ASKING = {"commit", "committed", "commits", "think", "thinks", "thought", "propose", "proposed", "want", "wants",
           "wanted", "position", "posizione", "pensa", "proposto", "vuole"}  # fmt: skip
