"""OCR repairs of dates before they are parsed (normalised text in, repaired text and an offset map out).

Tesseract's errors around dates that can be undone without guessing a value:

- a month name misread by one letter (ديسمير, نوفبر, اكتور) when a year follows it;
- a table rule read as ``1`` and glued to the day before a month name (``127 اب 2011`` → 27) or to the
  year after it (``12016`` → 2016);
- the separator between month and year of a numeric date lost (``04/04 2014`` → ``04/04/2014``).

Nothing else is changed, so a clean text comes back as it was. ``Repaired.span`` maps a span of the
repaired text back onto the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_MONTHS = (
    "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "ايلول", "تشرين",
    "يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يونيه", "يوليو", "يوليه", "اغسطس",
    "سبتمبر", "اكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
# fuzzy matching only for names of 5+ letters (شباط is one letter from ضباط, ايار from ايام), never for
# real words one letter from a month name
_FUZZY = tuple(m for m in _MONTHS if len(m) >= 5)
_NOT_MONTHS = frozenset({"قانون", "كانوا", "انسان"})
_NB = r"(?![\u0621-\u064a])"
_PB = r"(?<![\u0621-\u064a])"
# one or two words, then an optional "/second name", then a year (maybe with a glued 1): the fuzzy candidates
_MONTH_THEN_YEAR = re.compile(
    rf"{_PB}(?P<w>[\u0621-\u064a]{{4,8}}){_NB}(?:\s+(?:الاول|الثاني|اول|ثاني))?"
    rf"(?:\s*/\s*(?P<w2>[\u0621-\u064a]{{4,8}}){_NB})?\s*(?P<y>\d{{4,5}})(?!\d)"
)
_MONTH_ALT = "|".join((*_MONTHS, "اب"))
_GLUED_DAY = re.compile(rf"(?<![\d/.-])1(?P<d>[0-3]\d)(?=\s*(?:من\s+)?{_PB}(?:{_MONTH_ALT}){_NB})")
_GLUED_YEAR = re.compile(
    rf"{_PB}(?:{_MONTH_ALT}){_NB}[\u0621-\u064a\s/]{{0,20}}?\s1(?P<y>(?:19|20)\d\d)(?!\d)"
)
_LOST_SEP = re.compile(r"(?<![\d/.-])\d{1,2}(?P<sep>[/.-])\d{1,2}(?P<gap>\s)(?:19|20)\d\d(?![\d/.-])")


@dataclass(frozen=True)
class Repaired:
    """Repaired text, and for each of its characters the index of the input character it came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Input ``[start, end)`` of a repaired span."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def _month_fix(word: str) -> str | None:
    """The month name one letter away from ``word`` (None when ``word`` is one or is none)."""
    if word in _MONTHS or word in _NOT_MONTHS or len(word) < 4:
        return None
    hit = process.extractOne(word, _FUZZY, scorer=Levenshtein.distance, score_cutoff=1)
    return hit[0] if hit else None


def _edits(norm: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits of the input, not overlapping."""
    edits: list[tuple[int, int, str]] = []
    for m in _MONTH_THEN_YEAR.finditer(norm):
        for group in ("w", "w2"):
            fixed = _month_fix(m.group(group)) if m.group(group) else None
            if fixed:
                edits.append((m.start(group), m.end(group), fixed))
    for m in _GLUED_DAY.finditer(norm):
        if 1 <= int(m.group("d")) <= 31:
            edits.append((m.start(), m.start("d"), ""))
    for m in _GLUED_YEAR.finditer(norm):
        edits.append((m.start("y") - 1, m.start("y"), ""))
    for m in _LOST_SEP.finditer(norm):
        edits.append((m.start("gap"), m.end("gap"), m.group("sep")))
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for e in edits:
        if not kept or e[0] >= kept[-1][1]:
            kept.append(e)
    return kept


def repair(norm: str) -> Repaired:
    """``norm`` with the module's repairs applied (unchanged when there is nothing to repair)."""
    edits = _edits(norm)
    if not edits:
        return Repaired(norm, tuple(range(len(norm) + 1)))
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for start, end, new in edits:
        parts.append(norm[pos:start])
        origin.extend(range(pos, start))
        parts.append(new)
        origin.extend(min(start + i, max(start, end - 1)) for i in range(len(new)))
        pos = end
    parts.append(norm[pos:])
    origin.extend(range(pos, len(norm) + 1))
    return Repaired("".join(parts), tuple(origin))
