"""Images as they come from outside the generator: transparent PNGs, one-line crops (real Tesseract)."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from athar.records import PageImage
from athar.settings import Settings
from ocr import preprocess as pre
from ocr.rasterize import on_white
from ocr.recognize import load_gray, recognize_page
from ocr.train.real_lines import line_box, usable
from tests.synth import FONTS

MARKS = re.compile("[\u064b-\u0652\u0640\u200e\u200f]")


def cer(truth: str, ocr: str) -> float:
    """Character error rate without vowel marks or tatweel, whitespace folded (as bench/ocr_real.py)."""
    t, o = (" ".join(MARKS.sub("", unicodedata.normalize("NFC", x)).split()) for x in (truth, ocr))
    return Levenshtein.distance(t, o) / max(1, len(t))


LINES = (
    "وكتب عمر إلى سعد إذا جاءك كتابي فعشر الناس وأمر على أجنادهم",
    "فجاءه الكتاب وهو بشراف ثم كتب إليه أما بعد فسر من شراف نحو فارس",
    "قال الفراء ومن كسرهما جعلهما مصدرا إلا الغناء فإنه جاء مكسور الأول",
)


def _draw(
    text: str, size: tuple[int, int], *, font: str = "amiri", px: int = 42, mode: str = "L"
) -> Image.Image:
    """Black Arabic text, right-aligned, on white ("L") or on a fully transparent background ("RGBA")."""
    background: int | tuple[int, int, int, int] = 255 if mode == "L" else (0, 0, 0, 0)
    image = Image.new(mode, size, background)
    face = ImageFont.truetype(FONTS[font], px, layout_engine=ImageFont.Layout.RAQM)
    ink: int | tuple[int, int, int, int] = 0 if mode == "L" else (0, 0, 0, 255)
    draw = ImageDraw.Draw(image)
    draw.text(
        (size[0] - 30, size[1] // 2), text, font=face, fill=ink, anchor="rm", direction="rtl", language="ar"
    )
    return image


def _read(path: Path, settings: Settings, tmp: Path, page: int = 1):  # type: ignore[no-untyped-def]
    return recognize_page(PageImage("a" * 64, page, str(path), 300, 0, 0), settings, work_dir=tmp / "work")


def test_a_transparent_pixel_becomes_paper_and_opaque_ink_stays_ink() -> None:
    rgba = np.zeros((4, 4, 4), dtype=np.uint8)  # black and fully transparent
    rgba[0, 0] = (0, 0, 0, 255)  # black ink
    rgba[0, 1] = (0, 0, 0, 128)  # half-transparent ink: grey
    gray = np.asarray(on_white(Image.fromarray(rgba, "RGBA")))
    assert gray[0, 0] == 0 and gray[3, 3] == 255 and 120 <= gray[0, 1] <= 135
    la = Image.fromarray(rgba[:, :, [0, 3]], "LA")
    assert np.asarray(on_white(la))[3, 3] == 255 and np.asarray(on_white(la))[0, 0] == 0
    palette = Image.new("P", (4, 4), 0)  # palette entry 0 black, declared transparent
    palette.info["transparency"] = 0
    assert np.asarray(on_white(palette)).min() == 255


def test_black_text_on_a_transparent_png_is_read(settings: Settings, tmp_path: Path) -> None:
    text = LINES[0]
    path = tmp_path / "transparent.png"
    _draw(text, (1500, 900), mode="RGBA").save(path)
    # what went wrong before: decoding to grayscale drops alpha, and the page is black
    import cv2

    assert int(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE).max()) == 0
    assert load_gray(path).mean() > 240
    page = _read(path, settings, tmp_path)
    assert cer(text, page.text) < 0.1, page.text


def test_a_transparent_page_of_a_multipage_tiff_is_read(settings: Settings, tmp_path: Path) -> None:
    from ocr.intake import inspect
    from ocr.rasterize import iter_page_images

    frames = [_draw(line, (1500, 600), mode="RGBA") for line in LINES[:2]]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300))
    doc = inspect(path, settings)
    images = list(iter_page_images(doc, path, tmp_path / "pages", settings))
    assert len(images) == 2
    for line, image in zip(LINES[:2], images, strict=True):
        assert isinstance(image, PageImage)
        assert np.asarray(Image.open(image.path)).mean() > 240
        assert cer(line, _read(Path(image.path), settings, tmp_path, image.page).text) < 0.1


def test_the_row_profile_tells_a_line_from_a_page() -> None:
    line = np.asarray(_draw(LINES[0], (1500, 110)))
    kind, evidence = pre.classify_layout(line)
    assert kind == "line" and evidence["bands"] == 1
    # the same line with a wide margin is still a line; on a page-sized sheet it is a page
    assert pre.classify_layout(np.asarray(_draw(LINES[0], (1500, 300))))[0] == "line"
    assert pre.classify_layout(np.asarray(_draw(LINES[0], (1500, 2000))))[0] == "page"
    page = Image.new("L", (1800, 800), 255)
    for k, text in enumerate(LINES):
        page.paste(_draw(text, (1500, 110)), (300, 100 + 150 * k))
    kind, evidence = pre.classify_layout(np.asarray(page))
    assert kind == "page" and evidence["bands"] == 3
    # lines set so close that they touch: one band of inked rows, but three line bodies
    tight = Image.new("L", (1800, 400), 255)
    for k, text in enumerate(LINES):
        tight.paste(
            _draw(text, (1500, 110)),
            (300, 40 + 40 * k),
            mask=_draw(text, (1500, 110)).point(lambda v: 255 - v),
        )
    kind, evidence = pre.classify_layout(np.asarray(tight))
    assert kind == "page" and evidence["bands"] == 1 and evidence["line_bodies"] == 3, evidence
    # a sideways line (taller than wide) is not read as a line, nor a sideways page (every row inked)
    assert pre.classify_layout(np.rot90(line).copy())[0] == "page"
    assert pre.classify_layout(np.rot90(np.asarray(page)).copy())[0] == "page"


def test_a_line_image_is_read_as_one_line_without_rotation(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "line.png"
    line = _draw(LINES[1], (1500, 110)).rotate(0.8, fillcolor=255, expand=True)
    sheet = Image.new("L", (2000, 320), 255)  # the line off the corner: boxes must not be crop-relative
    sheet.paste(line, (450, 150))
    sheet.save(path, dpi=(300, 300))
    page = _read(path, settings, tmp_path)
    assert page.preprocessing.layout == "line" and page.preprocessing.psm == 13
    assert page.preprocessing.skew_angle == 0.0 and page.preprocessing.rotation == 0
    assert {w.line for w in page.words} == {page.words[0].line}
    assert cer(LINES[1], page.text) < 0.1, page.text
    # boxes are on the image as given (nothing cropped or turned), around the ink
    assert (page.width, page.height) == sheet.size
    x0, y0, x1, y1 = pre.ink_box(load_gray(path))
    assert x0 > 450 and y0 > 150
    assert all(x0 <= w.bbox[0] < w.bbox[2] <= x1 and y0 <= w.bbox[1] < w.bbox[3] <= y1 for w in page.words)


def _raw_psm7(path: Path) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    command = ["tesseract", str(path), "-", "-l", "ara", "--psm", "7"]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout


def _book_line_crop(k: int, font: str, pitch: int = 64) -> tuple[Image.Image, str]:
    """Line k of a set page of LINES, cropped as line images of scanned books are: tight, with the
    edges of the lines above and below caught in the crop."""
    page = Image.new("L", (1500, pitch * 5), 255)
    face = ImageFont.truetype(FONTS[font], 40, layout_engine=ImageFont.Layout.RAQM)
    draw = ImageDraw.Draw(page)
    for i in range(5):
        text = LINES[(k + i - 2) % len(LINES)]
        y = pitch * i + pitch // 2
        draw.text((1470, y), text, font=face, fill=0, anchor="rm", direction="rtl", language="ar")
    top = 2 * pitch - pitch // 5
    return page.crop((0, top, 1500, top + pitch + 2 * (pitch // 5))), LINES[k % len(LINES)]


def test_clean_lines_read_no_worse_through_athar_than_raw_psm_7(settings: Settings, tmp_path: Path) -> None:
    # Summed over both typefaces, as single lines differ by a letter either way. Measured when written:
    # Athar 0.14 summed CER against raw psm 7's 0.18; reading these crops with psm 4 or 7 inside Athar
    # instead gave 0.26 and 0.23 on Amiri alone.
    athar, raw = [], []
    for font in ("amiri", "dejavu"):
        for k in range(len(LINES)):
            image, text = _book_line_crop(k, font)
            path = tmp_path / f"{font}{k}.png"
            image.save(path, dpi=(300, 300))
            page = _read(path, settings, tmp_path, k + 1)
            assert page.preprocessing.layout == "line"
            athar.append(cer(text, page.text))
            raw.append(cer(text, _raw_psm7(path)))
    assert sum(athar) <= sum(raw), (athar, raw)


def test_a_scanned_line_becomes_a_training_sample() -> None:
    # each character (a letter and its combining marks together) over the whole line, then a tab
    rows = line_box("بِك", 300, 50, page=2).splitlines()
    assert rows == ["بِ 0 0 300 50 2", "ك 0 0 300 50 2", "\t 300 50 301 51 2"]
    charset = {"ب", "ك", ",", "أ"}
    # NFC (the transcriptions write hamza as a combining mark), the Arabic comma as the Latin one
    assert usable("بك\u0627\u0654،  بك", charset) == "بكأ, بك"
    assert usable("بك 12", charset) is None  # digits: written Western for Eastern glyphs
    assert usable("بكx", charset) is None and usable("  ", charset) is None


PROSE = (  # lightly vocalised, as the printed books of the real-scan benchmark are (a tenth of words marked)
    "قال أبو محمد كان الرجل من أهل العلم يخرج إلى السُّوق",
    "فيسأل عن أخبار الناس ويكتب ما سمع في دفتر له",
    "وحدثنا عبد الله بن مسلم قال سمعت أبي يقول",
    "إن الكتاب إذا كثر فيه الخطأ ذهبت منفعتُه",
    "وكان الخليفة يجلس للناس في كل يوم جمعة",
    "فينظر في مظالمهم ويقضي بينهم بالعدل",
    "ثم دخلت سنة خمس ومائتين وفيها قَدِم الأمير",
    "من بلاد الشام ومعه جماعة من أصحابه",
    "فنزل على باب المدينة وأقام بها شهرًا",
    "وقال بعض أهل الأدب خير الكلام ما قلّ ودلّ",
    "ولم يزل كذلك حتى مات في آخر السنة",
    "وصلى عليه ابنه ودفن في مقبرة أهله",
)


def _raw_psm3(path: Path, tessdata_dir: str | None) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    command = ["tesseract", str(path), "-", "-l", "ara", "--psm", "3"]
    if tessdata_dir:
        command[1:1] = ["--tessdata-dir", tessdata_dir]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout


@pytest.mark.xfail(
    strict=True,
    reason="known gap, measured 2026-12-04: the stage 0.036 summed CER against raw psm 3's 0.030 "
    "(Amiri 0.032 vs 0.023, DejaVu 0.004 vs 0.006). The opt-in second reading of prose with the stock "
    "model reads it at 0.028 (test below) but raised the mean on the held-out book, so it is off (README). "
    "Strict: fails as soon as the stage reads no worse.",
)
def test_clean_book_pages_read_no_worse_through_athar_than_raw_psm_3(
    settings: Settings, tmp_path: Path
) -> None:
    assert _book_pages(settings, tmp_path) <= 0


def test_the_opt_in_second_reading_of_prose_reads_book_pages_no_worse_than_raw_psm_3(
    settings: Settings, tmp_path: Path
) -> None:
    assert _book_pages(settings.with_(prose_second_reading=True), tmp_path, second=True) <= 0


def _book_pages(settings: Settings, tmp_path: Path, *, second: bool = False) -> float:
    """Summed CER of the stage minus raw psm 3's (same model) on a rendered book page in two typefaces."""
    # A printed book page: lightly vocalised prose, book type (48 px at 300 dpi, 11.5 pt), uniform leading,
    # no rules, in both typefaces; raw = the tesseract program with psm 3 and the same model. Measured when
    # the prose page got its (opt-in) second reading (the stock model in psm 3, Tesseract's own threshold):
    # 0.028 summed CER against raw's 0.030; the stage as shipped: 0.036.
    truth = "\n".join(PROSE)
    athar, raw = [], []
    for k, font in enumerate(("amiri", "dejavu")):
        face = ImageFont.truetype(FONTS[font], 48, layout_engine=ImageFont.Layout.RAQM)
        page = Image.new("L", (1700, 130 + 95 * len(PROSE)), 255)
        draw = ImageDraw.Draw(page)
        for row, text in enumerate(PROSE):
            y = 110 + 95 * row
            draw.text((1600, y), text, font=face, fill=0, anchor="rm", direction="rtl", language="ar")
        path = tmp_path / f"book-{font}.png"
        page.save(path, dpi=(300, 300))
        read = _read(path, settings, tmp_path, k + 1)
        assert read.preprocessing.layout == "page"
        # prose without digits: the digit pass off; read a second time with the stock model if asked
        assert ("stock_model_confidence" in read.preprocessing.candidates) == second, read.preprocessing
        assert read.preprocessing.digit_pass == {"skipped_vocalised_prose": 1}
        athar.append(cer(truth, read.text))
        raw.append(cer(truth, _raw_psm3(path, settings.tessdata_dir)))
    return sum(athar) - sum(raw)
