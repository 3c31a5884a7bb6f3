"""Dates: Levantine, Egyptian and Hijri month names, numeric d/m/y, birth years (type DATE).

Runs on normalised text (Western digits, أإآ→ا, ة→ه). The value is ISO 8601 at the precision written
(YYYY, YYYY-MM, YYYY-MM-DD) and never invents a day or month; a Hijri year or month becomes an ISO
interval of Gregorian days (``2012-11-15/2013-11-03``). ``تشرين`` is a month only with a day or year
beside it (مشفى تشرين العسكري is not a date). All patterns are bounded (no nested repetition), so
the search is linear in the text length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hijridate import Hijri

from athar.records import Mention
from nlp.datefix import repair
from nlp.text import NormText

# month number -> written forms (normalised: no hamza on alef, ة→ه, ى→ي)
_LEVANTINE = {
    1: ("كانون الثاني", "كانون ثاني", "كانون الثان"),
    2: ("شباط",),
    3: ("اذار",),
    4: ("نيسان",),
    5: ("ايار",),
    6: ("حزيران",),
    7: ("تموز",),
    8: ("اب",),
    9: ("ايلول",),
    10: ("تشرين الاول", "تشرين اول"),
    11: ("تشرين الثاني", "تشرين ثاني"),
    12: ("كانون الاول", "كانون اول"),
}
_EGYPTIAN = {
    1: ("يناير",),
    2: ("فبراير", "فبراير"),
    3: ("مارس",),
    4: ("ابريل", "افريل"),
    5: ("مايو",),
    6: ("يونيو", "يونيه"),
    7: ("يوليو", "يوليه"),
    8: ("اغسطس", "اغسطوس"),
    9: ("سبتمبر",),
    10: ("اكتوبر",),
    11: ("نوفمبر",),
    12: ("ديسمبر",),
}
_HIJRI = {
    1: ("محرم",),
    2: ("صفر",),
    3: ("ربيع الاول",),
    4: ("ربيع الاخر", "ربيع الثاني"),
    5: ("جمادي الاولي", "جمادي الاول"),
    6: ("جمادي الاخره", "جمادي الاخر", "جمادي الثانيه"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعده", "ذي القعده"),
    12: ("ذو الحجه", "ذي الحجه"),
}


def _alternation(table: dict[int, tuple[str, ...]]) -> tuple[str, dict[str, int]]:
    lookup = {form: month for month, forms in table.items() for form in forms}
    forms = sorted(lookup, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms), lookup


_LEV_RE, _LEV = _alternation(_LEVANTINE)
_EGY_RE, _EGY = _alternation(_EGYPTIAN)
_HIJ_RE, _HIJ = _alternation(_HIJRI)
_NB = r"(?![\u0621-\u064a])"  # not followed by a letter
_PB = r"(?<![\u0621-\u064a])"  # not preceded by a letter
_GREG = (
    rf"{_PB}(?:شهر\s+)?(?P<m1>{_LEV_RE}|{_EGY_RE}){_NB}(?:\s*[/(-]\s*(?P<m2>{_LEV_RE}|{_EGY_RE}){_NB}\s*\)?)?"
)
_YEAR_GLUE = r"\s*(?:,|،|من\s+)?\s*(?:(?:من\s+)?(?:عام|سنه|لعام|العام)\s+)?"
_HIJRI_MARK = rf"\s*(?:ه{_NB}|هجري(?:ه)?{_NB}|للهجره{_NB})"

_NAMED = re.compile(
    rf"(?:(?<!\d)(?P<d>\d{{1,2}})\s*(?:من\s+)?)?{_GREG}{_YEAR_GLUE}(?P<y>\d{{4}})(?!\d)(?P<h>{_HIJRI_MARK})?"
)
_HIJRI_NAMED = re.compile(
    rf"(?:(?<!\d)(?P<d>\d{{1,2}})\s*(?:من\s+)?)?{_PB}(?:شهر\s+)?(?P<m>{_HIJ_RE}){_NB}"
    rf"\s*(?:(?:من\s+)?(?:عام|سنه|لعام)\s+)?(?P<y>1[34]\d\d)(?!\d)(?:{_HIJRI_MARK})?"
)
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?P<y>\d{4})(?![\d/-]|\.\d)"
    rf"(?P<h>{_HIJRI_MARK})?"
)
_NUMERIC_YMD = re.compile(
    r"(?<![\d/.-])(?P<y>\d{4})\s?(?P<sep>[/-])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?P<d>\d{1,2})(?![\d/-]|\.\d)"
)
_MONTH_YEAR_NUM = re.compile(r"(?<![\d/.-])(?P<m>\d{1,2})\s?/\s?(?P<y>\d{4})(?![\d/-]|\.\d)")
_HIJRI_YEAR = re.compile(rf"(?<![\d/.-])(?:عام\s+|سنه\s+)?(?P<y>1[34]\d\d)(?![\d/.-]){_HIJRI_MARK}")
_BIRTH_LABEL = re.compile(
    rf"{_PB}(?:تولد|التولد|مواليد|المواليد|المولود|مولود|تاريخ\s+الولاده|محل\s+وتاريخ\s+الولاده|سنه\s+الولاده|الولاده"
    rf"|(?:تاريخ\s+|سنه\s+)?الميلاد){_NB}"
)
_YEAR = re.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d\d)(?![\d/-]|\.\d)")
_BARE_YEAR = re.compile(r"(?<![\d/.-])(?P<y>19\d\d|200\d|2010)(?![\d/-]|\.\d)")


@dataclass(frozen=True)
class DateSpan:
    """A date found in normalised text: span in the normalised text and ISO value."""

    start: int
    end: int
    iso: str


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not 1800 <= y <= 2100:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    days = [
        31,
        29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    if not 1 <= d <= days[m - 1]:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def hijri_to_iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    """Gregorian ISO for a Hijri date: a day, or an interval for a month or a year; None out of range."""
    try:
        if d is not None and m is not None:
            return Hijri(y, m, d).to_gregorian().isoformat()
        first_month, last_month = (m, m) if m is not None else (1, 12)
        start = Hijri(y, first_month, 1).to_gregorian().isoformat()
        last = Hijri(y, last_month, 1)
        end = Hijri(y, last_month, last.month_length()).to_gregorian().isoformat()
        return f"{start}/{end}"
    except (ValueError, OverflowError):
        return None


def _overlaps(spans: list[DateSpan], start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def find_date_spans(norm: str) -> list[DateSpan]:
    """Dates in normalised text (see the module docstring), without overlaps, in text order; OCR slips
    around dates are repaired first (:mod:`nlp.datefix`), spans index ``norm``."""
    fixed = repair(norm)
    spans = _spans(fixed.text)
    spans += _column_years(fixed.text, spans)
    out = [DateSpan(*fixed.span(s.start, s.end), s.iso) for s in spans]
    return sorted(out, key=lambda s: s.start)


def _spans(norm: str) -> list[DateSpan]:
    found: list[DateSpan] = []

    def add(start: int, end: int, iso: str | None) -> None:
        if iso and not _overlaps(found, start, end):
            found.append(DateSpan(start, end, iso))

    for m in _NAMED.finditer(norm):
        month = _LEV.get(_squash(m.group("m1"))) or _EGY.get(_squash(m.group("m1")))
        day = int(m.group("d")) if m.group("d") else None
        y = int(m.group("y"))
        if m.group("h"):  # a Hijri year written with a Gregorian month name: not a real date
            continue
        add(m.start(), m.end(), _iso(y, month, day))
    for m in _HIJRI_NAMED.finditer(norm):
        day = int(m.group("d")) if m.group("d") else None
        add(m.start(), m.end(), hijri_to_iso(int(m.group("y")), _HIJ[_squash(m.group("m"))], day))
    for m in _NUMERIC.finditer(norm):
        d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
        add(m.start(), m.end(), hijri_to_iso(y, mo, d) if m.group("h") else _iso(y, mo, d))
    for m in _NUMERIC_YMD.finditer(norm):
        add(m.start(), m.end(), _iso(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
    for m in _HIJRI_YEAR.finditer(norm):
        add(m.start(), m.end(), hijri_to_iso(int(m.group("y"))))
    for m in _MONTH_YEAR_NUM.finditer(norm):
        add(m.start(), m.end(), _iso(int(m.group("y")), int(m.group("m"))))
    # year alone after a birth label on the same line: تولد حمص 1985، مواليد ١٩٧٩
    for label in _BIRTH_LABEL.finditer(norm):
        line_end = norm.find("\n", label.end())
        window_end = min(label.end() + 60, len(norm) if line_end < 0 else line_end)
        year = _YEAR.search(norm, label.end(), window_end)
        if year:
            add(year.start(), year.end(), _iso(int(year.group("y"))))
    found.sort(key=lambda s: s.start)
    return found


def _column_years(norm: str, found: list[DateSpan]) -> list[DateSpan]:
    """Bare birth years under a table's birth column: after a header line naming one (and holding no
    year itself), the first bare year 1900-2010 outside a date on each later line with no bare year yet."""
    header = next((m for m in _BIRTH_LABEL.finditer(norm) if not _line_has_year(norm, m.start())), None)
    if header is None:
        return []
    out = []
    pos = norm.find("\n", header.end())
    while pos >= 0:
        end = norm.find("\n", pos + 1)
        end = len(norm) if end < 0 else end
        taken = any(pos <= s.start < end and len(s.iso) == 4 for s in found)
        year = None if taken else _BARE_YEAR.search(norm, pos, end)
        if year and not _overlaps(found, year.start(), year.end()):
            out.append(DateSpan(year.start(), year.end(), year.group("y")))
        pos = norm.find("\n", end) if end < len(norm) else -1
    return out


def _line_has_year(norm: str, at: int) -> bool:
    start = norm.rfind("\n", 0, at) + 1
    end = norm.find("\n", at)
    return _YEAR.search(norm, start, len(norm) if end < 0 else end) is not None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def find_dates(text: NormText, page: int = 0) -> list[Mention]:
    """DATE mentions of a page: span in the original text, value ISO 8601 at the written precision."""
    out = []
    for span in find_date_spans(text.norm):
        a, b = text.span(span.start, span.end)
        out.append(Mention("DATE", text.original[a:b], a, b, span.iso, page))
    return out


def year_at(norm: str, start: int, end: int) -> DateSpan | None:
    """A bare 4-digit year (1900-2099) inside ``norm[start:end]``, for table cells under a birth column."""
    m = _YEAR.search(norm, start, end)
    return DateSpan(m.start(), m.end(), m.group("y")) if m else None


_ISO_SHAPE = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?(?:/\d{4}-\d\d-\d\d)?")
_GLUED_YEAR_VALUE = re.compile(r"\d{5,6}")


def sane_value(value: str | None) -> str | None:
    """A DATE value as ISO 8601: kept when it is one; a year with a digit OCR glued to it (١١٩٦٧, ١٩٧١٢:
    five or six digits) becomes the year (its end first, 1900-2012); anything else None."""
    if value is None:
        return None
    if _ISO_SHAPE.fullmatch(value):
        return value
    if _GLUED_YEAR_VALUE.fullmatch(value):
        return next((y for y in (value[-4:], value[:4]) if 1900 <= int(y) <= 2012), None)
    return None
