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

from athar.records import Mention, Person
from nlp.layout import Line
from nlp.persons.context import doc_events, page_context, row_events
from nlp.persons.draft import Draft, Page, finish
from nlp.persons.labelled import read_labelled
from nlp.persons.prose import read_prose
from nlp.persons.rows import read_row
from nlp.persons.tables import column_fields, find_tables, header

__all__ = ["find_persons"]


def find_persons(
    lines: Sequence[Line], text: str, *, doc_type: str | None = None, page: int = 0
) -> tuple[list[Person], list[Mention]]:
    """Persons of one page, plus PERSON mentions and DATE mentions of birth years read from rows.

    ``text`` is the page text the tokens' spans index.
    """
    cut = Page(text)
    tables = find_tables(lines)
    table_lines = {h for h, _r in tables} | {r for _h, rows in tables for r in rows}
    ctx = page_context(lines, table_lines, doc_type)
    drafts: list[Draft] = []
    for header_index, rows in tables:
        following = lines[header_index + 1] if header_index + 1 < len(lines) else None
        labels = header(lines[header_index], following) or []
        columns = column_fields(lines[header_index], labels)
        name_label = next(
            (" ".join(t.norm for t in lines[header_index].tokens[s:e]) for s, e, k in labels if k == "name"),
            "",
        )
        for r in rows:
            draft = read_row(lines[r], columns, name_label)
            row_events(draft, ctx)
            if draft.has_name():
                drafts.append(draft)
    labelled, used = read_labelled(lines, table_lines)
    for draft in labelled:
        doc_events(draft, ctx)
    drafts.extend(labelled)
    drafts.extend(read_prose(lines, table_lines | used))
    persons: list[Person] = []
    mentions: list[Mention] = []
    for draft in drafts:
        person = finish(draft, cut, page)
        if person is None:
            continue
        persons.append(person)
        names = [t for t in draft.name if t.end > t.start]
        if names:
            a, b = min(t.start for t in names), max(t.end for t in names)
            mentions.append(Mention("PERSON", text[a:b], a, b, None, page))
        for first, last, iso in draft.year_tokens:
            if last.end > first.start:
                mentions.append(
                    Mention("DATE", text[first.start : last.end], first.start, last.end, iso, page)
                )
    return persons, mentions
