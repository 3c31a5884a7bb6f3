"""The dossier: one person's mentions, names as written, a timeline of events, conflicts shown.

Nothing is resolved silently: the headline name, mother and birth year are the values most mentions
agree on, and every field on which mentions disagree is listed under ``conflicts`` with the mentions
behind each value. Each event points to the document (sha256), page and the span of the person's
record on that page (``start``/``end`` in the page text, which leads to word boxes on the scan).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from athar.arabic import normalize_arabic
from link.cluster import AUTOMATIC, CONFIRMED, Join
from link.mention import PersonMention
from link.names import first_unit, units

EVENT_TYPES = ("arrest", "detention", "transfer", "trial", "sentence", "release", "death")
FACILITY_PREFIX = "facility:"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One event of the person's timeline and where it is written."""

    type: str
    date: str | None
    place: str | None  # gazetteer id of a town or region
    facility: str | None  # gazetteer id of a prison, branch, hospital or court
    sha256: str
    page: int
    start: int
    end: int
    mention: str
    doc_type: str | None
    name: str  # the name as written in that document

    def to_json(self) -> dict[str, Any]:
        return _fields(self)


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


@dataclass(frozen=True, slots=True)
class Dossier:
    """One person across documents."""

    id: str
    name: str
    mother: str | None
    birth_year: int | None
    mentions: tuple[PersonMention, ...]
    events: tuple[TimelineEvent, ...]
    conflicts: dict[str, list[dict[str, Any]]]
    joins: tuple[Join, ...]
    review: str  # pending, automatic, confirmed or single

    def summary_json(self) -> dict[str, Any]:
        """The `athar dossiers --json` line."""
        return {
            "dossier": self.id,
            "name": self.name,
            "mother": self.mother,
            "birth_year": self.birth_year,
            "mentions": [
                {"sha256": m.sha256, "page": m.page, "name": m.name, "doc_type": m.doc_type}
                for m in self.mentions
            ],
            "review": self.review,
        }

    def to_json(self) -> dict[str, Any]:
        """Everything: the summary, the timeline, conflicts and the joins with their reasons."""
        return {
            **self.summary_json(),
            "mentions": [{**m.to_json(), "events": [e.to_json() for e in m.events]} for m in self.mentions],
            "events": [e.to_json() for e in self.events],
            "conflicts": self.conflicts,
            "links": [
                {"a": j.a, "b": j.b, "kind": j.kind, "score": j.score, "reasons": list(j.reasons)}
                for j in self.joins
            ],
        }


def _most_common(values: Sequence[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    counts = Counter(present)
    return max(counts, key=lambda v: (counts[v], str(v)))


def _conflicts(mentions: Sequence[PersonMention]) -> dict[str, list[dict[str, Any]]]:
    fields = {
        "mother": lambda m: normalize_arabic(first_unit(m.mother) or "") or None,
        "birth_year": lambda m: m.birth_year,
        "birth_date": lambda m: m.birth_date if m.birth_date and len(m.birth_date) >= 10 else None,
        "birth_place": lambda m: m.birth_place,
        "national_id": lambda m: m.nid,
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for field, get in fields.items():
        seen: dict[Any, list[str]] = {}
        for m in mentions:
            value = get(m)
            if value is not None:
                seen.setdefault(value, []).append(m.id)
        if len(seen) > 1:
            out[field] = [{"value": v, "mentions": ids} for v, ids in seen.items()]
    return out


def _event_key(e: TimelineEvent) -> tuple[str, int, str, int]:
    order = EVENT_TYPES.index(e.type) if e.type in EVENT_TYPES else len(EVENT_TYPES)
    return (e.date or "9999", order, e.sha256, e.page)


def build(
    dossier: str, mentions: Sequence[PersonMention], joins: Sequence[Join], *, pending: int = 0
) -> Dossier:
    """The dossier of these mentions; ``pending`` is the number of review pairs touching it."""
    ordered = tuple(sorted(mentions, key=lambda m: (m.sha256, m.page, m.start, m.id)))
    events = []
    for m in ordered:
        for e in m.events:
            is_facility = bool(e.place and e.place.startswith(FACILITY_PREFIX))
            events.append(
                TimelineEvent(
                    type=e.type,
                    date=e.date,
                    place=None if is_facility else e.place,
                    facility=e.place if is_facility else None,
                    sha256=m.sha256,
                    page=m.page,
                    start=m.start,
                    end=m.end,
                    mention=m.id,
                    doc_type=m.doc_type,
                    name=m.name,
                )
            )
    longest = max(len(units(m.name)) for m in ordered) if ordered else 0
    names = [m.name for m in ordered if len(units(m.name)) == longest]
    mother_key = _most_common([normalize_arabic(first_unit(m.mother) or "") or None for m in ordered])
    mother = next(
        (
            m.mother
            for m in ordered
            if m.mother and normalize_arabic(first_unit(m.mother) or "") == mother_key
        ),
        None,
    )
    if pending:
        review = "pending"
    elif len(ordered) <= 1:
        review = "single"
    elif joins and all(j.kind == CONFIRMED for j in joins):
        review = CONFIRMED
    else:
        review = AUTOMATIC
    return Dossier(
        id=dossier,
        name=_most_common(names) or "",
        mother=mother,  # as written in a record that says the commonest mother's name
        birth_year=_most_common([m.birth_year for m in ordered]),
        mentions=ordered,
        events=tuple(sorted(events, key=_event_key)),
        conflicts=_conflicts(ordered),
        joins=tuple(joins),
        review=review,
    )
