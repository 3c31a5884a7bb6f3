"""Tables: header lines of column labels, their columns, and the rows that follow."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.layout import Cell, Line, Token
from nlp.persons.labels import find_labels
from nlp.persons.words import is_word


def _row_like(line: Line | None) -> bool:
    """A table row: two or more name words and an ID or year-like number."""
    if line is None:
        return False
    toks = line.tokens
    return sum(is_word(t) for t in toks) >= 2 and any(re.fullmatch(r"\d{4,11}", t.norm) for t in toks)


def header(line: Line, following: Line | None = None) -> list[tuple[int, int, str]] | None:
    """Column labels of a table header line, or None. A header whose name label was unreadable
    counts when three person columns are read, or two and the next line looks like a row."""
    toks = line.tokens
    words = sum(1 for t in toks if is_word(t))
    if words < 2 or words > 30 or sum(t.norm.isdigit() for t in toks) > 2:
        return None
    labels = find_labels(toks, need_colon=False, fuzzy=True)
    fields = [k for *_x, k in labels]
    covered = sum(e - s for s, e, _k in labels)
    person_columns = {"name", "mother", "birth", "nid", "serial"} & set(fields)
    enough = len(labels) >= 3 and ("name" in fields or len(person_columns) >= 3)
    if not enough and len(labels) == 2 and len(person_columns) == 2 and len(line.cells) >= 3:
        enough = _row_like(following)
    if enough and covered >= 0.6 * max(1, words) and not any(t.norm == ":" for t in toks):
        return labels
    return None


_HALF_READ = "name-of?"  # a header "اسم ..." whose second word was unreadable: the mother's or the father's


def _mother_header(cell: Cell, kinds: list[str]) -> bool:
    """A half-read header cell "اسم ..." after the name column of a table without a father's or a mother's
    column (e.g. اسم الأم read "اسم 6111"). Rows decide: after a full name it is the mother's column,
    after a lone first name the father's (see :func:`read_row`)."""
    words = [t for t in cell.tokens if is_word(t)]
    return (
        bool(words)
        and words[0].norm in ("اسم", "امم")
        and len(words) <= 2
        and not {"mother", "father", "grandfather", "family"} & set(kinds)
    )


def _name_before_mother(
    labels: list[tuple[int, int, str]], a: int, b: int, tokens: Sequence[Token]
) -> int | None:
    """A header cell "الموقوف / والدته" (tokens a..b, perhaps after a serial's label run into it): unlabelled
    words right before the mother's label mean the cell holds the name and the mother (rows "فلان الفلاني
    / فلانة"). Returns the position among the cell's fields where "name" goes, or None."""
    inside = [(s, e, k) for s, e, k in labels if a <= s < b]
    for pos, (s, _e, k) in enumerate(inside):
        if k == "mother":
            since = inside[pos - 1][1] if pos else a
            return pos if any(is_word(t) for t in tokens[since:s]) else None
    return None


def column_fields(line: Line, labels: list[tuple[int, int, str]]) -> list[tuple[Cell | None, list[str]]]:
    """Header columns: (header cell or None, fields in that cell, in reading order)."""
    kinds = [k for *_x, k in labels]
    has_name = "name" in kinds
    if all(c.x0 < 0 for c in line.cells) or len(line.cells) < 2:
        if not has_name:  # the name label was unreadable: the name follows the serial number
            at = 1 if kinds and kinds[0] == "serial" else 0
            kinds = [*kinds[:at], "name", *kinds[at:]]
        return [(None, kinds)]
    out: list[tuple[Cell | None, list[str]]] = []
    index = 0
    bounds = []
    for cell in line.cells:
        bounds.append((index, index + len(cell.tokens), cell))
        index += len(cell.tokens)
    for a, b, cell in bounds:
        fields = [k for s, _e, k in labels if a <= s < b]
        named_at = None if has_name else _name_before_mother(labels, a, b, line.tokens)
        if named_at is not None:
            fields, has_name = [*fields[:named_at], "name", *fields[named_at:]], True
        if fields:
            out.append((cell, fields))
        elif not has_name:  # an unreadable header cell where the name label should be
            out.append((cell, ["name"]))
            has_name = True
        elif _mother_header(cell, kinds) and any(fs == ["name"] for _c, fs in out):
            out.append((cell, [_HALF_READ]))
            kinds.append(_HALF_READ)
    if not has_name:
        return [(None, [k for _c, fs in out for k in fs])]
    return out


def _crumbs(tokens: Sequence[Token]) -> bool:
    """OCR crumbs between register rows (". : ا 0", "- 00000 ن"): no word of three letters or more and
    no number of three digits or more."""
    return not any(len(t.norm) >= 3 and (is_word(t) or t.norm.isdigit()) for t in tokens)


# a header of this many cells with known extents is a grid: a later line of one cell without a number
# is text below the table (a signature, a request), not a row
GRID_CELLS = 3


def _prose_after(head: Line, line: Line) -> bool:
    """A line of words alone under a grid table's header: the table has ended."""
    grid = len(head.cells) >= GRID_CELLS and all(c.x0 >= 0 for c in head.cells)
    words = sum(is_word(t) for t in line.tokens)
    return grid and len(line.cells) == 1 and words >= 2 and not any(t.norm.isdigit() for t in line.tokens)


def find_tables(lines: Sequence[Line]) -> list[tuple[int, list[int]]]:
    """(header line index, row line indexes) of each table."""
    tables = []
    i = 0
    while i < len(lines):
        if header(lines[i], lines[i + 1] if i + 1 < len(lines) else None) is None:
            i += 1
            continue
        rows = []
        junk = 0
        j = i + 1
        while j < len(lines):
            toks = lines[j].tokens
            if (
                header(lines[j]) is not None
                or (find_labels(toks, need_colon=True) and any(t.norm == ":" for t in toks))
                or _prose_after(lines[i], lines[j])
            ):
                break
            if sum(1 for t in toks if is_word(t)) >= 2:
                rows.append(j)
                junk = 0
            elif (len(toks) > 3 and not _crumbs(toks)) or junk >= 2:
                break  # a line of other text ends the table; OCR crumbs do not
            else:
                junk += 1
            j += 1
        tables.append((i, rows))
        i = j
    return tables
