"""Page-level context (facility, hospital, court, destination, date) and the events it gives persons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from athar.records import Event
from nlp.layout import Line, Token
from nlp.persons.draft import Draft
from nlp.persons.labels import find_labels
from nlp.persons.words import dates_in, places_in
from nlp.places import Place

# words before a facility that put the page's persons in it (في سجن …، نزلاء فرع …، المحال من …)
_IN_CUES = frozenset(
    str.split(
        "في وفي لدي نزلاء النزلاء نزيل موقوفي سجناء معتقلي المودعين المودع الموجودين الموجود المحتجزين "
        "المحتجز من ومن بسجن بفرع"
    )
)
_TO_CUES = frozenset({"الي", "والي", "لدي"})
_LETTERHEAD_LINES = 4  # the first lines of a page: the issuing authority's letterhead when short
_LETTERHEAD_WORDS = 6
_BURIED = 5  # above every other cue


@dataclass
class Context:
    """Page-level facts used for row events: where and when."""

    doc_type: str | None
    facility: Place | None = None  # where the page's persons are (body text, table title; else letterhead)
    authority: Place | None = None  # the letterhead's facility: who issued the page
    destination: Place | None = None  # transfer lists: the facility after الى
    hospital: Place | None = None
    court: Place | None = None
    date: str | None = None  # first full date outside tables (session, transfer, report)
    transfer_date: str | None = None


def _facility_score(toks: Sequence[Token], a: int, letterhead: bool, titled: bool) -> int:
    """How surely a facility named at ``toks[a]`` is where the page's persons are."""
    before = toks[a - 1].norm if a > 0 else ""
    if before in _IN_CUES:
        return 4
    if titled:
        return 3  # the title line of a table
    return 0 if letterhead else 2


def page_context(lines: Sequence[Line], skip: set[int], doc_type: str | None) -> Context:
    ctx = Context(doc_type)
    best = -1
    seen = 0
    for index, line in enumerate(lines):
        if index in skip:
            continue
        seen += 1
        toks = line.tokens
        letterhead = seen <= _LETTERHEAD_LINES and len(toks) <= _LETTERHEAD_WORDS
        titled = index + 1 in skip and index not in skip
        for a, _b, place in places_in(toks):
            if place.type != "FACILITY":
                continue
            _note_kind(ctx, place)
            to = a > 0 and toks[a - 1].norm in _TO_CUES and place.kind != "hospital"
            if to:
                ctx.destination = place
            if letterhead and ctx.authority is None:
                ctx.authority = place
            score = (
                -1
                if to or place.kind in ("court", "hospital")
                else _facility_score(toks, a, letterhead, titled)
            )
            if doc_type == "burial_list" and place.kind == "cemetery":
                score = _BURIED  # a burial list's persons are in its cemetery, wherever they came from
            if score > best:
                ctx.facility, best = place, score
        _note_dates(ctx, toks)
    if ctx.facility is None:
        authority = ctx.authority if ctx.authority and ctx.authority.kind != "court" else None
        ctx.facility = authority or (ctx.hospital if doc_type != "death_report" else None)
    return ctx


def _note_kind(ctx: Context, place: Place) -> None:
    if place.kind == "hospital" and ctx.hospital is None:
        ctx.hospital = place
    if place.kind == "court" and ctx.court is None:
        ctx.court = place


def _note_dates(ctx: Context, toks: Sequence[Token]) -> None:
    labels = find_labels(toks, need_colon=True)
    for _s, e, kind in labels:
        if kind == "ev:transfer":
            found = dates_in(toks[e:])
            if found:
                ctx.transfer_date = found[0][2]
    if ctx.date is None:
        for _a, _b, iso in dates_in(toks):
            if len(iso) >= 7 and not any(k in ("birth",) for *_x, k in labels):
                ctx.date = iso
                break


def row_events(draft: Draft, ctx: Context) -> None:
    events = []
    for ev in draft.events:
        place = ctx.destination if ev.type == "transfer" else ctx.facility
        events.append(Event(ev.type, ev.date, place.id if place else None))
    if ctx.doc_type == "transfer_list":
        events = transfer_events(events, ctx)
    if not events and ctx.doc_type == "prison_register":
        events.append(Event("detention", None, ctx.facility.id if ctx.facility else None))
    draft.events = events


def doc_events(draft: Draft, ctx: Context) -> None:
    events = []
    for ev in draft.events:
        place = ctx.hospital if ev.type == "death" else ctx.facility
        events.append(Event(ev.type, ev.date, place.id if place else None))
    types = {e.type for e in events}
    if ctx.doc_type == "court_record" and "trial" not in types:
        court = ctx.court.id if ctx.court else None
        events += [Event("trial", ctx.date, court), Event("sentence", ctx.date, court)]
    if ctx.doc_type == "death_report" and "death" not in types:
        events.append(Event("death", None, ctx.hospital.id if ctx.hospital else None))
    draft.events = events


def transfer_events(events: list[Event], ctx: Context) -> list[Event]:
    """A transfer list's person: moved to the destination (after الى), held before at the page's own
    facility (after من / في) when that is another one."""
    out = list(events)
    if not any(e.type == "transfer" for e in out):
        place = ctx.destination or ctx.facility
        out.append(Event("transfer", ctx.transfer_date or ctx.date, place.id if place else None))
    source = ctx.facility
    held = source and any(e.type == "detention" and e.place == source.id for e in out)
    if source and ctx.destination and source.id != ctx.destination.id and not held:
        out.insert(0, Event("detention", None, source.id))
    return out
