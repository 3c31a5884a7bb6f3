"""Dossiers through the application layer on a real search node: link, list, review, decide, reprocess."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app import dossiers as app
from athar.records import Event, Person
from athar.settings import Settings
from index.load import load
from index.query import person as person_search
from tests.index.records import document


def row(
    name: str,
    start: int,
    *,
    mother: str | None,
    born: str | None,
    nid: str | None = None,
    events: tuple[Event, ...] = (),
) -> Person:
    return Person(
        name=name,
        mother=mother,
        birth_date=born,
        national_id=nid,
        page=1,
        start=start,
        end=start + len(name),
        events=events,
    )


REGISTER = document(
    "register",
    ["سجل الموقوفين"],
    doc_type="prison_register",
    persons=(
        row(
            "محمد أحمد الخطيب",
            0,
            mother="فاطمة",
            born="1980",
            events=(Event("detention", "2013-04-02", "facility:saydnaya_prison"),),
        ),
        row("محمد أحمد الخطيب", 40, mother="خديجة", born="1990"),  # a namesake
        row("خالد أحمد الخطيب", 80, mother="فاطمة", born="1982"),  # his brother
    ),
)
DEATH = document(
    "death",
    ["تقرير وفاة"],
    doc_type="death_report",
    persons=(
        row(
            "محمد احمد خطيب",
            0,
            mother="فاطمه",
            born="1980",
            events=(Event("death", "2015-01-09", "facility:tishreen_hospital"),),
        ),
    ),
)
TRANSFER = document(
    "transfer",
    ["قائمة نقل"],
    doc_type="transfer_list",
    persons=(row("محمد أحمد الخطيب", 0, mother=None, born=None),),  # only the name: review
)


def _every_mention_once(settings: Settings, client: Any) -> dict[str, str]:
    from index.persons import person_ids

    owner: dict[str, str] = {}
    for d in app.dossiers(settings):
        for m in d.mentions:
            assert m.id not in owner, "a mention in two dossiers"
            owner[m.id] = d.id
    assert set(owner) == {i for i, _ in person_ids(client, settings)}
    return owner


def test_link_review_decide_and_reprocess(settings: Settings, client: Any) -> None:
    assert load(client, settings, [REGISTER, DEATH, TRANSFER], refresh=True).ok
    first = app.link_pending(settings, client)
    assert first.mentions == 5
    assert app.link_pending(settings, client).mentions == 0  # idempotent
    owner = _every_mention_once(settings, client)
    mentions = {m.id: m for d in app.dossiers(settings) for m in d.mentions}
    by_name = {(m.name, m.mother, m.sha256): i for i, m in mentions.items()}
    him = by_name[("محمد أحمد الخطيب", "فاطمة", REGISTER.document.sha256)]
    dead = by_name[("محمد احمد خطيب", "فاطمه", DEATH.document.sha256)]
    namesake = by_name[("محمد أحمد الخطيب", "خديجة", REGISTER.document.sha256)]
    brother = by_name[("خالد أحمد الخطيب", "فاطمة", REGISTER.document.sha256)]
    moved = by_name[("محمد أحمد الخطيب", None, TRANSFER.document.sha256)]
    assert owner[him] == owner[dead]
    assert len({owner[him], owner[namesake], owner[brother], owner[moved]}) == 4

    dossier = app.dossier(settings, owner[him])
    assert [e.type for e in dossier.events] == ["detention", "death"]
    assert dossier.events[1].sha256 == DEATH.document.sha256 and dossier.events[1].facility
    assert (
        dossier.joins and dossier.joins[0].kind == "automatic" and "mother:same" in dossier.joins[0].reasons
    )

    # the index knows each record's dossier: person search says which
    client.indices.refresh(index=f"{settings.index_prefix}-persons")
    hits = person_search(client, "محمد أحمد الخطيب", settings=settings, mother="فاطمة")
    assert {h.dossier for h in hits if h.id in (him, dead)} == {owner[him]}

    queue = app.review_queue(settings)
    asked = {frozenset((i.a.id, i.b.id)) for i in queue}
    assert any(moved in pair for pair in asked)
    pair = next(i for i in queue if moved in (i.a.id, i.b.id) and owner[him] in (i.dossier_a, i.dossier_b))
    decision = app.decide(settings, pair.pair, "same", "rana", client=client)
    assert decision.dossier_a == decision.dossier_b
    # the namesake's question is moot now: his mother differs from a mention of that dossier
    assert all(moved not in (i.a.id, i.b.id) for i in app.review_queue(settings))
    joined = app.dossier(settings, decision.dossier_a)
    assert {j.kind for j in joined.joins} == {"automatic", "confirmed"}
    assert joined.review == "automatic"

    # reprocessing the transfer list gives its record a new span (id): the judgement still holds,
    # and no dossier id changes (the processing path's hook, app.dossiers.after_index, runs this)
    ids_before = set(_every_mention_once(settings, client).values())
    shifted = replace(TRANSFER.analysis.persons[0], start=5, end=5 + len("محمد أحمد الخطيب"))
    again = replace(TRANSFER, analysis=replace(TRANSFER.analysis, persons=(shifted,)))
    assert load(client, settings, [again], refresh=True).ok
    app.link_documents(settings, [again], client=client)
    owner = _every_mention_once(settings, client)
    new_id = next(i for i in owner if i.startswith(TRANSFER.document.sha256))
    assert new_id != moved and owner[new_id] == owner[him]
    assert set(owner.values()) == ids_before
    assert [h["verdict"] for h in app.history(settings)] == ["same"]

    # one "different" splits the dossier
    split_pair = next(j for j in app.dossier(settings, owner[him]).joins if j.kind == "automatic")
    from link.cluster import pair_id

    app.decide(settings, pair_id(split_pair.a, split_pair.b), "different", "omar", client=client)
    owner = _every_mention_once(settings, client)
    assert owner[split_pair.a] != owner[split_pair.b]
    assert [h["verdict"] for h in app.history(settings)] == ["different", "same"]
