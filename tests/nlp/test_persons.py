"""Persons from labelled fields, table rows and prose (hand-written samples in several styles)."""

from __future__ import annotations

import pytest

from athar.arabic import normalize_arabic
from nlp.analyze import analyze_text
from tests import synth


def by_name(text: str) -> dict[str, dict[str, object]]:
    return {normalize_arabic(p.name): p.to_json() for p in analyze_text(text).persons}


PROSE = [
    # (text, name, mother, birth_date, birth_place, event type, event date)
    (
        "المدعو خالد يوسف العلي والدته مريم تولد حماة 1979 أوقف بتاريخ ١٢ آذار ٢٠١٣ من قبل الفرع ٢١٥.",
        "خالد يوسف العلي",
        "مريم",
        "1979",
        "حماة",
        "detention",
        "2013-03-12",
    ),
    (
        "تم توقيف عبد الرحمن محمد الحمصي من مواليد حلب عام 1985 واسم والدته فاطمة، وذلك في 3/5/2012 وأودع في "
        "سجن صيدنايا العسكري.",
        "عبد الرحمن محمد الحمصي",
        "فاطمة",
        "1985",
        "حلب",
        "detention",
        "2012-05-03",
    ),
    (
        "الموقوف سيف الدين عيسى عثمان، أمه نوال، مواليد ١٩٥٥، نقل إلى فرع فلسطين ٢٣٥ بتاريخ ١٠ حزيران ٢٠١٤.",
        "سيف الدين عيسى عثمان",
        "نوال",
        "1955",
        None,
        "transfer",
        "2014-06-10",
    ),
    (
        "توفي المعتقل رامي علي حداد (اسم الأم: حياة، تولد الزبداني ١٩٧٦) في مشفى تشرين العسكري "
        "بتاريخ ١٣ مارس ٢٠١٢.",
        "رامي علي حداد",
        "حياة",
        "1976",
        "الزبداني",
        "death",
        "2012-03-13",
    ),
]


@pytest.mark.parametrize(("text", "name", "mother", "born", "place", "event", "when"), PROSE)
def test_prose_styles(
    text: str, name: str, mother: str, born: str, place: str | None, event: str, when: str
) -> None:
    persons = by_name(text)
    person = persons[normalize_arabic(name)]
    assert person["mother"] == mother
    assert person["birth_date"] == born
    assert person["birth_place"] == place
    assert person["events"][0]["type"] == event  # type: ignore[index]
    assert person["events"][0]["date"] == when  # type: ignore[index]
    assert len(persons) == 1


def test_person_json_shape_and_parts() -> None:
    (person,) = analyze_text(PROSE[1][0]).persons
    data = person.to_json()
    assert set(data) == {
        "name",
        "first",
        "father",
        "grandfather",
        "family",
        "mother",
        "birth_date",
        "birth_place",
        "national_id",
        "events",
        "page",
        "start",
        "end",
        "name_keys",
        "title",
        "role",
        "facility",
    }
    assert (data["first"], data["father"], data["family"]) == ("عبد الرحمن", "محمد", "الحمصي")
    assert data["name_keys"]["skeleton"] == "bd rhmn mhmd hms"
    assert data["page"] == 1 and 0 <= data["start"] < data["end"] <= len(PROSE[1][0])


def test_labelled_fields_two_persons() -> None:
    text = "\n".join(
        [
            "محكمة الميدان العسكرية",
            "بتاريخ 5 شباط 2014 انعقدت المحكمة",
            "الاسم: محمد خير",
            "اسم الأب: أحمد",
            "الشهرة: الخطيب",
            "اسم الأم: سعاد",
            "تولد: دمشق 1980",
            "الرقم الوطني: 01234567890",
            "الاسم: عمر",
            "اسم الأب: علي",
            "الشهرة: الشامي",
            "اسم الأم: منى",
            "تولد: حمص ١٩٩٠",
        ]
    )
    persons = by_name(text)
    first = persons["محمد خير احمد الخطيب"]
    assert (first["first"], first["father"], first["family"]) == ("محمد خير", "أحمد", "الخطيب")
    assert (first["mother"], first["birth_date"], first["birth_place"]) == ("سعاد", "1980", "دمشق")
    assert first["national_id"] == "01234567890"
    assert {e["type"] for e in first["events"]} == {"trial", "sentence"}  # type: ignore[union-attr]
    assert first["events"][0]["date"] == "2014-02-05"  # type: ignore[index]
    second = persons["عمر علي الشامي"]
    assert (second["mother"], second["birth_date"], second["national_id"]) == ("منى", "1990", None)


def test_register_rows_one_person_each() -> None:
    page = synth.make_page(7, "prison_register", digits="eastern", rows=5)
    persons = analyze_text(page.text).persons
    assert [normalize_arabic(p.name) for p in persons] == [normalize_arabic(t.name) for t in page.persons]
    for found, truth in zip(persons, page.persons, strict=True):
        assert found.mother == truth.mother
        assert found.birth_date == truth.birth_date
        assert found.national_id == truth.national_id
        assert found.events[0].date == truth.events[0].date
        assert found.events[0].type == "detention"


@pytest.mark.parametrize("doc_type", synth.DOC_TYPES)
@pytest.mark.parametrize("digits", ["western", "eastern", "mixed"])
def test_synthetic_pages_all_layouts(doc_type: str, digits: str) -> None:
    page = synth.make_page(11, doc_type, digits=digits)
    analysis = analyze_text(page.text)
    assert analysis.doc_type == doc_type
    found = {normalize_arabic(p.name): p for p in analysis.persons}
    assert set(found) == {normalize_arabic(t.name) for t in page.persons}
    for truth in page.persons:
        person = found[normalize_arabic(truth.name)]
        assert (person.mother, person.birth_date, person.national_id) == (
            truth.mother,
            truth.birth_date,
            truth.national_id,
        )
    dates = sorted(m.value or "" for m in analysis.entities if m.type == "DATE")
    assert dates == sorted(iso for _s, iso in page.dates)


def test_no_persons_in_plain_administrative_text() -> None:
    assert analyze_text("الجمهورية العربية السورية\nوزارة الداخلية\nتعميم بخصوص الدوام الرسمي").persons == ()


def test_table_whose_name_header_was_not_read() -> None:
    text = "\n".join(
        [
            "قائمة بأسماء الموقوفين المنقولين",
            "الرقم ~~ اسم الأم التولد الرقم الوطني",
            "1 خالد يوسف العلي مريم 1979 01234567890",
        ]
    )
    (person,) = analyze_text(text).persons
    assert (person.name, person.mother, person.birth_date, person.national_id) == (
        "خالد يوسف العلي",
        "مريم",
        "1979",
        "01234567890",
    )


def test_ocr_damaged_label_before_colon() -> None:
    text = "تقرير طبي عن حالة وفاة\nاسم لمتوفى: نزار عبد الحميد الأحمد\nاسم الأم: نعيمة\nمواليد: دوما 1955"
    (person,) = analyze_text(text).persons
    assert (person.first, person.father, person.family) == ("نزار", "عبد الحميد", "الأحمد")
    assert (person.mother, person.birth_date, person.birth_place) == ("نعيمة", "1955", "دوما")
    assert person.events[0].type == "death"
