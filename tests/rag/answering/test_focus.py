"""An answer must speak to the question's focus (rag/answering/focus.py)."""

from __future__ import annotations

from rag.answering.focus import focus_words, meets


def test_the_focus_is_the_topic_after_a_preposition_or_the_head_noun():
    assert focus_words("What is the population of Tver?") == ["population"]
    assert focus_words("What did Meloni say about migration?") == ["migration"]
    assert focus_words("Cosa ha detto Meloni sull'immigrazione?") == ["immigrazione"]
    assert focus_words("Cosa ha detto Zakharova sulle truppe straniere?") == ["truppe", "straniere"]
    # Names are checked elsewhere; a question with no focus has none.
    assert focus_words("Who attended the Paris summit?") == [] and focus_words("What did Meloni commit?") == []


def test_a_passage_meets_the_focus_when_it_holds_it_beside_the_questions_names():
    texts = ["La Russia ha colpito Tver.", "Zelensky: proteggere la nostra popolazione."]
    assert not meets(["popolazione"], ["Tver"], texts)  # popolazione and Tver, never together
    assert meets(["popolazione"], ["Zelensky"], texts)
    assert meets(["migranti"], [], ["I migranti arrivati a Lampedusa."])  # migrazione ~ migranti
