"""The digit pass on real rendered glyphs: fonts the classifier never saw, garbled words, letters."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from athar.records import OcrWord
from ocr import digits, glyphs
from tests.synth import EASTERN, FONTS

PX = 46  # 11 pt at 300 dpi, as tests/synth.py draws pages


def draw_line(
    segments: list[str], font: str, px: int = PX
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """One binarised text line (ink 0, paper 255) and the ink box of each segment, drawn left to right."""
    fnt = ImageFont.truetype(FONTS[font], px, layout_engine=ImageFont.Layout.RAQM)
    img = Image.new("L", (px * 4 * (len(segments) + 1) * 3, px * 3), 255)
    draw = ImageDraw.Draw(img)
    boxes = []
    x = px
    for text in segments:
        box = draw.textbbox((x, px), text, font=fnt, direction="rtl", language="ar")
        draw.text((x, px), text, font=fnt, fill=0, direction="rtl", language="ar")
        boxes.append((int(box[0]), int(box[1]), int(box[2]), int(box[3])))
        x = int(box[2]) + px // 3  # a word space
    gray = np.asarray(img)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary, boxes


def words_for(
    segments: list[tuple[str, str, float]], boxes: list[tuple[int, int, int, int]]
) -> list[OcrWord]:
    """Words as Tesseract would hand them over: (drawn text, what Tesseract read, confidence) per box."""
    return [
        OcrWord(read, conf, box, line=1, block=1)
        for (_, read, conf), box in zip(segments, boxes, strict=True)
    ]


def read_components(binary: np.ndarray, allowed: str) -> str:
    comps = glyphs.components(binary, 4)
    height = float(np.median([b[3] - b[1] for _, b in comps if b[3] - b[1] > 0.5 * PX * 0.5]))
    vectors = np.asarray([glyphs.features(mask, height) for mask, _ in comps])
    return "".join(label for label, _ in glyphs.classify_many(vectors, allowed))


def test_templates_are_not_built_from_the_test_fonts() -> None:
    used = {str(name) for name in np.load(glyphs.TEMPLATES)["fonts"]}
    assert len(used) >= 50
    assert not used & {Path(path).name for path in FONTS.values()}


@pytest.mark.parametrize("font", sorted(FONTS))
def test_digits_of_fonts_never_seen_are_read(font: str) -> None:
    # ٢ and ٣ differ only by a tooth; ٥ and ٠/0 by size: every digit drawn twice, in both sets.
    eastern = "٢٣٤٥٦٧٨٩١٢٣٥"
    binary, _ = draw_line([eastern], font)
    assert read_components(binary, glyphs.EASTERN_SET) == eastern
    western = "234567891235"
    binary, _ = draw_line([western], font)
    assert read_components(binary, glyphs.WESTERN_SET) == western


@pytest.mark.parametrize("font", sorted(FONTS))
def test_a_garbled_eastern_date_is_replaced_by_the_glyph_reading(font: str) -> None:
    date = "١٢/٣/٢٠١٣"
    segments = [("تاريخ", "تاريخ", 91.0), ("التوقيف", "التوقيف", 90.0), (date, "6م4١", 41.0)]
    binary, boxes = draw_line([s for s, _, _ in segments], font)
    out, stats = digits.recover_digits(words_for(segments, boxes), binary)
    assert [w.text for w in out] == ["تاريخ", "التوقيف", date]
    assert stats == {"numbers": 1, "changed": 1}


@pytest.mark.parametrize("font", sorted(FONTS))
def test_a_number_tesseract_did_not_see_is_inserted(font: str) -> None:
    number = "02356789041".translate(EASTERN)
    segments = [("الرقم", "الرقم", 92.0), (number, "", 0.0), ("الوطني", "الوطني", 92.0)]
    binary, boxes = draw_line([s for s, _, _ in segments], font)
    given = words_for(segments, boxes)
    out, stats = digits.recover_digits([given[2], given[0]], binary)  # Tesseract's order: right to left
    assert [w.text for w in out] == ["الوطني", number, "الرقم"]
    assert stats["numbers"] == 1


@pytest.mark.parametrize("font", sorted(FONTS))
def test_western_digits_tesseract_dropped_are_restored_and_a_good_reading_stands(font: str) -> None:
    # Tesseract read the register row 849 as "9" (confidently) and the year correctly.
    segments = [
        ("849", "9", 94.0),
        ("فراس", "فراس", 91.0),
        ("1965", "1965", 93.0),
        ("6/8/2012", "6662012", 83.0),
    ]
    binary, boxes = draw_line([s for s, _, _ in segments], font)
    out, stats = digits.recover_digits(words_for(segments, boxes), binary)
    assert [w.text for w in out] == ["849", "فراس", "1965", "6/8/2012"]
    assert out[2].conf == 93.0  # Tesseract's own word, kept
    assert stats["changed"] == 2


@pytest.mark.parametrize("font", sorted(FONTS))
def test_letters_are_not_turned_into_numbers(font: str) -> None:
    # Isolated ه and ة look like ٥, alef like ١, dots like ٠: none of it is a number.
    text = ["مدينة", "الله", "هو", "أمه", "آمنة", "وفاء", "عبد", "الإله", "إدلب", "حماه", "ه", "ا", "و"]
    segments = [(t, t, 90.0) for t in text]
    binary, boxes = draw_line(text, font)
    out, stats = digits.recover_digits(words_for(segments, boxes), binary)
    assert [w.text for w in out] == text
    assert stats["numbers"] == 0


def test_runs_of_letter_lookalikes_need_tesseract_to_have_seen_digits() -> None:
    # ١ ٠ ٥ alone are alef, dots and an isolated ه where Tesseract read letters or nothing ...
    assert not digits.plausible_number("١٠٠٥", 3.0, "")
    assert not digits.plausible_number("١٥٠", 3.0, "الله")
    # ... but the same glyphs are a number where Tesseract read digits, and other digits are a number anyway.
    assert digits.plausible_number("١٠٠٥", 3.0, "1005")
    assert digits.plausible_number("١٢٠٥", 3.0, "")
    assert not digits.plausible_number("١٢٠٥", digits.MAX_DISTANCE_FROM_LETTERS + 0.1, "")
    assert not digits.plausible_number("١٢", 3.0, "")  # two digits among letters: too easy to fake
