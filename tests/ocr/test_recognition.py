"""Real Tesseract on generated pages: error bounds on clean and degraded pages, numbers, orientation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from athar.records import PageImage
from athar.settings import Settings
from ocr.recognize import CLEAN_NOISE_LEVEL, has_dark_areas, recognize_page
from ocr.text import BIDI_CONTROLS
from tests.synth import DOC_TYPES, degrade, make_page, render_page, rotate_quarter, to_western


def bag_cer(truth: str, ocr: str) -> float:
    """Reading-order-insensitive CER (sorted words), digits compared by value."""
    t = " ".join(sorted(to_western(truth).split()))
    o = " ".join(sorted(to_western(ocr).split()))
    return Levenshtein.distance(t, o) / len(t)


def numbers_found(truth_numbers: tuple[str, ...], text: str) -> float:
    found = re.findall(r"[0-9]+", to_western(text))
    return sum(1 for n in truth_numbers if n in found) / len(truth_numbers)


def ocr(img, settings: Settings, tmp_path: Path, page: int = 1, dpi: int = 300):  # type: ignore[no-untyped-def]
    path = tmp_path / f"in-{page}.png"
    img.save(path, dpi=(dpi, dpi))
    return recognize_page(
        PageImage("a" * 64, page, str(path), dpi, img.width, img.height), settings, work_dir=tmp_path / "work"
    )


def test_clean_page_reads_well_and_keeps_its_records(settings: Settings, tmp_path: Path) -> None:
    truth = make_page(21, "death_report", digits="western")
    page = ocr(render_page(truth, seed=21, font="dejavu"), settings, tmp_path)
    assert bag_cer(truth.text, page.text) < 0.15
    assert numbers_found(truth.numbers, page.text) >= 0.8
    assert not BIDI_CONTROLS.search(page.text)
    assert page.words and all(0 <= w.conf <= 100 for w in page.words)
    assert 50 < page.confidence <= 100
    # a record page is no vocalised prose: read once, with Athar's model, and the digit pass on
    assert "stock_model_confidence" not in page.preprocessing.candidates
    assert "skipped_vocalised_prose" not in page.preprocessing.digit_pass
    # every word box lies on the upright image the page refers to
    assert page.image and Path(page.image).exists() and page.hocr and Path(page.hocr).exists()
    assert all(
        0 <= w.bbox[0] < w.bbox[2] <= page.width and 0 <= w.bbox[1] < w.bbox[3] <= page.height
        for w in page.words
    )
    # text is exactly the words joined, so spans lead back to boxes
    for word, (start, end) in zip(page.words, page.word_spans(), strict=True):
        assert page.text[start:end] == word.text


def test_eastern_digits_are_recovered_by_the_digit_pass(settings: Settings, tmp_path: Path) -> None:
    truth = make_page(22, "prison_register", digits="eastern", rows=4)
    img = render_page(truth, seed=22, font="dejavu")
    with_pass = ocr(img, settings, tmp_path, page=1)
    without = ocr(img, settings.with_(digit_pass=False), tmp_path, page=2)
    assert numbers_found(truth.numbers, with_pass.text) >= 0.7
    assert numbers_found(truth.numbers, with_pass.text) > numbers_found(truth.numbers, without.text) + 0.2
    assert with_pass.preprocessing.digit_pass["numbers"] > 0
    assert re.search("[٢-٩]", with_pass.text)  # digits stay in the set written on the page


@pytest.mark.parametrize("kind", ["noise", "blur", "combo"])
def test_degraded_page_error_bound(kind: str, settings: Settings, tmp_path: Path) -> None:
    truth = make_page(23, "court_record", digits="western")
    img, _ = degrade(render_page(truth, seed=23, font="dejavu"), kind, seed=23)
    page = ocr(img, settings, tmp_path)
    assert bag_cer(truth.text, page.text) < 0.3


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_turned_pages_are_set_upright(quarter: int, settings: Settings, tmp_path: Path) -> None:
    truth = make_page(24, "death_report")
    img = rotate_quarter(render_page(truth, seed=24, font="dejavu"), quarter)
    page = ocr(img, settings, tmp_path)
    # rotate_quarter turns counter-clockwise; the fix is the same angle clockwise
    assert page.preprocessing.rotation == 90 * quarter
    assert bag_cer(truth.text, page.text) < 0.2


def test_binarisation_is_chosen_by_evidence_and_recorded(settings: Settings, tmp_path: Path) -> None:
    truth = make_page(24, "death_report", digits="western")
    clean = render_page(truth, seed=24, font="dejavu")
    noisy, _ = degrade(clean, "noise", seed=24)
    quiet = ocr(clean, settings, tmp_path, page=1).preprocessing
    assert quiet.binarization == "otsu" and not quiet.denoise
    assert quiet.candidates["noise"] < CLEAN_NOISE_LEVEL
    grainy = ocr(noisy, settings, tmp_path, page=2)
    assert grainy.preprocessing.binarization == "blur_otsu" and grainy.preprocessing.denoise
    assert grainy.preprocessing.candidates["noise"] > CLEAN_NOISE_LEVEL
    assert bag_cer(truth.text, grainy.text) < 0.35
    # the display copy the boxes refer to is a readable image of the page's size
    page = ocr(noisy, settings, tmp_path, page=3)
    assert page.image and page.image.endswith(".upright.jpg")
    with Image.open(page.image) as shown:
        assert shown.size == (page.width, page.height)


def test_invert_check_only_where_the_page_has_solid_dark_areas() -> None:
    """Tesseract's retry of lines as white-on-black costs 7% of its time: kept for pages with dark areas."""
    import numpy as np
    from PIL import ImageDraw

    page = render_page(make_page(25, "prison_register", digits="western"), seed=25, font="dejavu").convert(
        "L"
    )
    assert not has_dark_areas(np.asarray(page), 300)  # text and the register's ruled lines
    blot = page.copy()
    ImageDraw.Draw(blot).ellipse((900, 1500, 940, 1540), fill=0)  # an ink blot of 3-4 mm
    assert not has_dark_areas(np.asarray(blot), 300)
    banner = page.copy()
    ImageDraw.Draw(banner).rectangle((100, 2000, banner.width - 100, 2120), fill=0)  # a black band 1 cm high
    assert has_dark_areas(np.asarray(banner), 300)


def test_in_process_tesseract_reads_a_bilevel_page_the_same_either_way(settings: Settings) -> None:
    """The 1-bit hand-over (Leptonica words, leftmost pixel in the high bit) loses nothing."""
    import numpy as np

    from ocr import preprocess as pre
    from ocr import tesseract

    truth = make_page(26, "transfer_list", digits="western")
    gray = np.asarray(render_page(truth, seed=26, font="dejavu").convert("L"))
    binary = pre.binarize(gray, "otsu")
    common = {"lang": settings.lang, "dpi": 300, "psm": 4, "tessdata_dir": settings.tessdata_dir}
    as_bits, hocr = tesseract.recognize(binary, bilevel=True, want_hocr=True, **common)  # type: ignore[arg-type]
    as_bytes, _ = tesseract.recognize(binary, bilevel=False, **common)  # type: ignore[arg-type]
    assert [(w.text, w.left, w.top) for w in as_bits] == [(w.text, w.left, w.top) for w in as_bytes]
    assert bag_cer(truth.text, " ".join(w.text for w in as_bits)) < 0.2
    assert hocr and hocr.startswith("<?xml") and "ocrx_word" in hocr and hocr.rstrip().endswith("</html>")


def test_a_page_darker_on_one_side_is_flattened_before_thresholding(
    settings: Settings, tmp_path: Path
) -> None:
    """Global Otsu turns the shadowed side's paper black with its text (CER 0.69 on this page)."""
    truth = make_page(50007, DOC_TYPES[50007 % 4], digits="western")
    shadowed, _info = degrade(render_page(truth, seed=50007), "shadow", seed=50007)
    page = ocr(shadowed, settings, tmp_path)
    assert page.preprocessing.binarization == "flatten_otsu"
    assert page.preprocessing.candidates["background_unevenness"] > 100
    assert bag_cer(truth.text, page.text) < 0.1


def test_the_name_word_list_helps_tesseract_read_names(settings: Settings, tmp_path: Path) -> None:
    # A transfer list in Amiri whose mothers' names the base model alone misread (سهام→سبام, سعاد→معاد):
    # 1 of 6 without the list, 3 with it. Athar's fine-tuned model reads 3 without and all 6 with it.
    from athar.arabic import normalize_arabic

    truth = make_page(3015, "transfer_list", digits="eastern")
    img = render_page(truth, seed=3015)
    mothers = [normalize_arabic(p.mother) for p in truth.persons if p.mother]

    def mothers_read(page_settings: Settings, sub: str) -> int:
        (tmp_path / sub).mkdir()
        page = ocr(img, page_settings, tmp_path / sub)
        words = [normalize_arabic(w.text) for w in page.words]
        return sum(min(words.count(m), mothers.count(m)) for m in set(mothers))

    assert settings.user_words and Path(settings.user_words).is_file()
    with_list = mothers_read(settings, "with")
    without = mothers_read(settings.with_(user_words=None), "without")
    assert with_list > without, (with_list, without, mothers)
    assert with_list >= 5, (with_list, mothers)
