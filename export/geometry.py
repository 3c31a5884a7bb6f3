"""Boxes: overlap, unions, the words of a text span, the lines of a page."""

from __future__ import annotations

from athar.records import BBox, OcrPage, OcrWord


def area(box: BBox) -> int:
    """Pixel area of a box (0 for an empty or inverted one)."""
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes, 0.0-1.0."""
    inter = area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def union(boxes: list[BBox] | tuple[BBox, ...]) -> BBox:
    """The smallest box around all ``boxes`` (a zero box for none)."""
    if not boxes:
        return (0, 0, 0, 0)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def span_words(page: OcrPage, start: int, end: int) -> list[int]:
    """Indices of the page's words whose text overlaps ``page.text[start:end]``."""
    return [i for i, (a, b) in enumerate(page.word_spans()) if a < end and b > start]


def span_box(page: OcrPage, start: int, end: int) -> BBox:
    """The box around the words of a text span (a zero box if none)."""
    return union([page.words[i].bbox for i in span_words(page, start, end)])


def lines(words: tuple[OcrWord, ...] | list[OcrWord]) -> dict[int, list[int]]:
    """Line number -> indices of its words, in reading order."""
    found: dict[int, list[int]] = {}
    for i, word in enumerate(words):
        found.setdefault(word.line, []).append(i)
    return found


def line_box(page: OcrPage, line: int) -> BBox:
    """The box around one line's words."""
    return union([page.words[i].bbox for i in lines(page.words).get(line, [])])


def best_match(box: BBox, candidates: list[tuple[int, BBox]]) -> tuple[int | None, float]:
    """The candidate (id, box) overlapping ``box`` most, and that overlap (None, 0.0 if none overlaps)."""
    best: int | None = None
    score = 0.0
    for ident, other in candidates:
        value = iou(box, other)
        if value > score:
            best, score = ident, value
    return best, score
