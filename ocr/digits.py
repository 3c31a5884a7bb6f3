"""Second pass for numbers: dates, birth years, register and national ID numbers.

Tesseract's ``ara`` models can write only ٠ and ١ of the Eastern Arabic digits
and invent letters or Western digits for the rest (١٩٨٥ → 6م4١), and they
break long numbers into fragments. This pass re-reads each word box as a row
of isolated glyphs with :mod:`ocr.glyphs` (Eastern digits never join, so one
connected component is one digit): a word all of whose components are
confident digit or separator glyphs is a number. Neighbouring number
fragments on a line are merged and re-read as one number, so a national ID
split in three comes back whole. Confident Western-digit readings from
Tesseract are kept as they are.
"""

from __future__ import annotations

import re

import numpy as np

from athar.records import OcrWord
from ocr.glyphs import read_number

DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
WESTERN_NUMBER = re.compile(r"^[0-9/\-.]+$")
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
MAX_DISTANCE = 5.0  # worst glyph distance accepted; measured: digits 2-4.8, letters 5.5-7.5
KEEP_WESTERN_CONF = 70.0
STRONG_WORD_CONF = 90.0  # a letter word Tesseract is this sure of is never turned into a number
MERGE_GAP = 1.2  # fragments closer than this × height join


def _crop(binary: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    h, w = binary.shape[:2]
    return binary[max(0, y0 - 2) : min(h, y1 + 2), max(0, x0 - 2) : min(w, x1 + 2)]


def _one_digit_set(text: str) -> str:
    """Glyph readings can mix ١ and 1: write all digits in the set most of them use."""
    eastern = sum(1 for c in text if "٠" <= c <= "٩")
    western = sum(1 for c in text if c.isascii() and c.isdigit())
    return text.translate(EASTERN) if eastern >= western else text.translate(WESTERN)


def _conf(distance: float) -> float:
    return round(max(1.0, 100.0 - 12.0 * distance), 2)


def _union(words: list[OcrWord]) -> tuple[int, int, int, int]:
    return (
        min(w.bbox[0] for w in words),
        min(w.bbox[1] for w in words),
        max(w.bbox[2] for w in words),
        max(w.bbox[3] for w in words),
    )


def _read(binary: np.ndarray, box: tuple[int, int, int, int]) -> tuple[str, float] | None:
    found = read_number(_crop(binary, box), max(1.0, box[3] - box[1]), MAX_DISTANCE)
    return (_one_digit_set(found[0]), found[1]) if found else None


def recover_digits(words: list[OcrWord], binary: np.ndarray) -> tuple[list[OcrWord], dict[str, int]]:
    """Re-read number words from their glyphs; returns corrected words and counts (numbers, changed)."""
    readings: list[tuple[str, float] | None] = []
    for word in words:
        keep = WESTERN_NUMBER.match(word.text) and word.conf >= KEEP_WESTERN_CONF
        strong_letters = not DIGIT.search(word.text) and word.conf >= STRONG_WORD_CONF
        readings.append(None if keep or strong_letters else _read(binary, word.bbox))
    number_like = [
        r is not None or (WESTERN_NUMBER.match(w.text) is not None)
        for w, r in zip(words, readings, strict=True)
    ]

    out: list[OcrWord] = []
    stats = {"numbers": 0, "changed": 0}
    i = 0
    while i < len(words):
        if not number_like[i]:
            out.append(words[i])
            i += 1
            continue
        j = i + 1
        while (
            j < len(words)
            and number_like[j]
            and words[j].line == words[i].line
            and _gap(words[j - 1], words[j]) <= MERGE_GAP * max(1, words[j].bbox[3] - words[j].bbox[1])
        ):
            j += 1
        group = words[i:j]
        merged = _read(binary, _union(group)) if len(group) > 1 else None
        if merged is not None:
            text, distance = merged
            out.append(
                OcrWord(text, _conf(distance), _union(group), line=group[0].line, block=group[0].block)
            )
            stats["numbers"] += 1
            stats["changed"] += int(text != " ".join(w.text for w in group))
        else:
            for k in range(i, j):
                reading = readings[k]
                if reading is None:
                    out.append(words[k])
                    continue
                text, distance = reading
                word = words[k]
                out.append(OcrWord(text, _conf(distance), word.bbox, line=word.line, block=word.block))
                stats["numbers"] += 1
                stats["changed"] += int(text != word.text)
        i = j
    return out, stats


def _gap(a: OcrWord, b: OcrWord) -> int:
    return max(0, max(a.bbox[0], b.bbox[0]) - min(a.bbox[2], b.bbox[2]))
