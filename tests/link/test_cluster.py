"""Clustering with judgements (transitivity, splits), the review queue, incremental linking, the timeline."""

from __future__ import annotations

import random

from link.cluster import (
    AUTOMATIC,
    CONFIRMED,
    DIFFERENT,
    SAME,
    UNSURE,
    Judgement,
    check_decision,
    cluster,
    pending,
)
from link.engine import link_batch, recluster
from link.memory import MemoryStore
from link.score import LINK, REVIEW, PairScore
from link.timeline import build
from tests.link.test_rules import person


def pair(a: str, b: str, decision: str = LINK, score: float = 5.0) -> PairScore:
    return PairScore(min(a, b), max(a, b), decision, score, ("test",))


def never_apart(x: str, y: str) -> bool:
    return False


def test_a_different_judgement_splits_a_dossier_in_one_action() -> None:
    links = [pair("a", "b"), pair("b", "c", score=4.0)]
    before = cluster("abc", links, [], never_apart)
    assert len(set(before.assignment.values())) == 1
    split = Judgement("a", "c", DIFFERENT, "rana", "2026-12-01T10:00:00")
    after = cluster("abc", links, [split], never_apart)
    assert after.assignment["a"] != after.assignment["c"]
    assert after.assignment["a"] == after.assignment["b"]  # the stronger link stays
    assert ("b", "c") in after.refused


def test_a_cluster_holding_a_rule_conflict_is_never_formed() -> None:
    links = [pair("a", "b", score=6.0), pair("b", "c", score=5.0)]
    result = cluster("abc", links, [], lambda x, y: {x, y} == {"a", "c"})
    assert result.assignment["a"] == result.assignment["b"] != result.assignment["c"]


def test_same_judgements_join_and_are_told_apart_from_automatic_links() -> None:
    judged = [Judgement("a", "b", SAME, "rana", "2026-12-01T10:00:00")]
    result = cluster("abc", [pair("b", "c")], judged, never_apart)
    kinds = {(j.a, j.b): j.kind for j in result.joins}
    assert kinds == {("a", "b"): CONFIRMED, ("b", "c"): AUTOMATIC}


def test_transitive_judgements_are_never_asked_again() -> None:
    # A≠B and B=C: A=C is never asked.
    judged = [
        Judgement("a", "b", DIFFERENT, "rana", "2026-12-01T10:00:00"),
        Judgement("b", "c", SAME, "rana", "2026-12-01T10:01:00"),
    ]
    clustering = cluster("abc", [], judged, never_apart)
    queue = pending([pair("a", "c", REVIEW)], clustering.assignment.get, judged)
    assert queue == []
    assert check_decision("a", "c", SAME, clustering.assignment.get, judged) is not None
    # without the judgements the pair is asked
    assert pending([pair("a", "c", REVIEW)], {"a": "D1", "c": "D2"}.get, []) == [pair("a", "c", REVIEW)]


def test_unsure_is_remembered_and_not_asked_again() -> None:
    judged = [Judgement("a", "b", UNSURE, "rana", "2026-12-01T10:00:00")]
    assert pending([pair("a", "b", REVIEW)], {"a": "D1", "b": "D2"}.get, judged) == []


def test_different_refused_inside_reviewers_same_chain() -> None:
    judged = [
        Judgement("a", "b", SAME, "rana", "2026-12-01T10:00:00"),
        Judgement("b", "c", SAME, "omar", "2026-12-01T10:01:00"),
    ]
    assignment = cluster("abc", [], judged, never_apart).assignment
    assert check_decision("a", "c", DIFFERENT, assignment.get, judged) is not None
    # revising the pair's own verdict is allowed: the other 'same' (b=c) does not hold a and b together
    assert check_decision("a", "b", DIFFERENT, assignment.get, judged) is None
    assert check_decision("a", "c", "maybe", assignment.get, judged) is not None


def _population(seed: int) -> list:
    rng = random.Random(seed)
    firsts = ["محمد", "خالد", "عمر", "سامر", "ياسر"]
    mothers = ["فاطمة", "خديجة", "مريم", "سعاد"]
    out = []
    for i in range(60):
        out.append(
            person(
                f"m{i:03d}",
                f"{rng.choice(firsts)} أحمد الخطيب",
                mother=rng.choice(mothers),
                birth_date=str(rng.randint(1970, 1975)),
            )
        )
    return out


def test_incremental_linking_puts_every_mention_in_exactly_one_dossier() -> None:
    mentions = _population(7)
    store = MemoryStore()
    for start in range(0, len(mentions), 7):  # documents of 7 mentions, one after the other
        link_batch(store, mentions[start : start + 7])
    assert set(store.dossier) == {m.id for m in mentions}
    members = [m for ms in store.dossier_members.values() for m in ms]
    assert sorted(members) == sorted(m.id for m in mentions)
    # linking the same mentions again changes nothing (idempotent)
    before = dict(store.dossier)
    report = link_batch(store, mentions)
    assert report.mentions == 0 and store.dossier == before


def test_incremental_and_one_batch_give_the_same_dossiers() -> None:
    mentions = _population(11)
    one, many = MemoryStore(), MemoryStore()
    link_batch(one, mentions)
    for m in mentions:
        link_batch(many, [m])
    groups = lambda s: sorted(sorted(v) for v in s.dossier_members.values())  # noqa: E731
    assert groups(one) == groups(many)


def test_judgement_then_recluster_splits_and_history_is_kept() -> None:
    a = person("a", "محمد أحمد الخطيب", mother="فاطمة", birth_date="1980")
    b = person("b", "محمد احمد الخطيب", mother="فاطمة", birth_date="1980")
    store = MemoryStore()
    link_batch(store, [a, b])
    assert store.dossier["a"] == store.dossier["b"]
    store.judge(Judgement("a", "b", DIFFERENT, "rana", "2026-12-01T10:00:00"))
    recluster(store, {store.dossier["a"]})
    assert store.dossier["a"] != store.dossier["b"]
    store.judge(Judgement("a", "b", SAME, "omar", "2026-12-01T11:00:00"))
    recluster(store, {store.dossier["a"], store.dossier["b"]})
    assert store.dossier["a"] == store.dossier["b"]
    assert [j.verdict for j in store.history] == [DIFFERENT, SAME]


def test_timeline_events_point_to_their_pages_and_conflicts_are_shown() -> None:
    from link.mention import MentionEvent

    a = person(
        "a",
        "محمد أحمد الخطيب",
        mother="فاطمة",
        birth_date="1980",
        events=(MentionEvent("detention", "2013-04-02", "facility:saydnaya_prison"),),
        doc_type="prison_register",
    )
    b = person(
        "b",
        "محمد احمد الخطيب",
        mother="فاطمة",
        birth_date="1981",
        events=(MentionEvent("death", "2015-01-09", "facility:tishreen_hospital"),),
        doc_type="death_report",
    )
    dossier = build("D1", [b, a], [])
    assert [e.type for e in dossier.events] == ["detention", "death"]
    assert dossier.events[0].facility == "facility:saydnaya_prison" and dossier.events[0].sha256 == "sha-a"
    assert {v["value"] for v in dossier.conflicts["birth_year"]} == {1980, 1981}
    summary = dossier.summary_json()
    assert summary["mother"] == "فاطمه" or summary["mother"] == "فاطمة"
    assert len(summary["mentions"]) == 2
