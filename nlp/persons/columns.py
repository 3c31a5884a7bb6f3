"""Tables without a readable header: rows found by their shape, column meaning read from the content.

A run of lines each split into cells (OCR word boxes or tab-separated text), with two or more name words
and a number of four digits or more, is a table even when no header line was recognised (a header lost to
OCR, or a layout whose labels Athar does not know). Columns come from the row with the most cells; every
column's meaning comes from what its cells hold: 11-digit numbers are national IDs, small numbers in the
first column serials, dates before ``BIRTH_BEFORE`` (or a place and a year) birth, later dates the page's
event, cells opening with a female given name the mother, the first column of names the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from nlp.layout import Cell, Line, Token
from nlp.persons.lexicon import is_female, is_given, word_class
from nlp.persons.words import dates_in, is_word, places_in

MIN_ROWS = 2
MIN_CELLS = 3
BIRTH_BEFORE = 2006  # a date column of earlier years holds birth dates (record pages date from 2011 on)
MAJORITY = 0.5
# the event a date column records, by document type
EVENTS = {
    "prison_register": "ev:detention",
    "transfer_list": "ev:transfer",
    "death_report": "ev:death",
    "burial_list": "ev:death",
    "court_record": "ev:sentence",
}
_NUMBER = re.compile(r"\d{4,11}")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _row_shape(line: Line) -> bool:
    toks = line.tokens
    return (
        len(line.cells) >= MIN_CELLS
        and all(c.x0 >= 0 for c in line.cells)
        and sum(is_word(t) for t in toks) >= 2
        and any(_NUMBER.fullmatch(t.norm) for t in toks)
    )


def headerless_tables(lines: Sequence[Line], taken: set[int]) -> list[list[int]]:
    """Runs of two or more consecutive row-shaped lines outside known tables."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, line in enumerate(lines):
        if index not in taken and _row_shape(line):
            current.append(index)
            continue
        if len(current) >= MIN_ROWS:
            runs.append(current)
        current = []
    if len(current) >= MIN_ROWS:
        runs.append(current)
    return runs


def infer_columns(rows: Sequence[Line], doc_type: str | None) -> list[tuple[Cell | None, list[str]]]:
    """Columns (a pseudo header cell each, right to left) and their fields, from the rows' content."""
    template = max(rows, key=lambda line: len(line.cells))
    heads = [Cell((), c.x0, c.x1) for c in template.cells]
    cells: list[list[list[Token]]] = [[] for _ in heads]
    for line in rows:
        for cell in line.cells:
            centre = (cell.x0 + cell.x1) / 2
            k = min(range(len(heads)), key=lambda q: abs((heads[q].x0 + heads[q].x1) / 2 - centre))
            cells[k].append(list(cell.tokens))
    kinds = [_kind(column, k == 0, doc_type) for k, column in enumerate(cells)]
    _settle_names(kinds, cells)
    if "name" not in kinds:
        return []
    return [(head, [kind]) for head, kind in zip(heads, kinds, strict=True)]


def _share(column: list[list[Token]], test: Callable[[list[Token]], object]) -> float:
    return sum(bool(test(c)) for c in column) / max(1, len(column))


def _kind(column: list[list[Token]], first: bool, doc_type: str | None) -> str:
    """One column's field, by what most of its cells hold."""
    if _share(column, lambda c: any(re.fullmatch(r"\d{11}", t.norm) for t in c)) > MAJORITY:
        return "nid"
    if first and _share(column, lambda c: len(c) == 1 and re.fullmatch(r"\d{1,3}", c[0].norm)) > MAJORITY:
        return "serial"
    years = [int(t.norm) for c in column for t in c[:2] if _YEAR.fullmatch(t.norm)]
    if len(years) / max(1, len(column)) > MAJORITY and sorted(years)[len(years) // 2] < BIRTH_BEFORE:
        return "birth"  # a column of birth years (with or without the place)
    dated = [dates_in(c) for c in column]
    if sum(bool(d) for d in dated) / max(1, len(column)) > MAJORITY:
        years = [int(d[0][2][:4]) for d in dated if d and d[0][2][:4].isdigit()]
        placed = _share(column, lambda c: any(p.type == "LOCATION" for _a, _b, p in places_in(c)))
        if placed > MAJORITY or (years and sorted(years)[len(years) // 2] < BIRTH_BEFORE):
            return "birth"
        return EVENTS.get(doc_type or "", "other")
    words = [[t for t in c if is_word(t)] for c in column]
    if _share(words, lambda c: c and is_female(c[0].norm)) > MAJORITY:
        return "mother"
    if _share(words, lambda c: c and any(p.type == "LOCATION" for _a, _b, p in places_in(c))) > MAJORITY:
        return "birth"
    if _share(words, lambda c: c and word_class(c[0].norm) == "name") > MAJORITY:
        return "person-words"
    return "other"


def _settle_names(kinds: list[str], cells: list[list[list[Token]]]) -> None:
    """The first column of names is the name; a later one of single given names the father's."""
    seen_name = False
    for k, kind in enumerate(kinds):
        if kind != "person-words":
            continue
        if not seen_name:
            kinds[k] = "name"
            seen_name = True
            continue
        single = _share(cells[k], lambda c: len([t for t in c if is_word(t)]) == 1 and is_given(c[0].norm))
        kinds[k] = "father" if single > MAJORITY else "other"
