"""The loader checks templates and indices once per process, and recovers when the engine lost them."""

from __future__ import annotations

from typing import Any

from athar.settings import Settings
from index.load import load
from index.schema import KINDS, alias_name, current_index
from tests.index.records import document, person

TEXT = "الموقوف أحمد مصطفى الخطيب والدته فاطمة تولد حمص ١٩٨٥"


def counts(client: Any, settings: Settings) -> tuple[int, ...]:
    return tuple(int(client.count(index=alias_name(settings, k))["count"]) for k in KINDS)


def test_lost_indices_are_created_again_with_their_mappings(client: Any, settings: Settings) -> None:
    doc = document("lost", [TEXT], persons=(person("أحمد مصطفى الخطيب", mother="فاطمة", start=8),))
    assert load(client, settings, [doc], refresh=True).ok
    assert counts(client, settings) == (1, 1, 1)

    # The engine loses everything (e.g. restarted on an empty data directory) while this process
    # still remembers that it checked the indices.
    client.indices.delete(index=f"{settings.index_prefix}-*")
    for kind in KINDS:
        client.indices.delete_index_template(name=alias_name(settings, kind))

    report = load(client, settings, [doc], refresh=True)
    assert report.ok and (report.documents, report.pages, report.persons) == (1, 1, 1)
    assert counts(client, settings) == (1, 1, 1)
    for kind in KINDS:  # behind the alias again, with the strict mapping (not a dynamic index)
        index = current_index(client, settings, kind)
        assert index == f"{alias_name(settings, kind)}-v1"
        mapping = client.indices.get_mapping(index=index)[index]["mappings"]
        assert mapping["dynamic"] == "strict"


def test_person_title_role_and_facility_are_indexed(client: Any, settings: Settings) -> None:
    from dataclasses import replace

    found = replace(
        person("ماهر عدنان الشامي", start=8),
        title="العميد الركن",
        role="official",
        facility="facility:saydnaya_prison",
    )
    assert load(client, settings, [document("titled", [TEXT], persons=(found,))], refresh=True).ok
    hits = client.search(
        index=alias_name(settings, "persons"),
        body={
            "query": {
                "bool": {"filter": [{"term": {"role": "official"}}, {"term": {"title": "العميد الركن"}}]}
            }
        },
    )["hits"]["hits"]
    assert [h["_source"]["facility"] for h in hits] == ["facility:saydnaya_prison"]
