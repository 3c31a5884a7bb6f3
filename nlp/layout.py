"""Lines and table cells of a page, as tokens that point into the page text.

From plain text: one line per text line, one cell per line. From OCR word boxes: rows rebuilt from
the boxes' vertical centres (Tesseract's line order in tables is unreliable), words ordered right to
left, and cells split where the horizontal gap between words is wide. Every token keeps its span in
the page's ``text`` so persons found in rows still point at the original text.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from athar.arabic import normalize_with_offsets
from athar.records import OcrPage, OcrWord, join_words
from nlp.text import NormText

TOKEN = re.compile(r"[\u0621-\u064a]+|\d+(?:[/.-]\d+)*|[^\s\u0621-\u064a\d]")


# letters a word-final hamza can follow (سماء، ضوء، شيء); after any other letter a final ء is the Arabic
# comma as Tesseract's ara model reads it (its character set lacks ،): "آمنةء" is "آمنة،"
_HAMZA_SEATS = frozenset("اأإآوؤيىئ")


def _parts(norm: str, pos: int, end: int) -> list[tuple[str, int, int]]:
    """Tokens of ``norm[pos:end]`` as (text, start, end), a comma read as a final hamza split off."""
    out = []
    for m in TOKEN.finditer(norm, pos, end):
        word = m.group(0)
        if len(word) >= 3 and word[-1] == "ء" and word[-2] not in _HAMZA_SEATS:
            out.append((word[:-1], m.start(), m.end() - 1))
            out.append(("،", m.end() - 1, m.end()))
        else:
            out.append((word, m.start(), m.end()))
    return out


@dataclass(frozen=True)
class Token:
    """A word, number or punctuation mark: normalised text and span in the page text."""

    norm: str
    start: int
    end: int
    x0: int = -1  # horizontal extent of the OCR word it came from (-1: unknown, plain text)
    x1: int = -1


@dataclass(frozen=True)
class Cell:
    tokens: tuple[Token, ...]
    x0: int = -1  # horizontal extent on the page image (-1: unknown, plain text)
    x1: int = -1


@dataclass(frozen=True)
class Line:
    cells: tuple[Cell, ...]

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(t for c in self.cells for t in c.tokens)


def lines_from_text(text: NormText) -> list[Line]:
    """One line (with one cell) per line of the normalised text."""
    lines: list[Line] = []
    pos = 0
    norm = text.norm
    while pos <= len(norm):
        end = norm.find("\n", pos)
        if end < 0:
            end = len(norm)
        line = _text_line(text, pos, end)
        if line is not None:
            lines.append(line)
        pos = end + 1
    return lines


# pseudo page width of one tab-separated column, so the table reader aligns text cells as it does boxes
TAB_COLUMN = 1000
_TAB_GAP = 100
MAX_TAB_COLUMNS = 64  # columns of a tab-separated line are placed from the right edge of this many


def _text_line(text: NormText, pos: int, end: int) -> Line | None:
    """One text line; tab-separated cells (tables pasted or exported as text) become cells with pseudo
    extents, right to left by column index, so rows line up with their header's columns. The index
    counts every tab, so an empty cell (two tabs, or a row that ends early) keeps the columns after
    it in place."""
    groups: list[tuple[int, list[Token]]] = [(0, [])]
    previous = text.span(pos, pos)[0] if pos < len(text.norm) else -1  # leading tabs count too
    for word, ws, we in _parts(text.norm, pos, end):
        a, b = text.span(ws, we)
        tabs = text.original.count("\t", previous, a) if previous >= 0 else 0
        if tabs:
            groups.append((groups[-1][0] + tabs, []))
        groups[-1][1].append(Token(word, a, b))
        previous = b
    groups = [(k, g) for k, g in groups if g]
    if len(groups) <= 1 and all(k == 0 for k, _g in groups):
        return Line((Cell(tuple(groups[0][1])),)) if groups else None
    cells = []
    for k, group in groups:
        x1 = (MAX_TAB_COLUMNS - min(k, MAX_TAB_COLUMNS - 1)) * TAB_COLUMN
        x0 = x1 - TAB_COLUMN + _TAB_GAP
        cells.append(Cell(tuple(Token(t.norm, t.start, t.end, x0, x1) for t in group), x0, x1))
    return Line(tuple(cells))


def _word_spans(page: OcrPage) -> list[tuple[int, int]]:
    """Span of each OCR word in ``page.text``: exact when the text was built from the words by the
    OCR stage's rule, otherwise searched in order (unfound words take the cursor)."""
    joined, exact = join_words(page.words)
    if joined == page.text:
        return exact
    spans = []
    cursor = 0
    text = page.text
    for word in page.words:
        found = text.find(word.text, cursor) if word.text else -1
        if found < 0 and word.text:
            found = text.find(word.text)
        if found < 0:
            spans.append((cursor, cursor))
            continue
        spans.append((found, found + len(word.text)))
        if found >= cursor:
            cursor = found + len(word.text)
    return spans


def _sane_boxes(words: Sequence[OcrWord]) -> list[tuple[int, int, int, int]]:
    """Word boxes with implausibly wide boxes cut back to their text's width.

    Some OCR words come back with a box reaching the line's right edge (seen on Tesseract word boxes
    of lines mixing digits and letters); the left edge stays right, so the width is rebuilt from it.
    """
    per_char = [(w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words if w.text]
    char_w = statistics.median(per_char) if per_char else 20.0
    out = []
    for w in words:
        x0, y0, x1, y1 = w.bbox
        limit = 2.5 * char_w * (len(w.text) + 1)
        if x1 - x0 > limit:
            x1 = int(x0 + char_w * len(w.text))
        out.append((x0, y0, x1, y1))
    return out


def lines_from_words(page: OcrPage) -> list[Line]:
    """Rows and cells rebuilt from the OCR word boxes of a page."""
    kept = [(w, span) for w, span in zip(page.words, _word_spans(page), strict=True) if w.text.strip()]
    if not kept:
        return []
    boxes = _sane_boxes([w for w, _ in kept])
    words = [(w, span, box) for (w, span), box in zip(kept, boxes, strict=True)]
    height = statistics.median(max(1, b[3] - b[1]) for _w, _s, b in words)
    ordered = sorted(words, key=lambda item: (item[2][1] + item[2][3]) / 2)
    rows: list[list[tuple[OcrWord, tuple[int, int], tuple[int, int, int, int]]]] = []
    centre = -1e9
    for item in ordered:
        cy = (item[2][1] + item[2][3]) / 2
        if rows and abs(cy - centre) <= 0.5 * height:
            rows[-1].append(item)
            centre = sum((b[1] + b[3]) / 2 for _w, _s, b in rows[-1]) / len(rows[-1])
        else:
            rows.append([item])
            centre = cy
    gap_limit = 1.2 * height
    lines = []
    for row in rows:
        row.sort(key=lambda item: -(item[2][0] + item[2][2]))  # right to left by centre
        cells = [_cell(group) for group in _split_cells(row, gap_limit)]
        cells = [c for c in cells if c.tokens]
        if cells:
            lines.append(Line(tuple(cells)))
    return lines


_Item = tuple[OcrWord, tuple[int, int], tuple[int, int, int, int]]
_LETTER = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_DIGIT = re.compile(r"\d")


def _weak(word: OcrWord) -> bool:
    """OCR crumbs that must not join two cells: marks without letters or digits (. | > -), and one or
    two digits read with low confidence (specks and table rules read as 0 or 00)."""
    text = word.text.strip()
    if _LETTER.search(text):
        return False
    if not _DIGIT.search(text):
        return True
    return len(text) <= 2 and word.conf < 60


def _split_cells(row: list[_Item], gap_limit: float) -> list[list[_Item]]:
    """Cells of a row (items right to left): a new cell where the gap between neighbouring words is
    wider than ``gap_limit``. Gaps are measured between real words only; a crumb lying between two
    columns joins the nearer cell instead of bridging them."""
    solid = [item for item in row if not _weak(item[0])]
    if not solid:
        solid = row
    groups: list[list[_Item]] = []
    for item in solid:
        if groups and min(b[0] for *_x, b in groups[-1]) - item[2][2] > gap_limit:
            groups.append([])
        if not groups:
            groups.append([])
        groups[-1].append(item)
    if len(solid) == len(row):
        return groups
    extents = [(min(b[0] for *_x, b in g), max(b[2] for *_x, b in g)) for g in groups]
    kept = {id(item) for item in solid}
    for item in row:
        if id(item) in kept:
            continue
        x0, x1 = item[2][0], item[2][2]
        distance = [max(0, a - x1, x0 - b) for a, b in extents]
        k = min(range(len(groups)), key=lambda q: distance[q])
        if distance[k] <= gap_limit:
            groups[k].append(item)
        else:
            groups.append([item])
            extents.append((x0, x1))
    for g in groups:
        g.sort(key=lambda item: -(item[2][0] + item[2][2]))
    groups.sort(key=lambda g: -max(b[2] for *_x, b in g))
    return groups


def _cell(items: list[tuple[OcrWord, tuple[int, int], tuple[int, int, int, int]]]) -> Cell:
    tokens: list[Token] = []
    for word, (a, b), box in items:
        norm, offsets = normalize_with_offsets(word.text)
        exact = b - a == len(word.text)  # the word was found in the page text
        for part, ps, pe in _parts(norm, 0, len(norm)):
            # a part's own span inside the word, so a crumb glued to a name (".زينب") stays out of it
            s, e = (a + offsets[ps], a + offsets[pe - 1] + 1) if exact else (a, b)
            tokens.append(Token(part, s, e, box[0], box[2]))
    return Cell(tuple(tokens), min(box[0] for *_x, box in items), max(box[2] for *_x, box in items))
