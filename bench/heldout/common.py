"""Pieces the held-out layout families share: subjects (the persons a record is about), letterheads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.heldout import pools
from bench.heldout.model import Builder, Person


@dataclass(frozen=True)
class Subject:
    """A detainee-like person chosen for a page: the surfaces to write and the truth record."""

    written: str
    father: str  # the father's name (written apart when the form leaves him out of the name)
    mother: str | None
    year: str | None  # surface of the birth year
    place: str | None  # surface of the birth place
    nid: str | None  # surface of the national ID
    person: Person


def subject(
    b: Builder,
    role: str,
    facility: str | None,
    *,
    form: str = "3",
    mother: bool = True,
    birth: bool = True,
    place: bool = True,
    nid: bool = False,
    female: bool = False,
    father_apart: bool = False,
) -> Subject:
    """Choose a person and record the truth; the caller must write every field it asked for.

    form: "3" first father family, "2" first family, "bin"/"ibn" first بن/ابن father family;
    ``father_apart``: the father is written in a field of his own (truth keeps him).
    """
    first, father, family = b.name_parts(female)
    if form == "2":
        written, father_truth = f"{first} {family}", father if father_apart else None
    elif form in ("bin", "ibn"):
        link = "بن" if form == "bin" else "ابن"
        if female:
            link = "بنت"
        written, father_truth = f"{first} {link} {father} {family}", father
    else:
        written, father_truth = f"{first} {father} {family}", father
    mother_name = b.mother_name() if mother else None
    year_s, year = b.year() if birth else (None, None)
    place_s, place_latin = b.place() if place else (None, None)
    nid_s, nid_v = b.national_id() if nid else (None, None)
    person = Person(
        written, first, father_truth, family, mother_name, year, place_latin, nid_v, role, None, facility
    )
    b.add(person)
    return Subject(written, father, mother_name, year_s, place_s, nid_s, person)


def letterhead(b: Builder, lines: Sequence[str], right: bool = True) -> None:
    """Authority lines at the top (right-aligned, or centred when ``right`` is False)."""
    for text in lines:
        b.line(text, "right" if right else "center", 0.95)


def authorities(b: Builder, n: int = 2) -> list[str]:
    """n distinct authority names for a letterhead, the state first."""
    rest = [a for a in pools.AUTHORITIES if a != "الجمهورية العربية السورية"]
    return ["الجمهورية العربية السورية", *b.rng.sample(rest, n - 1)]


def ward_note(b: Builder) -> str:
    r = b.rng
    return r.choice(
        (
            f"مهجع {b.num(r.randint(1, 30))}",
            f"جناح {r.choice(('أ', 'ب', 'ج', 'د'))} غرفة {b.num(r.randint(1, 40))}",
            f"زنزانة منفردة {b.num(r.randint(1, 60))}",
            "العزل الصحي",
            f"الطابق {r.choice(('الأول', 'الثاني', 'الأرضي'))}",
        )
    )


def copy_to(b: Builder, names: Sequence[str]) -> None:
    b.line("صورة إلى:", "right")
    for n in names:
        b.line(f"- {n}", "right")


def cell_year(b: Builder, s: Subject, place_first: bool = True) -> str:
    if s.place and s.year:
        return f"{s.place} {s.year}" if place_first else f"{s.year} {s.place}"
    return s.year or s.place or ""
