"""Pair scoring: do two person mentions name the same person?

Each field is compared (:func:`link.names.compare_units` for names) and the evidence kept as reasons
(``field:level``, e.g. ``mother:same``, ``birth_year:near``, ``national_id:differ``). Then:

* **Hard constraints** keep two mentions apart whatever else agrees: a national ID that differs, a
  mother that differs, birth years more than a year apart; also a first name, a father or a family
  name that differs (brothers share father, family and mother). When the national IDs are the same,
  a broken constraint sends the pair to review instead (a misread year or name, shown as a conflict),
  never to an automatic link.
* **Automatic link** needs the name to agree (first name plus father and/or family) *and* two
  kinds of evidence beyond the name (:func:`_corroborated`): the same national ID, or the mother's
  name *and* the birth year (±1). A mother or a year alone is not enough: a namesake with the same
  mother's name (common names: فاطمة, خديجة) and no year written must not join silently.
* Everything else whose name agrees goes to **review**: in particular two mentions that agree only
  on a 3-part name are never linked automatically, however rare the name.
* **Officials** (role official, judge or witness: :mod:`link.features`) are linked only among
  officials, by the same rules, and never with a detainee (``role:differ`` keeps them apart). Two
  officials who agree on the name alone are not queued for review (``role:official_name_only``): a
  signature or a title on many documents is a search, not a family's question, and would flood the
  queue; with any evidence beyond the name (ID, mother, birth) they are reviewed or linked as anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from link.features import Features, features
from link.mention import PersonMention
from link.names import DIFFER, MISSING, NEAR, PARTIAL, SAME, VARIANT, compare_forms

LINK = "link"
REVIEW = "review"
APART = "apart"

# Evidence beyond the name, in points. Named so each threshold below reads as a rule.
NID_SAME = 6.0  # a national ID is one person's
MOTHER_SAME = 4.0  # same mother (and same name): namesakes seldom share a mother
MOTHER_NEAR = 2.0  # one letter off, as OCR misreads (سهام/سبام)
BIRTH_DATE_SAME = 3.0
BIRTH_YEAR_SAME = 2.0
BIRTH_YEAR_NEAR = 0.5  # ±1: registers write the year of registration as often as of birth
BIRTH_PLACE_SAME = 1.0
MAX_YEAR_GAP = 1


@dataclass(frozen=True, slots=True)
class PairScore:
    """The verdict on one pair (ids in sorted order), with every reason that led to it."""

    a: str
    b: str
    decision: str  # link, review or apart
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "decision": self.decision,
            "score": self.score,
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PairScore:
        return cls(
            str(data["a"]),
            str(data["b"]),
            str(data["decision"]),
            float(data["score"]),
            tuple(data["reasons"]),
        )


def _nid_level(a: str | None, b: str | None) -> str:
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return NEAR  # one digit misread: never a hard "different", never evidence either
    return DIFFER


def _year_level(a: int | None, b: int | None) -> str:
    if a is None or b is None:
        return MISSING
    if a == b:
        return SAME
    return NEAR if abs(a - b) <= MAX_YEAR_GAP else DIFFER


def _name_levels(pa: Features, pb: Features) -> dict[str, str]:
    levels = {
        "first": compare_forms(pa.first, pb.first),
        "father": compare_forms(pa.father, pb.father),
        "grandfather": compare_forms(pa.grandfather, pb.grandfather),
        "family": compare_forms(pa.family, pb.family),
    }
    # A 2-part form may be first + father (no family written): align it with the other's father.
    for one, other in ((pa, pb), (pb, pa)):
        aligned = one.father is None and one.family and other.father and levels["family"] == DIFFER
        if aligned and compare_forms(one.family, other.father) in (SAME, VARIANT, NEAR):
            levels["family"] = MISSING
            levels["father"] = compare_forms(one.family, other.father)
    return levels


def _hard_apart(levels: dict[str, str]) -> list[str]:
    """The hard constraints this pair breaks (empty when none)."""
    broken = [f"{f}:differ" for f in ("national_id", "mother", "birth_year") if levels[f] == DIFFER]
    if levels["national_id"] != SAME:
        broken += [f"{f}:differ" for f in ("first", "father", "family") if levels[f] == DIFFER]
    return broken


def _evidence(levels: dict[str, str]) -> float:
    points = 0.0
    if levels["national_id"] == SAME:
        points += NID_SAME
    if levels["mother"] in (SAME, VARIANT):
        points += MOTHER_SAME
    elif levels["mother"] == NEAR:
        points += MOTHER_NEAR
    if levels["birth_date"] == SAME:
        points += BIRTH_DATE_SAME
    elif levels["birth_year"] == SAME:
        points += BIRTH_YEAR_SAME
    elif levels["birth_year"] == NEAR:
        points += BIRTH_YEAR_NEAR
    if levels["birth_place"] == SAME:
        points += BIRTH_PLACE_SAME
    return points


def _corroborated(levels: dict[str, str], agreeing: int) -> bool:
    """Evidence enough beyond the name for an automatic link (see the module docstring)."""
    if levels["national_id"] == SAME:
        return True
    if levels["national_id"] == NEAR:
        return False  # one digit off: the reviewer decides
    mother, year = levels["mother"], levels["birth_year"]
    if agreeing >= 2:  # first + father + family agree
        return (mother in (SAME, VARIANT) and year in (SAME, NEAR)) or (mother == NEAR and year == SAME)
    return mother in (SAME, VARIANT) and year == SAME  # a 2-part form: both exact


def compare(a: PersonMention, b: PersonMention) -> PairScore:
    """Score a pair of mentions: ``link``, ``review`` or ``apart``, with the reasons."""
    return compare_features(features(a), features(b))


def surely_apart(a: Features, b: Features) -> bool:
    """A cheap test that :func:`compare_features` would say ``apart`` (False: it may say anything).

    The linker runs it on every candidate first: most candidates break a hard constraint.
    """
    if a.official != b.official:
        return True
    nid = _nid_level(a.nid, b.nid)
    if nid == SAME:
        return False
    if nid == DIFFER:
        return True
    if a.year is not None and b.year is not None and abs(a.year - b.year) > MAX_YEAR_GAP:
        return True
    return a.mother is not None and b.mother is not None and compare_forms(a.mother, b.mother) == DIFFER


def compare_features(a: Features, b: Features) -> PairScore:
    """:func:`compare` on precomputed :class:`~link.features.Features` (the linker's hot path)."""
    if b.id < a.id:
        a, b = b, a
    if a.official != b.official:
        return PairScore(a.id, b.id, APART, 0.0, ("role:differ",))
    levels = _name_levels(a, b)
    levels["mother"] = compare_forms(a.mother, b.mother)
    levels["national_id"] = _nid_level(a.nid, b.nid)
    levels["birth_year"] = _year_level(a.year, b.year)
    levels["birth_date"] = SAME if a.date is not None and a.date == b.date else MISSING
    levels["birth_place"] = (
        MISSING if a.place is None or b.place is None else SAME if a.place == b.place else DIFFER
    )
    reasons = tuple(f"{f}:{lvl}" for f, lvl in levels.items() if lvl != MISSING)
    broken = _hard_apart(levels)
    evidence = _evidence(levels)
    if broken and levels["national_id"] == SAME:  # one ID, conflicting facts: a reviewer decides
        return PairScore(a.id, b.id, REVIEW, evidence, (*reasons, "conflict:same_id"))
    if broken:
        return PairScore(a.id, b.id, APART, 0.0, reasons)
    good = (SAME, VARIANT)
    first_ok = levels["first"] in good or (levels["first"] == NEAR and levels["national_id"] == SAME)
    agreeing = sum(levels[f] in good for f in ("father", "grandfather", "family"))
    near = sum(levels[f] in (NEAR, PARTIAL) for f in ("father", "grandfather", "family"))
    if not (first_ok or levels["first"] in (NEAR, PARTIAL)) or agreeing + near == 0:
        if levels["national_id"] == SAME:
            return PairScore(a.id, b.id, REVIEW, evidence, (*reasons, "name:conflict"))
        return PairScore(a.id, b.id, APART, 0.0, reasons)
    score = evidence + 1.0 * agreeing + 0.5 * near + (1.0 if first_ok else 0.0)
    if first_ok and _corroborated(levels, agreeing):
        return PairScore(a.id, b.id, LINK, score, reasons)
    if evidence == 0 and a.official:  # two officials agreeing on the name alone: not a review question
        return PairScore(a.id, b.id, APART, 0.0, (*reasons, "role:official_name_only"))
    extra = ("evidence:name_only",) if evidence == 0 else ()
    return PairScore(a.id, b.id, REVIEW, score, (*reasons, extra[0]) if extra else reasons)


def describe(reason: str) -> str:
    """A reason in words (English), for pages and the CLI."""
    field, _, level = reason.partition(":")
    words = {
        SAME: "same",
        VARIANT: "spelling variant",
        NEAR: "one letter off",
        PARTIAL: "one letter more or less",
        DIFFER: "differs",
    }
    if reason == "evidence:name_only":
        return "only the name agrees"
    if reason == "name:conflict":
        return "same national ID but the names disagree"
    if reason == "conflict:same_id":
        return "same national ID but other facts disagree"
    if reason == "role:differ":
        return "an official and a detainee are never linked"
    if reason == "role:official_name_only":
        return "two officials agreeing on the name only are not reviewed"
    if field == "birth_year" and level == NEAR:
        return "birth year ±1"
    if field == "national_id" and level == NEAR:
        return "national ID one digit off"
    label = field.replace("_", " ").replace("national id", "national ID")
    return f"{label}: {words.get(level, level)}"
