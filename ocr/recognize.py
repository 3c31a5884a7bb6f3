"""One page image in, one :class:`OcrPage` out: preprocess, recognise, recover digits.

Runs in a worker process (see :mod:`ocr.pipeline`). Files it writes go to a
work directory (default ``Settings.pages_dir/<sha256>``): the upright,
deskewed grayscale page that word boxes refer to (``page-NNNNN.upright.jpg``, a
display copy: JPEG writes in a fifth of the time of PNG) and the hOCR of the main
pass (``page-NNNNN.hocr``).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from athar.errors import CorruptFileError
from athar.log import short
from athar.records import OcrPage, OcrWord, PageImage, Preprocessing
from athar.settings import Settings
from ocr import digits, tesseract
from ocr import preprocess as pre
from ocr.rasterize import has_transparency, on_white
from ocr.text import clean_word, page_text

log = logging.getLogger(__name__)
# One OpenCV thread: pages run in parallel processes that already fill the cores, and OpenCV's own
# threads only add contention (measured as extra CPU per page).
cv2.setNumThreads(1)

CLEAN_NOISE_LEVEL = 2.5  # noise_level() below this: a clean scan, Otsu as it is; above, blur first
UNEVEN_BACKGROUND = 40.0  # background_unevenness() above this: flatten the paper before Otsu
# A main pass below this triggers the orientation check. Measured with the fine-tuned model on 21
# generated pages, clean and degraded: upright 77.8-93.2, upside down 38.7-53.3 (the base model:
# 65.0-92.4 and 29.8-45.1, so its old threshold of 40 let some upside-down pages through).
CHECK_ORIENTATION_BELOW = 65.0
# White-on-black text (banners, inverted stamps) needs Tesseract's invert check; pages without dark areas
# skip it (7% of Tesseract's time). A dark area: a square of DARK_BLOCK_MM with more than DARK_SHARE ink.
DARK_BLOCK_MM = 2.0
DARK_SHARE = 0.75
DARK_BLOCKS_FOR_INVERT = 6  # fewer such squares: a blot or a thick rule, not a line of inverted text
LINE_PSM = 13  # a one-line image is read as one raw line (see _read_line)
# A page of vocalised prose (a printed book): this share of its words carry a short vowel, shadda or sukun.
# The digit pass then stays off: on such pages it made numbers of vowel marks and letter fragments (a read
# '6' became ٤١١). Measured with Athar's model: generated record pages 0.000-0.039 (clean and degraded),
# pages of the tune books' real lines 0.028-0.149 (all but one above 0.065). Pages with few words keep it.
VOCALISED_SHARE = 0.05
VOCALISED_MIN_WORDS = 30
# Prose with fewer marks, and not one digit read on the page, keeps the digit pass off too: on a lightly
# vocalised book page (3 % of words marked as read) the pass made ١١٢ of the marks of قَدِم. Record pages
# carry dates and numbers, and Tesseract reads some of their digits (٠, ١ or Western ones).
LIGHTLY_VOCALISED_SHARE = 0.02
DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
VOWEL_MARK = re.compile("[\u064b-\u0652]")
# A prose page (a printed book: vocalised, or lightly vocalised without digits) is read a second time with
# the stock ara model (Debian's tessdata) in psm 3, a clean page in gray for Tesseract's own threshold,
# and the reading with the higher mean word confidence is kept. Athar's model was fine-tuned on record pages;
# on book type the stock model often reads better, but not always (it drops lines on some pages). Measured
# on 80 pages made of the tune books' real lines (bench/ocr_real.py's tune books, 40 pages each; mean /
# median CER): the stage with Athar's model alone 0.140 / 0.125; the stock model alone in the stage 0.128 /
# 0.110 (psm 4, Otsu), 0.130 / 0.120 (psm 3, Otsu), 0.115 / 0.108 (psm 3, gray); the better-confidence of
# Athar's reading and the stock psm-3 gray one 0.116 / 0.107 (with the Otsu page instead 0.124 / 0.110;
# preferring Athar's reading unless the stock one is 1-5 points surer: 0.117-0.129). Raw psm 3 with the stock
# model: 0.117 / 0.104. Record pages are no prose, so they are read once, as before.
# Off by default (Settings.prose_second_reading): read once on the held-out report book, it raised the mean
# page CER from 0.077 to 0.095 (median 0.070 both); there Athar's model reads the book better (README).
PROSE_SECOND_PSM = 3
# Raised when the same image and model would be read differently (the OCR cache key includes it):
# 2 = line images read as one line, transparent images on white, the Arabic comma; 3 = no digit pass on
# vocalised prose pages; 4 = a second reading of vocalised prose with the stock model, no digit pass on
# lightly vocalised prose without digits.
READING_VERSION = 4


@dataclass(frozen=True)
class _Pass:
    words: list[tesseract.TsvWord]
    hocr: str | None
    confidence: float


def load_gray(path: str | Path) -> np.ndarray:
    """Decode a page image file as 8-bit grayscale; CorruptFileError if it cannot be decoded.

    Transparent images (RGBA, LA, palette with a transparent entry) are composited on white first
    (:func:`ocr.rasterize.on_white`): OpenCV's grayscale decoding drops the alpha channel, which turns
    black text on a transparent background into a black page.
    """
    gray = None if _transparent(path) else cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        try:
            with Image.open(path) as img:
                gray = np.asarray(on_white(img))
        except Exception as exc:
            raise CorruptFileError(
                f"page image {Path(path).name} cannot be decoded ({type(exc).__name__}); "
                "the scan is damaged or truncated — recopy or rescan it."
            ) from None
    if gray.size == 0:
        raise CorruptFileError(f"page image {Path(path).name} has no pixels; rescan it.")
    return gray


def _transparent(path: str | Path) -> bool:
    """Whether the file is an image with transparency (reads the header only); False if PIL cannot open it."""
    try:
        with Image.open(path) as img:
            return has_transparency(img)
    except Exception:
        return False


def _mean_conf(words: list[tesseract.TsvWord]) -> float:
    confs = [w.conf for w in words if w.conf >= 0]
    return float(np.mean(confs)) if confs else 0.0


def choose_binarization(gray: np.ndarray) -> tuple[str, dict[str, float]]:
    """Pick a binarisation by evidence measured on the page: its pixel noise and how even its paper is.

    Clean scans get Otsu on the page as it is; grainy ones a median filter and a blur before Otsu;
    pages darker on one side (photocopies, photos) have their paper flattened before Otsu.
    OCR-scored probes of candidates (the earlier method) cost as much CPU as the main pass on noisy
    pages and gained 0.004 mean CER over this rule on 32 noisy generated pages; adaptive
    thresholding lost on every one (see README).
    """
    noise = pre.noise_level(gray)
    uneven = pre.background_unevenness(gray)
    evidence = {"noise": round(noise, 2), "background_unevenness": round(uneven, 1)}
    if uneven > UNEVEN_BACKGROUND:
        return "flatten_otsu", evidence
    return ("otsu" if noise < CLEAN_NOISE_LEVEL else "blur_otsu"), evidence


def has_dark_areas(binary: np.ndarray, dpi: int) -> bool:
    """Whether the thresholded page has solid dark areas that may hold white-on-black text."""
    block = max(4, round(DARK_BLOCK_MM / 25.4 * dpi))
    h, w = binary.shape[:2]
    rows, cols = h // block, w // block
    if rows == 0 or cols == 0:
        return False
    # mean brightness of each square (area averaging by a whole factor is a cheap OpenCV fast path)
    means = cv2.resize(binary[: rows * block, : cols * block], (cols, rows), interpolation=cv2.INTER_AREA)
    return int((means < 255 * (1 - DARK_SHARE)).sum()) >= DARK_BLOCKS_FOR_INVERT


def write_display_image(path: Path, gray: np.ndarray) -> None:
    """The upright page that word boxes refer to, as a JPEG display copy (the original is kept)."""
    cv2.imwrite(str(path), gray, [cv2.IMWRITE_JPEG_QUALITY, 90])


def _run_main(
    binary: np.ndarray,
    settings: Settings,
    dpi: int,
    *,
    bilevel: bool,
    psm: int | None = None,
    rect: tuple[int, int, int, int] | None = None,
) -> _Pass:
    words, hocr = tesseract.recognize(
        binary,
        lang=settings.lang,
        dpi=dpi,
        psm=settings.psm if psm is None else psm,
        tessdata_dir=settings.tessdata_dir,
        timeout=settings.tesseract_timeout,
        want_hocr=True,
        invert_check=has_dark_areas(binary, dpi),
        bilevel=bilevel,
        user_words=settings.user_words,
        rect=rect,
    )
    return _Pass(words, hocr, _mean_conf(words))


@dataclass(frozen=True)
class _Read:
    """One image read: the pass kept, the images its boxes refer to, and what was done."""

    result: _Pass
    gray: np.ndarray
    binary: np.ndarray
    rotation: int
    skew: float
    psm: int
    method: str
    evidence: dict[str, float]


def _read_line(gray: np.ndarray, settings: Settings, dpi: int) -> _Read:
    """A one-line image: no turning or deskew rotation, its ink read as one raw line (psm 13).

    Measured on 80 scanned lines of the tune books: psm 13 on the line's ink, mean/median CER 0.122/0.083,
    against psm 7 0.171/0.117 (its line finder breaks up tight crops or takes in the edges of neighbouring
    lines) and psm 4 0.301/0.136 (it splits a line into blocks and loses words). psm 13 reads the whole
    rectangle as one line, so the rectangle is the ink's bounding box: with white margins of half a line,
    psm 13 fell to 0.279.
    """
    method, evidence = choose_binarization(gray)
    binary = pre.binarize(pre.denoise(gray) if method != "otsu" else gray, method)
    rect = pre.ink_box(binary)
    result = _run_main(binary, settings, dpi, bilevel=method != "gray", psm=LINE_PSM, rect=rect)
    return _Read(result, gray, binary, 0, 0.0, LINE_PSM, method, evidence)


def _read_page(gray: np.ndarray, settings: Settings, dpi: int, work: Path, stem: str) -> _Read:
    """A page: quarter turns by OSD when sideways or reading badly, deskew, then ``settings.psm``."""
    rotation = 0
    if pre.looks_sideways(gray):
        rotation = _osd_rotation(gray, dpi, work, stem, default=90)
        gray = pre.rotate_clockwise(gray, rotation)
    skew = pre.estimate_skew(gray)
    if abs(skew) >= 0.1:
        gray = pre.rotate(gray, -skew)
    method, evidence = choose_binarization(gray)
    binary = pre.binarize(pre.denoise(gray) if method != "otsu" else gray, method)
    result = _run_main(binary, settings, dpi, bilevel=method != "gray")
    if result.confidence < CHECK_ORIENTATION_BELOW:
        # Upside-down pages read as garbage: ask OSD, and keep the turned reading only if it is better.
        turn = _osd_rotation(binary, dpi, work, stem, default=0)
        if turn in (90, 180, 270):
            turned_gray = pre.rotate_clockwise(gray, turn)
            turned = pre.rotate_clockwise(binary, turn)
            second = _run_main(turned, settings, dpi, bilevel=method != "gray")
            if second.confidence > result.confidence:
                result, gray, binary = second, turned_gray, turned
                rotation = (rotation + turn) % 360
    return _Read(result, gray, binary, rotation, skew, settings.psm, method, evidence)


def recognize_page(image: PageImage, settings: Settings, *, work_dir: Path | None = None) -> OcrPage:
    """Preprocess, OCR and digit-correct one page; boxes refer to the upright image in ``work_dir``.

    What the image is decides how it is read (:func:`ocr.preprocess.classify_layout`): a single text line
    is read as one line without rotation; a page is turned upright, deskewed and read with ``settings.psm``.
    """
    started = time.monotonic()
    work = work_dir or settings.pages_dir / image.sha256
    work.mkdir(parents=True, exist_ok=True)
    stem = f"page-{image.page:05d}"
    gray = load_gray(image.path)
    dpi = image.dpi
    layout, shape = pre.classify_layout(gray)
    if layout == "line":
        read = _read_line(gray, settings, dpi)
    else:
        read = _read_page(gray, settings, dpi, work, stem)
    result, gray, binary, method = read.result, read.gray, read.binary, read.method
    upright = work / f"{stem}.upright.jpg"
    write_display_image(upright, gray)

    words = _words(result)
    stats: dict[str, int] = {}
    marked = vowel_marked_share(words)
    prose = layout == "page" and len(words) >= VOCALISED_MIN_WORDS
    vocalised = prose and marked >= VOCALISED_SHARE
    lightly = prose and marked >= LIGHTLY_VOCALISED_SHARE and not any(DIGIT.search(w.text) for w in words)
    model = tesseract.check_languages(settings.lang, settings.tessdata_dir)
    evidence = {**read.evidence, **shape, "vowel_marked_words": round(marked, 3)}
    psm = read.psm
    if (vocalised or lightly) and settings.prose_second_reading and _stock_model_differs(settings):
        second = _read_prose_stock(read, settings, dpi)
        evidence["stock_model_confidence"] = round(second.confidence, 2)
        evidence["own_model_confidence"] = round(result.confidence, 2)
        if second.confidence > result.confidence:
            result, psm = second, PROSE_SECOND_PSM
            model = tesseract.check_languages(settings.lang, None)
            words = _words(result)
    if settings.digit_pass and (vocalised or lightly):
        stats = {"skipped_vocalised_prose": 1}
    elif settings.digit_pass:
        words, stats = digits.recover_digits(words, binary)

    hocr_path = work / f"{stem}.hocr"
    if result.hocr is not None:
        hocr_path.write_text(result.hocr, encoding="utf-8")
    text = page_text(words)
    confidence = float(np.mean([w.conf for w in words])) if words else 0.0
    log.debug(
        "page %d of %s: %d words, conf %.1f, %s, %.2fs",
        image.page,
        short(image.sha256),
        len(words),
        confidence,
        method,
        time.monotonic() - started,
    )
    return OcrPage(
        sha256=image.sha256,
        page=image.page,
        text=text,
        words=tuple(words),
        confidence=round(confidence, 2),
        preprocessing=Preprocessing(
            rotation=read.rotation,
            skew_angle=round(read.skew, 3),
            binarization=method,
            denoise=method != "otsu",
            candidates=evidence,
            digit_pass=stats,
            layout=layout,
            psm=psm,
        ),
        engine=tesseract.tesseract_version(),
        model=model + (" + name words" if settings.user_words else ""),
        width=int(gray.shape[1]),
        height=int(gray.shape[0]),
        dpi=dpi,
        hocr=str(hocr_path) if result.hocr is not None else None,
        image=str(upright),
    )


def _read_prose_stock(read: _Read, settings: Settings, dpi: int) -> _Pass:
    """The second reading of a prose page: the stock model, psm 3. A clean page (Otsu as it is) goes over in
    gray after a 3x3 median, for Tesseract's own threshold (measured so on the tune pages; without the median
    one of them lost its reading order, 0.40 CER against 0.08)."""
    stock = replace(settings, tessdata_dir=None)
    if read.method == "otsu":
        return _run_main(pre.denoise(read.gray), stock, dpi, bilevel=False, psm=PROSE_SECOND_PSM)
    return _run_main(read.binary, stock, dpi, bilevel=True, psm=PROSE_SECOND_PSM)


def _stock_model_differs(settings: Settings) -> bool:
    """Whether the page was read with a model of its own and Tesseract's stock model is installed too."""
    if not settings.tessdata_dir:
        return False
    lang = settings.lang.split("+")[0]
    stock = tesseract.model_path(lang, None)
    return stock.is_file() and stock.resolve() != tesseract.model_path(lang, settings.tessdata_dir).resolve()


def _words(result: _Pass) -> list[OcrWord]:
    return [
        OcrWord(
            clean_word(w.text),
            w.conf,
            (w.left, w.top, w.left + w.width, w.top + w.height),
            line=_line_key(w),
            block=w.block,
        )
        for w in result.words
        if clean_word(w.text)
    ]


def vowel_marked_share(words: list[OcrWord]) -> float:
    """Share of words with a short vowel, shadda or sukun (vocalised book prose; forms have none)."""
    return sum(1 for w in words if VOWEL_MARK.search(w.text)) / len(words) if words else 0.0


def _line_key(word: tesseract.TsvWord) -> int:
    """A page-unique running line id from Tesseract's block/paragraph/line numbers."""
    return word.block * 10_000 + word.par * 100 + word.line


def _osd_rotation(gray: np.ndarray, dpi: int, work: Path, stem: str, *, default: int) -> int:
    """Clockwise quarter turn that makes the page upright, by Tesseract OSD on a half-size copy."""
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    path = work / f"{stem}.osd.png"
    cv2.imwrite(str(path), small, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    try:
        rotate, conf = tesseract.detect_orientation(path, dpi=max(70, dpi // 2))
    finally:
        path.unlink(missing_ok=True)
    return rotate if conf >= 1.0 else default
