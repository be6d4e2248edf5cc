"""The asking step tells a front end each step as it begins (rag/steps/asking.py)."""

from __future__ import annotations

from rag.api import Engine, Status


def test_the_steps_are_told_in_order_with_their_counts(sample_engine: Engine):
    seen: list[Status] = []
    items = list(sample_engine.ask_stream("Cosa ha promesso Meloni?", k=4, status=seen.append))
    assert [s.step for s in seen] == ["searching", "reading"]
    assert seen[0].count == 5 and seen[1].count == 4 and {s.language for s in seen} == {"it"}
    assert items[-1].citations  # the answer still comes, as without a status
    english: list[Status] = []
    list(sample_engine.ask_stream("What did Meloni commit?", where={"outlets": ["Adnkronos"]}, status=english.append))
    adnkronos = sum(a.outlet == "Adnkronos" for a in sample_engine.articles())
    assert english[0] == Status("searching", adnkronos, "en") and 0 < adnkronos < 5  # only what the filter keeps
