"""Person search against a real node: ranking by name, mother/birth-year/place boosts, Latin input,
partial names, and the reasons each hit gives."""

from __future__ import annotations

from typing import Any

import pytest

from athar.errors import SearchRequestError
from athar.records import Event
from athar.settings import Settings
from index.load import load
from index.query import person
from tests.index.records import document
from tests.index.records import person as rec

PEOPLE = [
    rec("أحمد مصطفى الخطيب", mother="فاطمة", born="1985-03-01", place="حمص", start=0),
    rec("أحمد مصطفى الخطيب", mother="خديجة", born="1990", place="دمشق", start=100),
    rec("أحمد محمود الخطيب", mother="فاطمة", born="1984", place="حلب", start=200),
    rec("محمد خير العلي", mother="زينب", born="1975", place="إدلب", start=300),
    rec("يوسف حسن الزعبي", mother="مريم", born="1988", place="درعا", start=400),
    rec(
        "إبراهيم علي الحموي",
        mother="آمنة",
        born="1979",
        place="حماة",
        start=500,
        events=(Event("transfer", "2014-06-01", "سجن صيدنايا العسكري"),),
    ),
    rec("عبد الرحمن سليمان الشامي", mother="سعاد", born="1992", place="دوما", start=600),
    rec("سيف الدين رضوان النعسان", mother="هدى", born="1981", place="حمص", start=700),
    rec("باسل فايز الكردي", mother="نجوى", born="1986", place="حلب", start=800),
    rec("باسل فايز الكردي", mother="سبام", born="1986", place="حلب", start=900),  # OCR's reading of سهام
    rec("إلياس جورج حداد", mother="إلهام", born="1983", place="حمص", start=1000),  # إل is not the article
    rec("ألفت سمير الحلبي", mother="نجوى", born="1990", place="حلب", start=1100),
]


@pytest.fixture(scope="module")
def loaded(client: Any, settings: Settings) -> Settings:
    doc = document("persons", ["سجل"], persons=tuple(PEOPLE))
    report = load(client, settings, [doc], refresh=True)
    assert report.ok and report.persons == len(PEOPLE)
    return settings


def found(client: Any, settings: Settings, name: str, **kw: Any) -> list[tuple[str, str | None]]:
    return [(h.name, h.mother) for h in person(client, name, settings=settings, **kw)]


def test_exact_name_ranks_the_namesakes_first(client: Any, loaded: Settings) -> None:
    hits = person(client, "احمد مصطفي الخطيب", settings=loaded)
    assert {h.mother for h in hits[:2]} == {"فاطمة", "خديجة"}
    assert all(h.name == "أحمد مصطفى الخطيب" for h in hits[:2])
    assert "exact name" in hits[0].why
    assert hits[2].name == "أحمد محمود الخطيب"  # a near name comes after the exact ones
    assert hits[2].score < hits[1].score


def test_mother_boost_picks_the_right_namesake(client: Any, loaded: Settings) -> None:
    assert found(client, loaded, "أحمد مصطفى الخطيب", mother="فاطمه")[0] == ("أحمد مصطفى الخطيب", "فاطمة")
    top = person(client, "أحمد مصطفى الخطيب", settings=loaded, mother="خديجه")[0]
    assert top.mother == "خديجة" and "mother's name" in top.why


def test_birth_year_tolerates_one_year(client: Any, loaded: Settings) -> None:
    top = person(client, "أحمد مصطفى الخطيب", settings=loaded, born=1989)[0]
    assert top.birth_date == "1990" and "birth year ±1" in top.why
    top = person(client, "أحمد مصطفى الخطيب", settings=loaded, born="١٩٨٥")[0]
    assert top.birth_date == "1985-03-01" and "birth year" in top.why and "birth year ±1" not in top.why


def test_place_boost(client: Any, loaded: Settings) -> None:
    top = person(client, "أحمد مصطفى الخطيب", settings=loaded, place="دمشق")[0]
    assert top.birth_place == "دمشق" and "birth place" in top.why
    top = person(client, "ابراهيم الحموي", settings=loaded, place="صيدنايا")[0]
    assert top.name == "إبراهيم علي الحموي" and "place of an event" in top.why


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("Ahmad Mustafa al-Khatib", "أحمد مصطفى الخطيب"),
        ("Ahmed Moustafa Alkhatib", "أحمد مصطفى الخطيب"),
        ("Mohammad Kheir al-Ali", "محمد خير العلي"),
        ("Youssef Hassan Al-Zoubi", "يوسف حسن الزعبي"),
        ("Abdulrahman Sleiman al-Shami", "عبد الرحمن سليمان الشامي"),
        ("Ibrahim al-Hamwi", "إبراهيم علي الحموي"),
        ("Youssef Hassan Alzoubi", "يوسف حسن الزعبي"),  # article glued to the name
        ("Seifeddin Radwan Alnaasan", "سيف الدين رضوان النعسان"),  # compound written as one word
        ("Elias Haddad", "إلياس جورج حداد"),  # names whose first letters look like the article
        ("Ilyas George Haddad", "إلياس جورج حداد"),
        ("Olfat al-Halabi", "ألفت سمير الحلبي"),
    ],
)
def test_latin_input(client: Any, loaded: Settings, latin: str, expected: str) -> None:
    hits = person(client, latin, settings=loaded)
    assert hits and hits[0].name == expected, [(h.name, h.why) for h in hits[:3]]
    assert any("skeleton" in w or "Latin" in w or "similar" in w for w in hits[0].why)


def test_partial_name_and_variants(client: Any, loaded: Settings) -> None:
    names = [n for n, _ in found(client, loaded, "أحمد الخطيب")[:3]]
    assert sorted(names) == sorted(["أحمد مصطفى الخطيب", "أحمد مصطفى الخطيب", "أحمد محمود الخطيب"])
    assert found(client, loaded, "عبدالرحمن الشامى")[0][0] == "عبد الرحمن سليمان الشامي"
    assert found(client, loaded, "يوسف حسن الزعبى")[0][0] == "يوسف حسن الزعبي"


def test_unrelated_name_finds_nothing(client: Any, loaded: Settings) -> None:
    assert found(client, loaded, "سامر نزار قباني") == []


def test_bad_person_input(client: Any, loaded: Settings) -> None:
    with pytest.raises(SearchRequestError) as info:
        person(client, "؟؟ !!", settings=loaded)
    assert info.value.code == "empty_query"
    with pytest.raises(SearchRequestError) as info:
        person(client, "أحمد", settings=loaded, born="unknown")
    assert info.value.code == "bad_date"
    with pytest.raises(SearchRequestError):
        person(client, "أحمد " * 2000, settings=loaded)


def test_a_mother_misread_by_one_letter_still_picks_the_namesake(client: Any, loaded: Settings) -> None:
    hits = person(client, "باسل فايز الكردي", settings=loaded, mother="سهام")
    assert hits[0].mother == "سبام" and hits[0].score > hits[1].score
    assert "mother's name, one letter off (as OCR may misread it)" in hits[0].why
    exact = person(client, "أحمد مصطفى الخطيب", settings=loaded, mother="فاطمة")[0]
    assert "mother's name" in exact.why and not any("one letter off" in w for w in exact.why)
    # two letters off a four-letter name is another name, not a misreading
    far = person(client, "باسل فايز الكردي", settings=loaded, mother="سلمى")
    assert not any("one letter off" in w for h in far for w in h.why)


def test_a_latin_mother_name_that_starts_like_the_article(client: Any, loaded: Settings) -> None:
    top = person(client, "الياس حداد", settings=loaded, mother="Ilham")[0]
    assert (top.name, top.mother) == ("إلياس جورج حداد", "إلهام")
    assert any("mother" in w for w in top.why), top.why
