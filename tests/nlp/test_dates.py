"""Dates: month names, digit sets, Hijri, birth years; written precision only."""

from __future__ import annotations

import pytest

from nlp.dates import find_dates, hijri_to_iso
from nlp.text import prepare


def values(text: str) -> list[str | None]:
    return [m.value for m in find_dates(prepare(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أوقف بتاريخ ١٢ آذار ٢٠١٣", ["2013-03-12"]),
        ("في 12 اذار 2013", ["2013-03-12"]),
        ("۱۵ تشرين الأول ۲۰۱۲", ["2012-10-15"]),
        ("15 تشرين اول 2012", ["2012-10-15"]),
        ("3 كانون ثاني 2014", ["2014-01-03"]),
        ("5 تموز/يوليو 2015", ["2015-07-05"]),
        (
            "1 أيار 2011 و 2 ايار 2011 و 7 آب 2012 و 8 اب 2012 و 9 ايلول 2013",
            [
                "2011-05-01",
                "2011-05-02",
                "2012-08-07",
                "2012-08-08",
                "2013-09-09",
            ],
        ),
        ("12 أغسطس 2016 و 3 إبريل 2017", ["2016-08-12", "2017-04-03"]),
        ("شهر أيار من عام 2012", ["2012-05"]),
        ("في 3/11/2014 ثم ٢٠-٥-٢٠١٤", ["2014-11-03", "2014-05-20"]),
        ("بتاريخ 26/4/2014.", ["2014-04-26"]),
        ("2013-05-04", ["2013-05-04"]),
        ("5/2013", ["2013-05"]),
        ("تولد حمص ١٩٨٥", ["1985"]),
        ("من مواليد دمشق عام 1980", ["1980"]),
        ("15 ربيع الأول 1434 هـ", ["2013-01-27"]),
        ("15/3/1434 هـ", ["2013-01-27"]),
        ("عام 1434 هـ", ["2012-11-15/2013-11-03"]),
    ],
)
def test_dates(text: str, expected: list[str]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "نقل إلى مشفى تشرين العسكري",  # a hospital, not a month
        "جامعة تشرين",
        "تشرين 2011",  # October or November: not decidable, so not a date
        "31/2/2013",  # no such day
        "القرار رقم 1985",  # a year-like number with no birth label
        "1500 هـ",  # outside hijridate's table: no invented value
    ],
)
def test_not_dates(text: str) -> None:
    assert values(text) == []


def test_span_points_into_original() -> None:
    text = "\u200fأوقف بتاريخ ١٢ آذار ٢٠١٣ في دمشق"
    (mention,) = find_dates(prepare(text))
    assert text[mention.start : mention.end] == mention.text == "١٢ آذار ٢٠١٣"


def test_hijri_month_is_an_interval() -> None:
    value = hijri_to_iso(1434, 9)
    assert value is not None and value.count("/") == 1
    start, end = value.split("/")
    assert start < end and start.startswith("2013-07")
