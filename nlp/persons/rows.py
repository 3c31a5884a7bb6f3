"""Table rows: cells assigned to header columns and read into a draft person."""

from __future__ import annotations

import re
from collections.abc import Sequence

from athar.records import Event
from nlp.layout import Cell, Line, Token
from nlp.persons.columns import BIRTH_BEFORE
from nlp.persons.draft import Draft, assign
from nlp.persons.lexicon import strip_rule_glyph, word_class
from nlp.persons.tables import _HALF_READ
from nlp.persons.words import MONTH_WORDS, dates_in, is_word, lone_birth_year, name_units, places_in

_RULE = "|"  # a table's vertical rule read as a glyph: a cell boundary wherever it falls
_MARKS = ("|", "-", ":", "،", ",", "(", ")")
_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD_FIELDS = ("name", "father", "grandfather", "family", "mother", "birth")


def _read_segment(tokens: list[Token], fields: list[str], name_label: str, draft: Draft) -> None:
    """Read tokens of one or more consecutive columns, in column order."""
    i = 0
    n = len(tokens)
    for pos, kind in enumerate(fields):
        while i < n and tokens[i].norm in _MARKS:
            i += 1
        if i >= n:
            break
        if kind == "serial":
            i += bool(re.fullmatch(r"\d{1,6}", tokens[i].norm))
        elif kind == "nid":
            i = _read_nid(tokens, i, draft)
        elif kind.startswith("ev:") or kind == "other":
            i = _read_event(tokens, i, kind, draft)
        elif kind == "birth":
            i = _read_birth(tokens, i, draft)
        else:
            # a run of name words shared by this and the following word columns; a serial number or
            # stray mark before it (serial and name read as one cell) is skipped
            while i < n - 1 and not is_word(tokens[i]) and re.fullmatch(r"\d{1,6}|\W", tokens[i].norm):
                i += 1
            j = i
            while j < n and is_word(tokens[j]):
                j += 1
            following = _following_words(fields[pos + 1 :])
            if kind == "name" and following[:1] == ["mother"] and _slash_mother(tokens, i, j, draft):
                k = j + 1 + len(draft.mother)
                _read_segment(tokens[k:], fields[pos + 2 :], name_label, draft)
                return
            if kind != "name" or not following:
                assign(draft, kind, tokens[i:j])
                i = j
                continue
            _read_name_run(tokens[i:j], following, name_label, draft)
            j, remaining = _after_run(tokens, j, fields[pos + 1 :], draft)
            _read_segment(tokens[j:], remaining, name_label, draft)
            return


def _slash_mother(tokens: list[Token], i: int, j: int, draft: Draft) -> bool:
    """A "name / mother" cell (header الاسم / الأم): the words before the slash are the name, those
    after it the mother's."""
    if j + 1 >= len(tokens) or tokens[j].norm != "/" or not is_word(tokens[j + 1]):
        return False
    m = j + 1
    while m < len(tokens) and is_word(tokens[m]):
        m += 1
    assign(draft, "name", tokens[i:j])
    assign(draft, "mother", tokens[j + 1 : m])
    return True


def _following_words(rest: list[str]) -> list[str]:
    """The word columns right after a name column, up to and including a birth column."""
    following = []
    for nxt in rest:
        if nxt not in _WORD_FIELDS:
            break
        following.append(nxt)
        if nxt == "birth":
            break
    return following


def _read_nid(tokens: list[Token], i: int, draft: Draft) -> int:
    for j in range(i, min(len(tokens), i + 6)):  # after a few crumbs at most
        if re.fullmatch(r"\d{11}", tokens[j].norm):
            draft.national_id = tokens[j].norm
            draft.tokens.append(tokens[j])
            return j + 1
    return i


def _read_event(tokens: list[Token], i: int, kind: str, draft: Draft) -> int:
    found = dates_in(tokens[i:])
    if kind.startswith("ev:") and found and found[0][0] <= 1:
        a, b, iso = found[0]
        draft.events.append(Event(kind[3:], iso, None))
        draft.tokens.extend(tokens[i + a : i + b])
        return i + b
    return i + 1 if kind == "other" else i


def _read_birth(tokens: list[Token], i: int, draft: Draft) -> int:
    n = len(tokens)
    j = i
    while j < n and is_word(tokens[j]):
        j += 1
    if j > i:
        draft.birth_place = list(tokens[i:j])
    found = dates_in(tokens[j:])
    if found and found[0][0] <= 1:
        a, b, iso = found[0]
        draft.birth_date = iso
        year_toks = tokens[j + a : j + b]
        draft.year_tokens.append((year_toks[0], year_toks[-1], iso))
        return j + b
    # the year, possibly after a crumb read as a digit or a mark ("0 1970")
    year = next((q for q in range(j, min(n, j + 2)) if _YEAR.fullmatch(tokens[q].norm)), None)
    if year is not None and (year == j or re.fullmatch(r"\d|\W", tokens[j].norm)):
        draft.birth_date = tokens[year].norm
        draft.year_tokens.append((tokens[year], tokens[year], tokens[year].norm))
        return year + 1
    return j


def _read_name_run(run: list[Token], following: list[str], name_label: str, draft: Draft) -> None:
    """A run of words that covers the name column and the word columns after it (mother, birth place)."""
    units = name_units(run)
    place: list[Token] = []
    if following[-1] == "birth":
        for size in (3, 2, 1):
            tail = [t for u in units[-size:] for t in u] if len(units) > size else []
            if tail and len(places_in(tail)) == 1 and places_in(tail)[0][:2] == (0, len(tail)):
                place = tail
                units = units[:-size]
                break
        else:
            if len(units) >= 5:
                place = units[-1]
                units = units[:-1]
    if "mother" in following and len(units) >= 2:
        keep = 3 if ("ثلاثي" in name_label and len(units) >= 4) else len(units) - 1
        assign(draft, "name", [t for u in units[:keep] for t in u])
        assign(draft, "mother", [t for u in units[keep:] for t in u])
    else:
        assign(draft, "name", [t for u in units for t in u])
    if place:
        draft.birth_place = place


def _after_run(tokens: list[Token], j: int, rest: list[str], draft: Draft) -> tuple[int, list[str]]:
    """After a run that covered the following word columns: birth continues with its year; returns the
    position and the columns left to read."""
    n = len(tokens)
    remaining = [k for k in rest if k not in ("father", "grandfather", "family", "mother")]
    if remaining and remaining[0] == "birth":
        found = dates_in(tokens[j:])
        if found and found[0][0] <= 1:
            a, b, iso = found[0]
            draft.birth_date = iso
            draft.year_tokens.append((tokens[j + a], tokens[j + b - 1], iso))
            j += b
        elif j < n and _YEAR.fullmatch(tokens[j].norm):
            draft.birth_date = tokens[j].norm
            draft.year_tokens.append((tokens[j], tokens[j], tokens[j].norm))
            j += 1
        remaining = remaining[1:]
    return j, remaining


def _slash_split(assigned: list[list[Token]], k: int) -> bool:
    """Name and mother columns whose words a slash divides ("فلان الفلاني / فلانة" over a header cut in
    two): the words before the slash are the name, those after it the mother's, wherever OCR put the
    cell boundary."""
    joined = assigned[k] + assigned[k + 1]
    slash = next((q for q, t in enumerate(joined) if t.norm == "/"), None)
    if (
        slash is None
        or not any(is_word(t) for t in joined[:slash])
        or not any(is_word(t) for t in joined[slash + 1 :])
    ):
        return False
    assigned[k], assigned[k + 1] = joined[:slash], joined[slash + 1 :]
    return True


def _settle_half_read(
    line: Line, columns: list[tuple[Cell | None, list[str]]]
) -> list[tuple[Cell | None, list[str]]]:
    """The half-read "اسم ..." column is the mother's when the row holds two or more name units before
    it (a full name), else the father's."""
    half = next(c for c, fs in columns if fs == [_HALF_READ])
    units = 0
    if half is not None:  # name words right of the half-read column (reading order is right to left)
        for cell in line.cells:
            if (cell.x0 + cell.x1) / 2 > half.x1:
                units += len(name_units([t for t in cell.tokens if is_word(t)]))
    kind = "mother" if units >= 2 else "father"
    return [(c, [kind] if fs == [_HALF_READ] else fs) for c, fs in columns]


def _overlaps(cell: Cell, head: Cell | None) -> bool:
    return head is not None and min(cell.x1, head.x1) - max(cell.x0, head.x0) > 0


def _slashed(cell: Cell) -> bool:
    """A "name / mother" cell: no number in it, two or more name words before the slash and a name
    word right after it (a date cell "آذار / مارس 2012" is none)."""
    toks = cell.tokens
    slash = next((q for q, t in enumerate(toks) if t.norm == "/"), None)
    if slash is None or slash + 1 >= len(toks) or any(t.norm[:1].isdigit() for t in toks):
        return False
    if any(t.norm in MONTH_WORDS for t in toks):
        return False
    named = sum(word_class(t.norm) == "name" for t in toks[:slash] if is_word(t))
    return named >= 2 and is_word(toks[slash + 1]) and word_class(toks[slash + 1].norm) == "name"


def _split_spanning(cell: Cell, headers: Sequence[Cell], keep_slashed: bool = False) -> list[Cell]:
    """A row cell that overlaps two or more header cells (neighbouring columns read as one cell) cut
    at a rule glyph ("|") inside it, else at its widest gap between words, until every part overlaps at
    most one header cell."""

    def overlapped(c: Cell) -> int:
        return sum(1 for h in headers if min(c.x1, h.x1) - max(c.x0, h.x0) > 0)

    tokens = [t for t in cell.tokens if t.x0 >= 0]
    if len(tokens) < 2 or len(tokens) != len(cell.tokens) or overlapped(cell) < 2:
        return [cell]
    if keep_slashed and _slashed(cell):
        rule = next((q for q, t in enumerate(tokens) if t.norm == _RULE), None)
        if rule is None:
            return [cell]  # read whole by the name / mother columns
        parts = [
            Cell(tuple(c), min(t.x0 for t in c), max(t.x1 for t in c))
            for c in (tokens[:rule], tokens[rule + 1 :])
            if c
        ]
        return [q for p in parts for q in _split_spanning(p, headers, keep_slashed)]
    # tokens are in reading order (right to left); a gap is between a token's left edge and the
    # right edge of the next word (tokens of one OCR word share its box and have no gap)
    gaps = [
        (tokens[q].x0 - tokens[q + 1].x1, q + 1)
        for q in range(len(tokens) - 1)
        if (tokens[q].x0, tokens[q].x1) != (tokens[q + 1].x0, tokens[q + 1].x1)
    ]
    if not gaps:
        return [cell]
    _gap, at = max(gaps)
    rule = next((q for q in range(1, len(tokens) - 1) if tokens[q].norm == _RULE), None)
    chunks = (tokens[:at], tokens[at:]) if rule is None else (tokens[:rule], tokens[rule + 1 :])
    parts = []
    for chunk in chunks:
        part = Cell(tuple(chunk), min(t.x0 for t in chunk), max(t.x1 for t in chunk))
        parts.extend(_split_spanning(part, headers, keep_slashed))
    return parts


def _without_rules(line: Line) -> Line:
    """The row with table rules read as letters taken off its words (see strip_rule_glyph)."""
    return Line(tuple(Cell(tuple(strip_rule_glyph(t) for t in c.tokens), c.x0, c.x1) for c in line.cells))


def read_row(line: Line, columns: list[tuple[Cell | None, list[str]]], name_label: str) -> Draft:
    """One table row read into a draft, cells assigned to the header's columns; a row whose birth cell
    gave no year takes the one lone early year of the row (OCR moved it into another column)."""
    draft = _read_row(_without_rules(line), columns, name_label)
    if draft.birth_date is None:
        found = lone_birth_year(line.tokens, latest=BIRTH_BEFORE - 1)
        if found:
            tok = line.tokens[found[0]]
            draft.birth_date = found[1]
            draft.year_tokens.append((tok, tok, found[1]))
    return draft


def _read_row(line: Line, columns: list[tuple[Cell | None, list[str]]], name_label: str) -> Draft:
    draft = Draft()
    if any(fs == [_HALF_READ] for _c, fs in columns):
        columns = _settle_half_read(line, columns)
    if len(columns) == 1 or any(c is None for c, _f in columns) or all(c.x0 < 0 for c in line.cells):
        fields = [f for _c, fs in columns for f in fs]
        _read_segment(list(line.tokens), fields, name_label, draft)
        return draft
    centres = [((c.x0 + c.x1) / 2 if c else 0.0) for c, _f in columns]
    assigned: list[list[Token]] = [[] for _ in columns]
    headers = [c for c, _f in columns if c is not None]
    pair = next(
        (k for k in range(len(columns) - 1) if columns[k][1] == ["name"] and columns[k + 1][1] == ["mother"]),
        None,
    )
    for cell in (part for c in line.cells for part in _split_spanning(c, headers, pair is not None)):
        if pair is not None and _slashed(cell) and _overlaps(cell, columns[pair][0]):
            # "name / mother" over the name column: the slash divides the two columns
            slash = next(q for q, t in enumerate(cell.tokens) if t.norm == "/")
            assigned[pair].extend(cell.tokens[:slash])
            assigned[pair + 1].extend(cell.tokens[slash + 1 :])
            continue
        centre = (cell.x0 + cell.x1) / 2
        # a cell inside a header column's extent goes there; otherwise the nearest centre
        inside = [k for k, (c, _f) in enumerate(columns) if c and c.x0 - 5 <= centre <= c.x1 + 5]
        k = inside[0] if inside else min(range(len(columns)), key=lambda q: abs(centres[q] - centre))
        assigned[k].extend(cell.tokens)
    # a name column with fewer than three units next to a mother column with several: the family
    # name was read into the mother's cell
    for k, (_c, fields) in enumerate(columns[:-1]):
        if fields == ["name"] and columns[k + 1][1] == ["mother"]:
            if _slash_split(assigned, k):
                continue
            head_units = name_units([t for t in assigned[k] if is_word(t)])
            mother_units = name_units([t for t in assigned[k + 1] if is_word(t)])
            while head_units and len(head_units) < 3 and len(mother_units) > 1:
                head_units.append(mother_units.pop(0))
            assigned[k] = [t for u in head_units for t in u] or assigned[k]
            assigned[k + 1] = [t for u in mother_units for t in u] or assigned[k + 1]
    # words that landed in a serial-number column belong to the next column (e.g. "8 - علي ...")
    for k, (_c, fields) in enumerate(columns[:-1]):
        if fields == ["serial"]:
            first_word = next((q for q, t in enumerate(assigned[k]) if is_word(t)), None)
            if first_word is not None and sum(is_word(t) for t in assigned[k]) >= 2:
                assigned[k + 1] = assigned[k][first_word:] + assigned[k + 1]
                assigned[k] = assigned[k][:first_word]
    for (_c, fields), tokens in zip(columns, assigned, strict=True):
        if tokens:
            _read_segment(tokens, fields, name_label, draft)
    return draft
