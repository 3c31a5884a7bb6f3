"""Second pass for numbers: dates, birth years, register and national ID numbers.

Tesseract's ``ara`` models can write only ٠ and ١ of the Eastern Arabic digits
and invent letters or Western digits for the rest (١٩٨٥ → 6م4١); they also cut
long numbers into fragments and glue fragments to neighbouring words. So this
pass does not trust Tesseract's word boxes for numbers. On each text line it
looks at the ink itself: Eastern digits never join, so every digit is one
connected component. Components that match a digit or separator glyph
(:mod:`ocr.glyphs`) and stand close together form a run; a run that reads as a
plausible number replaces the words it overlaps. Confident Western-digit
words from Tesseract are kept as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from athar.records import OcrWord
from ocr.glyphs import components, features, read_glyphs

DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
WESTERN_NUMBER = re.compile(r"^[0-9/\-.]+$")
# Worst distance of a glyph to the nearest prototype of its label, accepted where Tesseract read digits
# and where it read only letters (chosen on generated pages of seeds other than the benchmark's).
MAX_DISTANCE = 5.0
MAX_DISTANCE_FROM_LETTERS = 4.5
KEEP_WESTERN_CONF = 70.0  # a confident Western reading by Tesseract stands if the glyphs have its shape
RUN_GAP = 0.45  # digits of one number stand closer than this × digit height (ink to ink) ...
RUN_PITCH = 1.0  # ... or centre to centre: narrow ١ and ٠ have wide side bearings
# What a number looks like: digits, or digits joined by single separators (dates such as ١٢/٣/٢٠١٣).
NUMBER_SHAPE = re.compile(r"^[0-9\u0660-\u0669]+(?:[/\-][0-9\u0660-\u0669]+){0,2}$")
# Dots read as ٠, alef and lam as ١, an isolated ه or ة as ٥: letters can fake these. Where Tesseract saw only
# letters or nothing, a run of them alone is no number (on held-out pages: 1005, 150 and 5100 made of letters
# were all such runs, no true number was).
LETTER_LOOKALIKES = set("٠١٥0")


@dataclass(frozen=True)
class _Glyph:
    label: str
    distance: float
    box: tuple[int, int, int, int]  # page coordinates
    eastern: tuple[str, float]  # best reading among Eastern digits and separators
    western: tuple[str, float]  # best reading among Western digits and separators


def plausible_number(reading: str, distance: float, tesseract_text: str) -> bool:
    """Whether a glyph reading is a believable number, given what Tesseract read there."""
    if not NUMBER_SHAPE.match(reading):
        return False
    if DIGIT.search(tesseract_text):
        return distance <= MAX_DISTANCE
    digits = [c for c in reading if c not in "/-"]
    return distance <= MAX_DISTANCE_FROM_LETTERS and len(digits) >= 3 and not set(digits) <= LETTER_LOOKALIKES


def _shape(text: str) -> str:
    """Where the digits and separators stand (١٢/٣ → 99/9)."""
    return DIGIT.sub("9", text)


def _conf(distance: float) -> float:
    return round(max(1.0, 100.0 - 12.0 * distance), 2)


def _union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Share of box ``a``'s area inside box ``b``."""
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = max(1, (a[2] - a[0]) * (a[3] - a[1]))
    return w * h / area


def _line_candidates(
    binary: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[list[np.ndarray], list[tuple[int, int, int, int]], float]:
    """Feature vectors and page boxes of one text line's digit-sized components, and its digit height."""
    height, width = binary.shape[:2]
    x0, y0, x1, y1 = box
    pad = (y1 - y0) // 4
    x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad), min(height, y1 + pad)
    strip = binary[y0:y1, x0:x1]
    if strip.size == 0:
        return [], [], 0.0
    comps = components(strip, max(4, int(((y1 - y0) * 0.05) ** 2)))
    tall = [b[3] - b[1] for _, b in comps if (b[3] - b[1]) > 0.3 * (box[3] - box[1])]
    digit_height = float(np.median(tall)) if tall else float(box[3] - box[1])
    vectors, boxes = [], []
    for mask, (cx0, cy0, cx1, cy1) in comps:
        if cy1 - cy0 <= 1.6 * digit_height and cx1 - cx0 <= 1.6 * digit_height:  # else joined letters, rules
            vectors.append(features(mask, digit_height))
            boxes.append((x0 + cx0, y0 + cy0, x0 + cx1, y0 + cy1))
    return vectors, boxes, digit_height


def _page_glyphs(
    binary: np.ndarray, line_boxes: list[tuple[int, int, int, int]]
) -> list[tuple[list[_Glyph], float]]:
    """Digit-like glyphs and digit height of each line; all glyphs of the page are classified at once."""
    per_line = [_line_candidates(binary, box) for box in line_boxes]
    vectors = [v for line_vectors, _, _ in per_line for v in line_vectors]
    readings = iter(read_glyphs(np.asarray(vectors)) if vectors else [])
    out = []
    for _, boxes, digit_height in per_line:
        glyphs = []
        for box in boxes:
            r = next(readings)
            if r.distance <= MAX_DISTANCE:
                glyphs.append(_Glyph(r.label, r.distance, box, r.eastern, r.western))
        out.append((glyphs, digit_height))
    return out


def _runs(glyphs: list[_Glyph], digit_height: float) -> list[list[_Glyph]]:
    """Neighbouring glyphs on one baseline band, left to right."""
    runs: list[list[_Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.box[0]):
        if runs:
            last = runs[-1][-1]
            band = _union([g.box for g in runs[-1]])
            same_band = glyph.box[1] < band[3] and glyph.box[3] > band[1]
            pitch = (glyph.box[0] + glyph.box[2] - last.box[0] - last.box[2]) / 2
            close = glyph.box[0] - last.box[2] <= RUN_GAP * digit_height or pitch <= RUN_PITCH * digit_height
            if same_band and close:
                runs[-1].append(glyph)
                continue
        runs.append([glyph])
    return runs


def _read_run(run: list[_Glyph]) -> tuple[str, float]:
    """The run's text in one digit set (the set most glyphs matched; a Western 0 is an Eastern ٥)."""
    eastern = sum(1 for g in run if g.label in "٠١٢٣٤٥٦٧٨٩")
    western = sum(1 for g in run if g.label in "0123456789")
    readings = [g.eastern if eastern >= western else g.western for g in run]
    text = "".join(label for label, _ in readings).strip("/-")
    return text, max(distance for _, distance in readings)


def recover_digits(words: list[OcrWord], binary: np.ndarray) -> tuple[list[OcrWord], dict[str, int]]:
    """Find numbers in the ink of each line and put them in place of the words they overlap."""
    by_line: dict[int, list[int]] = defaultdict(list)
    for index, word in enumerate(words):
        by_line[word.line].append(index)
    replaced: dict[int, list[OcrWord]] = {}
    stats = {"numbers": 0, "changed": 0}
    line_boxes = [_union([words[i].bbox for i in indexes]) for indexes in by_line.values()]
    for (line, indexes), (glyphs, digit_height) in zip(
        by_line.items(), _page_glyphs(binary, line_boxes), strict=True
    ):
        line_words = [words[i] for i in indexes]
        for run in _runs(glyphs, digit_height):
            text, distance = _read_run(run)
            if sum(ch.isdigit() for ch in text) < 2:
                continue
            box = _union([g.box for g in run])
            covered = [
                i for i in indexes if _overlap(words[i].bbox, box) > 0.5 or _overlap(box, words[i].bbox) > 0.5
            ]
            covered = [i for i in covered if i not in replaced]
            old = " ".join(words[i].text for i in covered)
            western_run = not any("٠" <= ch <= "٩" for ch in text)
            confident_western = (
                len(covered) == 1
                and WESTERN_NUMBER.match(old)
                and words[covered[0]].conf >= KEEP_WESTERN_CONF
            )
            if western_run and confident_western and _shape(old) == _shape(text):
                # Western digits: Tesseract reads their values well; but it drops digits in table cells
                # (849 → 9) and reads separators as digits (6/8/2012 → 6662012), so the glyphs win there.
                continue
            if not plausible_number(text, distance, old):
                continue
            new = OcrWord(text, _conf(distance), box, line=line, block=line_words[0].block)
            stats["numbers"] += 1
            stats["changed"] += int(text != old)
            if covered:
                replaced[covered[0]] = [new]
                for i in covered[1:]:
                    replaced[i] = []
            else:  # Tesseract saw nothing there: put it in reading (right-to-left) order
                after = [i for i in indexes if words[i].bbox[0] > box[0] and i not in replaced]
                anchor = max(after) if after else None
                if anchor is None:
                    first = min(indexes)
                    replaced[first] = [new, *replaced.get(first, [words[first]])]
                else:
                    replaced[anchor] = [*replaced.get(anchor, [words[anchor]]), new]
    out: list[OcrWord] = []
    for index, word in enumerate(words):
        out.extend(replaced.get(index, [word]))
    return out, stats
