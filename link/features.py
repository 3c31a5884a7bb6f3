"""What pair scoring reads of a mention, computed once: name units with their forms, mother, ID, year.

A mention's :class:`Features` are computed when it is first linked (:func:`features`) and stored with
it (:func:`encode`/:func:`decode`: one short text, split in microseconds), so scoring a candidate never
normalises a name, parses a date or decodes the mention's JSON again. Scoring (:mod:`link.score`) and
blocking (:mod:`link.blocking`) both read them.

**Officials.** A mention whose role the NLP stage gave as official, judge or witness is an *official*:
officials are linked only among themselves, never with a detainee (see :mod:`link.score`).
"""

from __future__ import annotations

from dataclasses import dataclass

from athar.arabic import normalize_arabic
from link.mention import PersonMention, name_parts
from link.names import FORM_SEP, Form, first_unit, form

OFFICIAL_ROLES = frozenset({"official", "judge", "witness"})
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class Features:
    """A mention as scoring sees it (``None``: not written)."""

    id: str
    first: Form | None
    father: Form | None
    grandfather: Form | None
    family: Form | None
    mother: Form | None  # the mother's first unit
    nid: str | None  # national ID digits
    year: int | None  # birth year, when plausible
    date: str | None  # the birth date's first 10 characters, when it has 10
    place: str | None  # birth place, normalised
    official: bool = False


def is_official(role: str | None) -> bool:
    """Whether a role is an official's (official, judge, witness)."""
    return (role or "").strip().casefold() in OFFICIAL_ROLES


def features(m: PersonMention) -> Features:
    """A mention's features (pure; the same mention gives the same features)."""
    parts = name_parts(m)
    full = m.birth_date or ""
    return Features(
        id=m.id,
        first=form(parts.first),
        father=form(parts.father),
        grandfather=form(parts.grandfather),
        family=form(parts.family),
        mother=form(first_unit(m.mother)),
        nid=m.nid,
        year=m.birth_year,
        date=full[:10] if len(full) >= 10 else None,
        place=_place(m.birth_place),
        official=is_official(m.role),
    )


def encode(f: Features) -> str:
    """Features as one line of text (the id is not in it: the store keeps it beside)."""
    fields = (
        "o" if f.official else "",
        str(f.year) if f.year is not None else "",
        f.nid or "",
        f.mother or "",
        f.first or "",
        f.father or "",
        f.grandfather or "",
        f.family or "",
        f.date or "",
        f.place or "",
    )
    return _SEP.join(fields)


def decode(mention_id: str, text: str) -> Features:
    """Inverse of :func:`encode`."""
    official, year, nid, mother, first, father, grandfather, family, date, place = text.split(_SEP)
    return Features(
        mention_id,
        first or None,
        father or None,
        grandfather or None,
        family or None,
        mother or None,
        nid or None,
        int(year) if year else None,
        date or None,
        place or None,
        official == "o",
    )


def _place(text: str | None) -> str | None:
    if not text:
        return None
    return normalize_arabic(text).casefold().replace(_SEP, " ").replace(FORM_SEP, " ")
