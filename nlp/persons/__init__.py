"""Person records from labelled fields, table rows and prose.

Input: the page's :class:`~nlp.layout.Line` s (tokens with spans in the page text). Three readers:

- tables: a header line made of column labels (الاسم الثلاثي، اسم الأم، محل وتاريخ الولادة، الرقم
  الوطني …); every following row is one person. Cells rebuilt from word boxes are assigned to the
  nearest header column; without boxes the row is read in column order (serial, name, mother, place,
  year, ID, date) with the name/mother split by unit counts and the birth place by the gazetteer.
- labelled fields: ``الاسم: …``, ``اسم الأب: …``, ``اسم الأم: …``, ``تولد: …`` … one block per person.
- prose: a trigger (المدعو، الموقوف، المعتقل، تم توقيف …) followed by the name, then والدته/أمه,
  تولد/مواليد and an event verb with its date and place in the same sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from athar.arabic import normalize_arabic
from athar.records import Mention, Person
from nlp.layout import Line
from nlp.persons.columns import headerless_tables, infer_columns
from nlp.persons.context import Context, doc_events, page_context, row_events, transfer_events
from nlp.persons.draft import Draft, Page, finish
from nlp.persons.labelled import LABEL_ROLES, read_labelled
from nlp.persons.prose import read_prose
from nlp.persons.rows import read_row
from nlp.persons.tables import column_fields, find_tables, header
from nlp.persons.titled import read_titled
from nlp.places import Place

__all__ = ["find_persons"]


# the role of a person a page names without a cue of its own, by document type
DOC_ROLES = {
    "prison_register": "detainee",
    "transfer_list": "detainee",
    "court_record": "defendant",
    "death_report": "deceased",
    "burial_list": "deceased",
    "interrogation_form": "detainee",
}


_STAFF = ("official", "judge")
_JUDGES_SIT = ("court_record", "interrogation_form")  # documents a court or an investigating judge issues


def _judicial(title: str | None) -> bool:
    return bool(title) and any(w in normalize_arabic(title or "") for w in ("القاضي", "المستشار"))


def _table_drafts(lines: Sequence[Line], tables: list[tuple[int, list[int]]], ctx: Context) -> list[Draft]:
    drafts: list[Draft] = []
    for header_index, rows in tables:
        following = lines[header_index + 1] if header_index + 1 < len(lines) else None
        labels = header(lines[header_index], following) or []
        columns = column_fields(lines[header_index], labels)
        name_label = next(
            (" ".join(t.norm for t in lines[header_index].tokens[s:e]) for s, e, k in labels if k == "name"),
            "",
        )
        role = next((r for w, r in LABEL_ROLES.items() if w in name_label.split()), None)
        for r in rows:
            draft = read_row(lines[r], columns, name_label)
            row_events(draft, ctx)
            draft.reader = "table"
            draft.role = role or DOC_ROLES.get(ctx.doc_type or "")
            if draft.has_name():
                drafts.append(draft)
    return drafts


def _headerless_drafts(lines: Sequence[Line], runs: list[list[int]], ctx: Context) -> list[Draft]:
    """Rows of tables whose header was not recognised, columns read from their content."""
    drafts: list[Draft] = []
    for rows in runs:
        columns = infer_columns([lines[r] for r in rows], ctx.doc_type)
        for r in rows if columns else []:
            draft = read_row(lines[r], columns, "")
            row_events(draft, ctx)
            draft.reader = "table"
            draft.role = DOC_ROLES.get(ctx.doc_type or "")
            if draft.has_name():
                drafts.append(draft)
    return drafts


def find_persons(
    lines: Sequence[Line], text: str, *, doc_type: str | None = None, page: int = 0
) -> tuple[list[Person], list[Mention]]:
    """Persons of one page, plus PERSON mentions and DATE mentions of birth years read from rows.

    ``text`` is the page text the tokens' spans index.
    """
    cut = Page(text)
    tables = find_tables(lines)
    table_lines = {h for h, _r in tables} | {r for _h, rows in tables for r in rows}
    labelled, used = read_labelled(lines, table_lines)  # labelled fields are no headerless table's rows
    headerless = headerless_tables(lines, table_lines | used)
    table_lines |= {r for rows in headerless for r in rows}
    ctx = page_context(lines, table_lines, doc_type)
    drafts = _table_drafts(lines, tables, ctx) + _headerless_drafts(lines, headerless, ctx)
    for draft in labelled:
        doc_events(draft, ctx)
    drafts.extend(labelled)
    for draft in read_prose(lines, table_lines | used):
        if doc_type == "transfer_list":
            draft.events = transfer_events(draft.events, ctx)
        drafts.append(draft)
    drafts.extend(read_titled(lines, set()))  # signatures under a table too; rows read first win
    persons: list[Person] = []
    mentions: list[Mention] = []
    taken: set[tuple[int, int]] = set()
    for draft in drafts:
        spans = {(t.start, t.end) for t in draft.name + draft.first if t.end > t.start}
        if spans & taken:
            continue  # a titled name a field or prose reader already read
        where = _where(ctx)
        draft.facility = draft.facility or (where.id if where else None)
        person = finish(draft, cut, page)
        if person is None:
            continue
        if person.role is None:
            person = replace(person, role=DOC_ROLES.get(doc_type or "", "other"))
        if person.role == "judge" and doc_type not in _JUDGES_SIT and not _judicial(person.title):
            person = replace(person, role="official")  # الرئيس outside a court: a head of state or office
        same = _repeated(person, persons)
        if same is not None:  # the same person named again on the page (a bench and its signature)
            persons[same] = _completed(persons[same], person)
            continue
        if person.role in _STAFF:  # an official's place is the authority that issued the page
            issuer = ctx.authority or (ctx.hospital if doc_type == "death_report" else None) or ctx.court
            person = replace(person, facility=issuer.id if issuer else None)
        persons.append(person)
        taken |= {(t.start, t.end) for t in draft.name + draft.first if t.end > t.start}  # as finished
        mentions.extend(_mentions(draft, text, page))
    return persons, mentions


def _where(ctx: Context) -> Place | None:
    """The facility a page puts its persons in: a death report's hospital (where they died), a transfer
    list's destination (where they were sent; the source is in their events), else the page's own."""
    if ctx.doc_type == "death_report" and ctx.hospital:
        return ctx.hospital
    if ctx.doc_type == "transfer_list" and ctx.destination:
        return ctx.destination
    return ctx.facility


_FILLED = ("mother", "birth_date", "birth_place", "national_id")


def _repeated(person: Person, earlier: Sequence[Person]) -> int | None:
    """The index of an earlier person of the page with the same name and no conflicting field."""
    key = person.name_keys.normalized if person.name_keys else person.name
    for k, other in enumerate(earlier):
        if (other.name_keys.normalized if other.name_keys else other.name) != key:
            continue
        if all(None in (getattr(person, f), getattr(other, f)) or getattr(person, f) == getattr(other, f)
               for f in ("mother", "birth_date", "national_id")):  # fmt: skip
            return k
    return None


def _completed(first: Person, again: Person) -> Person:
    """A person named twice ("المتهمين: فلان، فلان" then "فلان: والدته …"): the first reading with the
    fields only the second one gave."""
    filled = {f: getattr(again, f) for f in _FILLED if getattr(first, f) is None and getattr(again, f)}
    return replace(first, **filled) if filled else first


def _mentions(draft: Draft, text: str, page: int) -> list[Mention]:
    """The PERSON mention of a draft's name and DATE mentions of its birth date."""
    out = []
    names = [t for t in draft.name if t.end > t.start]
    if names:
        a, b = min(t.start for t in names), max(t.end for t in names)
        out.append(Mention("PERSON", text[a:b], a, b, None, page))
    for first, last, iso in draft.year_tokens:
        if last.end > first.start:
            out.append(Mention("DATE", text[first.start : last.end], first.start, last.end, iso, page))
    return out
