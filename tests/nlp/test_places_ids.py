"""Gazetteer places and facilities; national IDs."""

from __future__ import annotations

from nlp.ids import find_national_ids
from nlp.places import find_places, gazetteer, resolve_place
from nlp.text import prepare


def found(text: str) -> list[tuple[str, str | None, str]]:
    return [(m.type, m.value, m.text) for m in find_places(prepare(text))]


def test_facilities_and_branches_in_both_digit_sets() -> None:
    text = "نقل من سجن صيدنايا العسكري إلى فرع فلسطين ٢٣٥ ثم الفرع 215 وتوفي في مشفى المزة العسكري 601"
    assert found(text) == [
        ("FACILITY", "facility:saydnaya_prison", "سجن صيدنايا العسكري"),
        ("FACILITY", "facility:branch_235", "فرع فلسطين ٢٣٥"),
        ("FACILITY", "facility:branch_215", "الفرع 215"),
        ("FACILITY", "facility:military_hospital_601", "مشفى المزة العسكري 601"),
    ]


def test_unknown_branch_number_still_gets_an_id() -> None:
    assert found("الفرع ٣٢٠") == [("FACILITY", "facility:branch_320", "الفرع ٣٢٠")]


def test_places_with_prefix_and_hand_added() -> None:
    text = "من مواليد حماة وسكن بدمشق ثم عدرا والمزة والقابون وبرزة والمعضمية والبوكمال وريف دمشق"
    ids = [v for _t, v, _x in found(text)]
    assert ids == [
        "place:hama",
        "place:damascus",
        "place:adra",
        "place:mezzeh",
        "place:qaboun",
        "place:barzeh",
        "place:muadamiyah",
        "place:albu_kamal",
        "place:SY-RD",
    ]


def test_tishreen_hospital_is_not_a_place_and_common_words_are_not_places() -> None:
    assert found("مشفى تشرين العسكري") == [
        ("FACILITY", "facility:tishreen_military_hospital", "مشفى تشرين العسكري")
    ]
    assert found("حكمت عليه بالسجن في الباب") == []


def test_resolve_latin_and_arabic() -> None:
    assert resolve_place("Hama") == resolve_place("حماه") == gazetteer().by_id["place:hama"]
    place = resolve_place("Saydnaya Military Prison")
    assert place is not None and place.id == "facility:saydnaya_prison"
    assert resolve_place("Atlantis") is None


def test_national_ids() -> None:
    text = "الرقم الوطني: ٠٦٠٣٨٢٦٣٢١٤ وهاتف 0933123456 ورقم 123456789012"
    (m,) = find_national_ids(prepare(text))
    assert m.value == "06038263214" and text[m.start : m.end] == "٠٦٠٣٨٢٦٣٢١٤"
