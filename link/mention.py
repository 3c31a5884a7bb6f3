"""A person mention as the linker sees it: one person record on one page, with its name parts.

Built from the persons index entry (:func:`from_index`) or from an analysed document's
:class:`~athar.records.Person` (:func:`from_person`). Name parts come from the NLP stage's fields when it
found them; otherwise the written name is split into its 2-, 3- or 4-part form (first, father,
grandfather, family).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from athar.arabic import normalize_digits
from athar.records import Event, Person, Record
from link.names import units

FIRST_BIRTH_YEAR = 1890  # the oldest person a detention record of the 1970s-2020s can name
LAST_BIRTH_YEAR = 2030


@dataclass(frozen=True, slots=True)
class MentionEvent(Record):
    """An event the page tells about the person (arrest, detention, transfer, trial, ...)."""

    type: str
    date: str | None = None
    place: str | None = None  # gazetteer id: ``place:…`` or ``facility:…``


@dataclass(frozen=True, slots=True)
class PersonMention(Record):
    """One person record on one page; ``id`` is the persons index id (``sha256:page:start-end``)."""

    id: str
    sha256: str
    page: int
    start: int
    end: int
    name: str  # as read
    first: str | None = None
    father: str | None = None
    grandfather: str | None = None
    family: str | None = None
    mother: str | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    national_id: str | None = None
    doc_type: str | None = None
    events: tuple[MentionEvent, ...] = ()
    role: str | None = None  # as the NLP stage gave it: detainee, official, judge, witness, ...

    @property
    def birth_year(self) -> int | None:
        """The year of the birth date, when it has one that can be a birth year (a misread 7982 cannot)."""
        date = normalize_digits(self.birth_date or "")
        year = int(date[:4]) if len(date) >= 4 and date[:4].isdigit() else None
        return year if year is not None and FIRST_BIRTH_YEAR <= year <= LAST_BIRTH_YEAR else None

    @property
    def nid(self) -> str | None:
        """The national ID's digits (Western), or None."""
        if not self.national_id:
            return None
        digits = "".join(c for c in normalize_digits(self.national_id) if c.isdigit())
        return digits or None

    def to_json(self) -> dict[str, Any]:
        """The generic record form, built directly (a store writes one per linked mention)."""
        out: dict[str, Any] = {f: getattr(self, f) for f in _FIELDS}
        out["events"] = [{"type": e.type, "date": e.date, "place": e.place} for e in self.events]
        out["role"] = self.role
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PersonMention:
        """Inverse of ``to_json``."""
        fields = {k: data.get(k) for k in _OPTIONAL}
        return cls(
            id=str(data["id"]),
            sha256=str(data["sha256"]),
            page=int(data["page"]),
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            name=str(data["name"]),
            events=tuple(MentionEvent(**e) for e in data.get("events") or ()),
            **fields,
        )


_OPTIONAL = (
    "first",
    "father",
    "grandfather",
    "family",
    "mother",
    "birth_date",
    "birth_place",
    "national_id",
    "doc_type",
    "role",
)
_FIELDS = ("id", "sha256", "page", "start", "end", "name", *_OPTIONAL[:-1])


@dataclass(frozen=True, slots=True)
class NameParts:
    """first / father / grandfather / family units of a mention (None when not written)."""

    first: str | None
    father: str | None
    grandfather: str | None
    family: str | None

    @property
    def count(self) -> int:
        return sum(p is not None for p in (self.first, self.father, self.grandfather, self.family))


def _unit(text: str | None) -> str | None:
    found = units(text)
    return " ".join(found) if found else None


def name_parts(m: PersonMention) -> NameParts:
    """The mention's name parts: the NLP fields when present, else the written name's form.

    Two units are first + family, three first + father + family, four and more first + father +
    grandfather + family (the rest of the units).
    """
    if m.first and (m.father or m.family):
        return NameParts(_unit(m.first), _unit(m.father), _unit(m.grandfather), _unit(m.family))
    parts = units(m.name)
    if not parts:
        return NameParts(None, None, None, None)
    if len(parts) == 1:
        return NameParts(parts[0], None, None, None)
    if len(parts) == 2:
        return NameParts(parts[0], None, None, parts[1])
    if len(parts) == 3:
        return NameParts(parts[0], parts[1], None, parts[2])
    return NameParts(parts[0], parts[1], parts[2], " ".join(parts[3:]))


def from_index(entry_id: str, source: dict[str, Any]) -> PersonMention:
    """A mention from a persons index entry (its id and ``_source``)."""
    return PersonMention(
        id=entry_id,
        sha256=str(source["sha256"]),
        page=int(source.get("page") or 0),
        start=int(source.get("start") or 0),
        end=int(source.get("end") or 0),
        name=str(source.get("name") or ""),
        first=source.get("first"),
        father=source.get("father"),
        grandfather=source.get("grandfather"),
        family=source.get("family"),
        mother=source.get("mother"),
        birth_date=source.get("birth_date_text") or source.get("birth_date"),
        birth_place=source.get("birth_place"),
        national_id=source.get("national_id"),
        doc_type=source.get("doc_type"),
        events=tuple(
            MentionEvent(str(e.get("type")), e.get("date_text") or e.get("date"), e.get("place"))
            for e in source.get("events") or ()
        ),
        role=source.get("role"),
    )


def from_person(entry_id: str, sha256: str, person: Person, doc_type: str | None) -> PersonMention:
    """A mention from an analysed document's person record."""
    return PersonMention(
        id=entry_id,
        sha256=sha256,
        page=person.page,
        start=person.start,
        end=person.end,
        name=person.name,
        first=person.first,
        father=person.father,
        grandfather=person.grandfather,
        family=person.family,
        mother=person.mother,
        birth_date=person.birth_date,
        birth_place=person.birth_place,
        national_id=person.national_id,
        doc_type=doc_type,
        events=tuple(_event(e) for e in person.events),
        role=person.role,
    )


def _event(e: Event) -> MentionEvent:
    return MentionEvent(e.type, e.date, e.place)
