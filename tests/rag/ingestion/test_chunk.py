import itertools

from rag.ingestion.chunk import chunk_article, split_sentences
from rag.types import Article
from tests.rag.ingestion.test_clean import load


def test_spans_index_the_clean_text_exactly_and_cover_it():
    for stem in ("000", "001", "002", "003", "004"):
        a = load(stem)
        sentences = split_sentences(a.text)
        for s in sentences:
            assert a.text[s.start : s.end] == s.text
        covered = "".join(a.text[s.start : s.end] for s in sentences)
        assert "".join(covered.split()) == "".join(a.text.split())


def test_chunks_are_whole_sentences_with_one_sentence_overlap():
    a = load("002")
    chunks = chunk_article(a, max_chars=400, overlap=1)
    assert len(chunks) > 3
    for c in chunks:
        assert a.text[c.start : c.end] == c.text
        assert c.start == c.sentences[0].start and c.end == c.sentences[-1].end
    for prev, nxt in itertools.pairwise(chunks):
        if len(prev.sentences) > 1:
            assert nxt.sentences[0] == prev.sentences[-1]


def test_chunk_ids_are_stable_content_hashes():
    a = load("000")
    first = [c.chunk_id for c in chunk_article(a)]
    assert first == [c.chunk_id for c in chunk_article(a)]
    assert len(set(first)) == len(first)
    changed = Article(doc_id=a.doc_id, text=a.text + "\n\nUna frase nuova in fondo.", source="", title="")
    again = [c.chunk_id for c in chunk_article(changed)]
    assert set(first[:-1]) <= set(again)


def test_abbreviations_and_quotes_do_not_split():
    text = (
        "Il sig. Rossi e il dott. Bianchi sono arrivati alle 8.30 a Roma. "
        '"Siamo pronti. Firmeremo domani", ha detto il ministro. Poi è ripartito.'
    )
    got = [s.text for s in split_sentences(text)]
    assert got[0] == "Il sig. Rossi e il dott. Bianchi sono arrivati alle 8.30 a Roma."
    assert got[1] == '"Siamo pronti. Firmeremo domani", ha detto il ministro.'
    assert got[2] == "Poi è ripartito."
