"""Page images for display: drawn again from the original they line up with the OCR word boxes.

Real Tesseract, real poppler: no search node needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from athar.errors import CorruptFileError
from athar.records import OcrWord, PageImage
from athar.settings import Settings, load_settings
from tests import synth
from web import scan


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings().with_(data_dir=tmp_path / "data")


def _gray(path: Path | str, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L").resize(size, Image.Resampling.BILINEAR), dtype=np.float32)


def test_a_turned_skewed_scan_is_redrawn_like_the_ocr_upright_image(
    settings: Settings, tmp_path: Path
) -> None:
    from ocr.recognize import recognize_page

    truth = synth.make_page(5, "court_record", rows=2)
    skewed, _ = synth.degrade(synth.render_page(truth, seed=5, font="amiri"), "rotate", seed=5)
    original = tmp_path / "original.png"
    synth.rotate_quarter(skewed, 1).save(original, dpi=(300, 300))  # sideways and skewed
    with Image.open(original) as img:
        image = PageImage("c" * 64, 1, str(original), 300, img.width, img.height)
    page = recognize_page(image, settings, work_dir=tmp_path / "work")
    assert page.image and page.preprocessing.rotation in (90, 270) and abs(page.preprocessing.skew_angle) > 1
    layout = scan.PageLayout(
        page.width,
        page.height,
        page.words,
        dpi=300,
        rotation=page.preprocessing.rotation,
        skew=page.preprocessing.skew_angle,
    )
    drawn = scan.page_image(settings, "c" * 64, 1, layout, original)
    with Image.open(drawn) as img:
        size = img.size
        assert abs(img.width / img.height - page.width / page.height) < 0.01
    reference = _gray(page.image, size)
    redrawn = _gray(drawn, size)
    naive = _gray(original, size)  # the scan as found, not turned or deskewed
    assert np.abs(redrawn - reference).mean() < 0.5 * np.abs(naive - reference).mean()
    # a word box covers ink on the redrawn page just as on the OCR's own image
    scale = size[0] / page.width
    ink = 0
    for word in page.words[:20]:
        x0, y0, x1, y1 = (round(v * scale) for v in word.bbox)
        ink += int((redrawn[y0:y1, x0:x1] < 128).any())
    assert ink >= 18


def test_one_pdf_page_is_rendered_at_the_ocr_size(settings: Settings, tmp_path: Path) -> None:
    pages = [synth.render_page(synth.make_page(s, "death_report", rows=1), seed=s) for s in (1, 2)]
    pdf = tmp_path / "two.pdf"
    synth.write_pdf(pages, pdf)
    layout = scan.PageLayout(width=874, height=1240, words=(), dpi=100)
    drawn = scan.page_image(settings, "d" * 64, 2, layout, pdf)
    second = _gray(drawn, (874, 1240))
    assert np.abs(second - _gray_of(pages[1])).mean() < np.abs(second - _gray_of(pages[0])).mean()
    with pytest.raises(scan.PageNotFoundError):
        scan.page_image(settings, "d" * 64, 3, layout, pdf)


def _gray_of(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L").resize((874, 1240), Image.Resampling.BILINEAR), dtype=np.float32)


def test_a_damaged_original_gets_a_code(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(CorruptFileError):
        scan.page_image(settings, "e" * 64, 1, scan.PageLayout(100, 100, ()), broken)


def test_query_words_match_ocr_words_across_spelling_variants() -> None:
    words = tuple(
        OcrWord(text, 90.0, (0, 0, 10, 10)) for text in ("أحمد", "والخطيب", "مدرسة،", "سجن", "صيدنايا", "AND")
    )
    terms = scan.query_terms('"احمد الخطيب" AND مدرسه OR title:صيدنايا NOT سجن')
    assert terms == ["احمد", "الخطيب", "مدرسه", "صيدنايا", "سجن"]
    assert scan.matching_words(words, terms) == [0, 1, 2, 3, 4]
    assert scan.matching_words(words, []) == []


def test_hocr_words_and_page_size_are_read() -> None:
    markup = (
        "<div class='ocr_page' title='image \"x.png\"; bbox 0 0 800 600; ppageno 0'>"
        "<span class='ocr_line' title='bbox 10 10 300 40'>"
        "<span class='ocrx_word' title='bbox 200 10 300 40; x_wconf 91'>سجن</span> "
        "<span class='ocrx_word' title='bbox 10 10 190 40; x_wconf 77'><strong>صيدنايا</strong></span>"
        "</span></div>"
    )
    size, words = scan.parse_hocr(markup)
    assert size == (800, 600)
    assert [(w.text, w.conf, w.bbox) for w in words] == [
        ("سجن", 91.0, (200, 10, 300, 40)),
        ("صيدنايا", 77.0, (10, 10, 190, 40)),
    ]
