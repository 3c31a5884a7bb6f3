"""index.warm: a new node's warm-up leaves nothing behind and does not touch real indices."""

from __future__ import annotations

from typing import Any

from athar.settings import Settings
from index.load import load
from index.query import person
from index.schema import ensure_indices
from index.warm import warm_node
from tests.index.records import document
from tests.index.records import person as person_record


def _names(client: Any, prefix: str) -> tuple[list[str], list[str]]:
    indices = list(client.indices.get(index=f"{prefix}-*", ignore_unavailable=True))
    templates = [
        t["name"]
        for t in client.indices.get_index_template()["index_templates"]
        if t["name"].startswith(prefix)
    ]
    return sorted(indices), sorted(templates)


def test_warm_up_searches_scratch_indices_and_removes_them(client: Any, settings: Settings) -> None:
    ensure_indices(client, settings)
    record = document(
        "warm-real",
        ["1 خالد يوسف العلي والدته مريم"],
        persons=(person_record("خالد يوسف العلي", mother="مريم", start=2),),
    )
    load(client, settings, [record], refresh=True)
    before = _names(client, settings.index_prefix)

    done = warm_node(client, settings, rounds=2, documents=3)

    assert done.documents == 6 and done.searches == 12 and done.seconds > 0
    assert _names(client, settings.index_prefix) == before  # scratch indices and templates are gone
    hits = person(client, "خالد يوسف العلي", settings=settings, mother="مريم")
    assert [h.name for h in hits] == ["خالد يوسف العلي"]  # the real record is untouched and alone
