"""Lines and table cells of a page, as tokens that point into the page text.

From plain text: one line per text line, one cell per line. From OCR word boxes: rows rebuilt from
the boxes' vertical centres (Tesseract's line order in tables is unreliable), words ordered right to
left, and cells split where the horizontal gap between words is wide. Every token keeps its span in
the page's ``text`` so persons found in rows still point at the original text.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from athar.arabic import normalize_arabic
from athar.records import OcrPage, OcrWord
from nlp.text import NormText

TOKEN = re.compile(r"[\u0621-\u064a]+|\d+(?:[/.-]\d+)*|[^\s\u0621-\u064a\d]")


@dataclass(frozen=True)
class Token:
    """A word, number or punctuation mark: normalised text and span in the page text."""

    norm: str
    start: int
    end: int


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
        tokens = []
        for m in TOKEN.finditer(norm, pos, end):
            a, b = text.span(m.start(), m.end())
            tokens.append(Token(m.group(0), a, b))
        if tokens:
            lines.append(Line((Cell(tuple(tokens)),)))
        pos = end + 1
    return lines


def _word_spans(page: OcrPage) -> list[tuple[int, int]]:
    """Span of each OCR word in ``page.text`` (searched in order; unfound words take the cursor)."""
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


def lines_from_words(page: OcrPage) -> list[Line]:
    """Rows and cells rebuilt from the OCR word boxes of a page."""
    words = [(w, span) for w, span in zip(page.words, _word_spans(page), strict=True) if w.text.strip()]
    if not words:
        return []
    height = statistics.median(max(1, w.bbox[3] - w.bbox[1]) for w, _ in words)
    ordered = sorted(words, key=lambda ws: (ws[0].bbox[1] + ws[0].bbox[3]) / 2)
    rows: list[list[tuple[OcrWord, tuple[int, int]]]] = []
    centre = -1e9
    for item in ordered:
        cy = (item[0].bbox[1] + item[0].bbox[3]) / 2
        if rows and abs(cy - centre) <= 0.5 * height:
            rows[-1].append(item)
            centre = sum((w.bbox[1] + w.bbox[3]) / 2 for w, _ in rows[-1]) / len(rows[-1])
        else:
            rows.append([item])
            centre = cy
    gap_limit = 1.2 * height
    lines = []
    for row in rows:
        row.sort(key=lambda ws: -ws[0].bbox[2])  # right to left
        cells: list[Cell] = []
        current: list[tuple[OcrWord, tuple[int, int]]] = []
        for item in row:
            if current and current[-1][0].bbox[0] - item[0].bbox[2] > gap_limit:
                cells.append(_cell(current))
                current = []
            current.append(item)
        if current:
            cells.append(_cell(current))
        cells = [c for c in cells if c.tokens]
        if cells:
            lines.append(Line(tuple(cells)))
    return lines


def _cell(items: list[tuple[OcrWord, tuple[int, int]]]) -> Cell:
    tokens: list[Token] = []
    for word, (a, b) in items:
        norm = normalize_arabic(word.text)
        parts = list(TOKEN.finditer(norm))
        for part in parts:
            tokens.append(Token(part.group(0), a, b))
    return Cell(tuple(tokens), min(w.bbox[0] for w, _ in items), max(w.bbox[2] for w, _ in items))
