"""Scoring one page's analysis against held-out truth, and summing pages into a report row.

Person match rule: a found person and a true person of the same page match when the rapidfuzz ``ratio``
of their normalised names (athar.arabic.normalize_arabic) is >= 85 - against the name as the truth writes
it or against its civil form (first father family, or first family). Pairs are taken best first,
one to one. A title or rank left inside a found name lowers the ratio, often below 85, as it should.

Officials, judges and witnesses are persons; "detainee-like" (detainee, defendant, deceased) is also
reported alone: its recall, and its F1 where the found detainee-like persons are those with such a role
or with no role at all (a system that does not tell officials apart pays for them in precision).

Role accuracy is over matched persons; title accuracy over matched persons whose truth has a rank or
title (a found person without a ``role``/``title`` attribute counts as wrong). Places and facilities
match by canonical gazetteer id, or by normalised surface when the truth names a place the gazetteer
does not hold ("unlisted:" keys), one to one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from rapidfuzz import fuzz

from athar.arabic import normalize_arabic
from athar.records import Analysis
from bench.heldout.model import DETAINEE_LIKE, Page, Person

NAME_THRESHOLD = 85.0
EASTERN_TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _norm(text: str | None) -> str:
    return " ".join(normalize_arabic(text or "").split())


@dataclass
class Tally:
    """Counts summed over pages; ``row()`` turns them into figures."""

    pages: int = 0
    page_id: str = ""
    p_tp: int = 0
    p_found: int = 0
    p_true: int = 0
    d_tp: int = 0  # detainee-like persons matched
    d_true: int = 0
    d_found: int = 0  # found persons given a detainee-like role, or no role at all
    d_tp_found: int = 0  # of those, matched to a detainee-like true person
    o_tp: int = 0  # officials, judges, witnesses, others matched
    o_true: int = 0
    mother_ok: int = 0
    mother_n: int = 0
    year_ok: int = 0
    year_n: int = 0
    id_tp: int = 0
    id_found: int = 0
    id_true: int = 0
    date_tp: int = 0
    date_found: int = 0
    date_true: int = 0
    place_tp: int = 0
    place_found: int = 0
    place_true: int = 0
    fac_tp: int = 0
    fac_true: int = 0
    pfac_ok: int = 0
    pfac_n: int = 0
    role_ok: int = 0
    role_n: int = 0
    title_ok: int = 0
    title_n: int = 0
    doc_ok: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            if f.name not in ("misses", "spurious", "page_id"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def figures(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else float("nan")

        def f1(tp: int, found: int, true: int) -> float:
            if not found and not true:
                return float("nan")  # nothing to find and nothing found: no figure
            p, r = ratio(tp, found), ratio(tp, true)
            return 2 * p * r / (p + r) if found and true and p + r else 0.0

        return {
            "P": ratio(self.p_tp, self.p_found),
            "R": ratio(self.p_tp, self.p_true),
            "F1": f1(self.p_tp, self.p_found, self.p_true),
            "R_det": ratio(self.d_tp, self.d_true),
            "F1det": f1(self.d_tp_found, self.d_found, self.d_true),
            "R_off": ratio(self.o_tp, self.o_true),
            "mother": ratio(self.mother_ok, self.mother_n),
            "b.year": ratio(self.year_ok, self.year_n),
            "idF1": f1(self.id_tp, self.id_found, self.id_true),
            "dateF1": f1(self.date_tp, self.date_found, self.date_true),
            "placeF1": f1(self.place_tp, self.place_found, self.place_true),
            "facR": ratio(self.fac_tp, self.fac_true),
            "p.fac": ratio(self.pfac_ok, self.pfac_n),
            "role": ratio(self.role_ok, self.role_n),
            "title": ratio(self.title_ok, self.title_n),
            "doctype": ratio(self.doc_ok, self.pages),
        }


COLUMNS = ("P", "R", "F1", "R_det", "F1det", "R_off", "mother", "b.year", "idF1", "dateF1", "placeF1",
           "facR", "p.fac", "role", "title", "doctype")  # fmt: skip


def header(label_width: int = 34) -> str:
    return f"{'set':<{label_width}} " + " ".join(f"{c:>7}" for c in COLUMNS) + "  persons pages"


def row(label: str, tally: Tally, label_width: int = 34) -> str:
    figs = tally.figures()
    cells = " ".join("    n/a" if v != v else f"{v:7.3f}" for v in (figs[c] for c in COLUMNS))
    return f"{label:<{label_width}} {cells}  {tally.p_true:>7} {tally.pages:>5}"


def civil(p: Person) -> str:
    return " ".join(x for x in (p.first, p.father, p.family) if x)


def _name_score(found: str, truth: Person) -> float:
    f = _norm(found)
    return max(fuzz.ratio(f, _norm(truth.name)), fuzz.ratio(f, _norm(civil(truth))))


def match_persons(found: Sequence[Any], truth: Sequence[Person]) -> list[tuple[int, int]]:
    """One-to-one (found index, truth index) pairs under the module's rule, best first."""
    pairs = []
    for i, p in enumerate(found):
        for j, t in enumerate(truth):
            s = _name_score(p.name, t)
            if s >= NAME_THRESHOLD:
                pairs.append((s, i, j))
    used_f: set[int] = set()
    used_t: set[int] = set()
    out = []
    for _s, i, j in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        if i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
            out.append((i, j))
    return out


def place_id(latin: str) -> str | None:
    """Canonical gazetteer id of a truth place key (None for places the gazetteer does not hold)."""
    from nlp.places import resolve_place

    if latin.startswith("unlisted:"):
        return None
    found = resolve_place(latin)
    return found.id if found else None


def _match_places(found: Sequence[tuple[str | None, str]], truth: Sequence[tuple[str | None, str]]) -> int:
    """How many (id, normalised surface) items of ``found`` pair one-to-one with ``truth``."""
    left = list(truth)
    tp = 0
    for fid, fsurf in found:
        for k, (tid, tsurf) in enumerate(left):
            if (fid and tid and fid == tid) or (fsurf and fsurf == tsurf):
                tp += 1
                del left[k]
                break
    return tp


def _person_facility_ok(p: Any, want: str) -> bool:
    want_id = place_id(want)
    got: list[str] = []
    fac = getattr(p, "facility", None)
    if fac:
        got.append(fac)
    got += [e.place for e in getattr(p, "events", ()) if e.place]
    if not got:
        return False
    first = got[0]  # the person's facility, or else the first event's place
    from nlp.places import resolve_place

    resolved = resolve_place(first)
    return (
        first == want_id or (resolved is not None and resolved.id == want_id) or _norm(first) == _norm(want)
    )


def score_page(page: Page, analysis: Analysis) -> Tally:
    """The tally of one page."""
    t = Tally(pages=1)
    found = list(analysis.persons)
    truth = list(page.persons)
    t.p_found, t.p_true = len(found), len(truth)
    t.d_true = sum(p.role in DETAINEE_LIKE for p in truth)
    t.o_true = t.p_true - t.d_true
    matched = match_persons(found, truth)
    t.p_tp = len(matched)
    detainee_found = {i for i, p in enumerate(found) if getattr(p, "role", None) in (None, *DETAINEE_LIKE)}
    t.d_found = len(detainee_found)
    t.d_tp_found = sum(i in detainee_found and truth[j].role in DETAINEE_LIKE for i, j in matched)
    for i, j in matched:
        f, w = found[i], truth[j]
        if w.role in DETAINEE_LIKE:
            t.d_tp += 1
        else:
            t.o_tp += 1
        if w.mother:
            t.mother_n += 1
            t.mother_ok += _norm(f.mother) == _norm(w.mother)
        if w.birth_year:
            t.year_n += 1
            t.year_ok += (f.birth_date or "")[:4] == w.birth_year
        if w.facility:
            t.pfac_n += 1
            t.pfac_ok += _person_facility_ok(f, w.facility)
        t.role_n += 1
        t.role_ok += getattr(f, "role", None) == w.role
        if w.title:  # over persons the page gives a rank or title
            t.title_n += 1
            t.title_ok += _norm(getattr(f, "title", None)) == _norm(w.title)
    t.misses = [
        f"{truth[j].role}: {civil(truth[j])}" for j in range(len(truth)) if j not in {j for _i, j in matched}
    ]
    t.spurious = [found[i].name for i in range(len(found)) if i not in {i for i, _j in matched}]
    _score_entities(t, page, analysis)
    t.doc_ok = int(analysis.doc_type == page.doc_type)
    return t


def _score_entities(t: Tally, page: Page, analysis: Analysis) -> None:
    ents = analysis.entities
    got_ids = Counter((m.value or "").translate(EASTERN_TO_WESTERN) for m in ents if m.type == "NATIONAL_ID")
    want_ids = Counter(page.national_ids)
    t.id_found, t.id_true = sum(got_ids.values()), sum(want_ids.values())
    t.id_tp = sum((got_ids & want_ids).values())
    got_dates = Counter(m.value for m in ents if m.type == "DATE")
    want_dates = Counter(iso for _s, iso in page.dates)
    t.date_found, t.date_true = sum(got_dates.values()), sum(want_dates.values())
    t.date_tp = sum((got_dates & want_dates).values())
    got_places = [(m.value, _norm(m.text)) for m in ents if m.type in ("LOCATION", "FACILITY")]
    want_places = [(place_id(latin), _norm(s)) for s, latin in page.places]
    t.place_found, t.place_true = len(got_places), len(want_places)
    t.place_tp = _match_places(got_places, want_places)
    got_fac = {(m.value, _norm(m.text)) for m in ents if m.type == "FACILITY"}
    surfaces = {latin: _norm(s) for s, latin in page.places}
    t.fac_true = len(page.facilities)
    t.fac_tp = sum(
        any((fid and fid == place_id(latin)) or fs == surfaces.get(latin) for fid, fs in got_fac)
        for latin in page.facilities
    )


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for x in tallies:
        out.add(x)
    return out
