"""Held-out robustness, second round: facilities the gazetteer lacks read by their form; several
defendants in one verdict sentence; burial rows; mothers and birth years under OCR noise. Each case
failed before this round's changes."""

from __future__ import annotations

from athar.arabic import normalize_arabic
from athar.records import Person
from nlp.analyze import analyze_text
from nlp.places import find_places
from nlp.text import prepare


def facilities(text: str) -> list[tuple[str | None, str]]:
    return [(m.value, m.text) for m in find_places(prepare(text)) if m.type == "FACILITY"]


def persons(text: str) -> dict[str, Person]:
    return {normalize_arabic(p.name): p for p in analyze_text(text).persons}


def test_unlisted_facilities_are_read_by_their_form() -> None:
    text = "نقل من سجن حلب المركزي إلى مشفى حمص العسكري ودفن في مقبرة القطيفة ثم مقبرة باب الصغير"
    assert facilities(text) == [
        ("facility:form:prison:حلب_المركزي", "سجن حلب المركزي"),
        ("facility:form:hospital:حمص_العسكري", "مشفى حمص العسكري"),
        ("facility:form:cemetery:القطيفه", "مقبرة القطيفة"),
        ("facility:form:cemetery:باب_الصغير", "مقبرة باب الصغير"),
    ]
    # a kind word before no place is nothing; a known facility keeps its gazetteer id
    assert facilities("سجن الأحلام ومشفى الأمل") == []
    assert facilities("سجن صيدنايا العسكري ثم الفرع رقم 215") == [
        ("facility:saydnaya_prison", "سجن صيدنايا العسكري"),
        ("facility:branch_215", "الفرع رقم 215"),
    ]


def test_a_death_reports_persons_get_an_unlisted_hospital() -> None:
    text = (
        "وزارة الدفاع\nمشفى حمص العسكري\nتقرير وفاة\n"
        "الاسم: احمد محمود العلي\nاسم الأم: فاطمة\nتاريخ الوفاة: 12/03/2013\n"
    )
    (person,) = persons(text).values()
    assert person.facility == "facility:form:hospital:حمص_العسكري"
