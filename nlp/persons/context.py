"""Page-level context (facility, hospital, court, destination, date) and the events it gives persons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from athar.records import Event
from nlp.layout import Line
from nlp.persons.draft import Draft
from nlp.persons.labels import find_labels
from nlp.persons.words import dates_in, places_in
from nlp.places import Place


@dataclass
class Context:
    """Page-level facts used for row events: where and when."""

    doc_type: str | None
    facility: Place | None = None  # first facility named outside tables
    destination: Place | None = None  # transfer lists: the facility after الى
    hospital: Place | None = None
    court: Place | None = None
    date: str | None = None  # first full date outside tables (session, transfer, report)
    transfer_date: str | None = None


def page_context(lines: Sequence[Line], skip: set[int], doc_type: str | None) -> Context:
    ctx = Context(doc_type)
    for index, line in enumerate(lines):
        if index in skip:
            continue
        toks = line.tokens
        for a, _b, place in places_in(toks):
            if place.type != "FACILITY":
                continue
            if place.kind == "hospital" and ctx.hospital is None:
                ctx.hospital = place
            if place.kind == "court" and ctx.court is None:
                ctx.court = place
            if ctx.facility is None and place.kind not in ("court",):
                ctx.facility = place
            if a > 0 and toks[a - 1].norm in ("الي", "والي") and place.kind != "hospital":
                ctx.destination = place
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
    return ctx


def row_events(draft: Draft, ctx: Context) -> None:
    events = []
    for ev in draft.events:
        place = ctx.destination if ev.type == "transfer" else ctx.facility
        events.append(Event(ev.type, ev.date, place.id if place else None))
    if not events and ctx.doc_type == "transfer_list":
        place = ctx.destination or ctx.facility
        events.append(Event("transfer", ctx.transfer_date or ctx.date, place.id if place else None))
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
