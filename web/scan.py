"""Page scans for display: the word boxes of a page and an image those boxes fit.

Word boxes come from the OCR kept per page (the OCR cache, :mod:`app.ocr_cache`, else the hOCR file the
OCR stage wrote). The image is the upright page the OCR stage saved when it still exists, else the
page is rendered again from the stored original (turned by the rotation OCR applied) and scaled to
the OCR page size, so the boxes line up. Rendered images are cached as JPEG under
``data_dir/cache/web``. The original is only read, never changed.
"""

from __future__ import annotations

import html.parser
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import page_images
from app.ocr_cache import latest_cached_page
from athar.arabic import normalize_arabic
from athar.records import OcrWord, join_words
from athar.settings import Settings

log = logging.getLogger(__name__)

DISPLAY_MAX_WIDTH = 1600
MIN_SKEW = 0.1  # the OCR stage leaves smaller skews uncorrected
JPEG_QUALITY = 82


PageNotFoundError = page_images.PageNotFoundError


@dataclass(frozen=True)
class PageLayout:
    """What is known of a page's geometry: words with boxes on a ``width`` x ``height`` image."""

    width: int
    height: int
    words: tuple[OcrWord, ...]
    dpi: int = 300
    rotation: int = 0  # clockwise quarter turns OCR applied to make the page upright
    skew: float = 0.0  # degrees OCR's deskew measured (corrected when >= MIN_SKEW)
    image: str | None = None  # upright image the boxes refer to, when the OCR stage kept it
    origin: str = "none"  # "ocr-cache", "hocr" or "none"


# ------------------------------------------------------------------ words


def _from_cache(settings: Settings, sha256: str, page: int) -> PageLayout | None:
    ocr = latest_cached_page(settings, sha256, page)
    if ocr is None:
        return None
    return PageLayout(
        width=ocr.width,
        height=ocr.height,
        words=ocr.words,
        dpi=ocr.dpi,
        rotation=ocr.preprocessing.rotation,
        skew=ocr.preprocessing.skew_angle,
        image=ocr.image,
        origin="ocr-cache",
    )


_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (\d+(?:\.\d+)?)")


class _HocrParser(html.parser.HTMLParser):
    """Collects ocr_page size and ocrx_word boxes/texts from Tesseract hOCR."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.size = (0, 0)
        self.words: list[OcrWord] = []
        self._line = 0
        self._word: tuple[tuple[int, int, int, int], float] | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        title = found.get("title") or ""
        box = _BBOX.search(title)
        if self._word is not None:
            self._depth += 1
            return
        if "ocr_page" in classes and box:
            self.size = (int(box.group(3)), int(box.group(4)))
        elif "ocr_line" in classes or "ocr_caption" in classes or "ocr_header" in classes:
            self._line += 1
        elif "ocrx_word" in classes and box:
            conf = _WCONF.search(title)
            bbox = (int(box.group(1)), int(box.group(2)), int(box.group(3)), int(box.group(4)))
            self._word = (bbox, float(conf.group(1)) if conf else 0.0)
            self._depth = 0
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._word is None:
            return
        if self._depth > 0:
            self._depth -= 1
            return
        text = "".join(self._text).strip()
        if text:
            bbox, conf = self._word
            self.words.append(OcrWord(text=text, conf=conf, bbox=bbox, line=self._line))
        self._word = None

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._text.append(data)


def parse_hocr(markup: str) -> tuple[tuple[int, int], tuple[OcrWord, ...]]:
    """Page size and words (text, confidence, box, line) from hOCR markup."""
    parser = _HocrParser()
    parser.feed(markup)
    parser.close()
    return parser.size, tuple(parser.words)


def _from_hocr(path: str | None) -> PageLayout | None:
    if not path:
        return None
    try:
        markup = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    (width, height), words = parse_hocr(markup)
    if not width or not height:
        return None
    # page-NNNNN.hocr -> page-NNNNN.upright.jpg (older runs wrote .upright.png)
    siblings = [Path(path).with_suffix(suffix) for suffix in (".upright.jpg", ".upright.png")]
    sibling = next((s for s in siblings if s.exists()), None)
    return PageLayout(
        width=width,
        height=height,
        words=words,
        image=str(sibling) if sibling else None,
        origin="hocr",
    )


def page_layout(settings: Settings, sha256: str, page: int, *, hocr: str | None = None) -> PageLayout:
    """Word boxes of a page from the OCR cache or the hOCR file; empty when neither is kept."""
    return _from_cache(settings, sha256, page) or _from_hocr(hocr) or PageLayout(0, 0, ())


# --------------------------------------------------------------- matching

_OPERATORS = {"and", "or", "not", "&&", "||"}
_EDGE_PUNCT = " \t\n.,:;!?()[]{}\"'«»،؛؟-_/\\*+~^|<>=`"
_CLITICS = ("و", "ب", "ل", "ف")


def query_terms(query: str) -> list[str]:
    """Normalised words of a search query (operators, field names and syntax removed)."""
    terms: list[str] = []
    for raw in re.split(r"[\s\"()]+", query or ""):
        token = raw.split(":", 1)[1] if ":" in raw and not raw.endswith(":") else raw
        token = token.strip(_EDGE_PUNCT)
        if not token or token.lower() in _OPERATORS:
            continue
        norm = normalize_arabic(token).strip(_EDGE_PUNCT)
        if norm and norm not in terms:
            terms.append(norm)
    return terms


def _word_key(text: str) -> str:
    return normalize_arabic(text).strip(_EDGE_PUNCT)


def matching_words(words: tuple[OcrWord, ...], terms: list[str]) -> list[int]:
    """Indices of words equal to a term after normalisation (a leading و/ب/ل/ف clitic allowed)."""
    wanted = set(terms)
    if not wanted:
        return []
    hits = []
    for i, word in enumerate(words):
        key = _word_key(word.text)
        if not key:
            continue
        if key in wanted or (len(key) > 2 and key[0] in _CLITICS and key[1:] in wanted):
            hits.append(i)
    return hits


def words_in_span(words: tuple[OcrWord, ...], text: str, start: int, end: int) -> list[int]:
    """Indices of words overlapping ``text[start:end]`` when ``text`` was built from these words."""
    joined, spans = join_words(words)
    if joined != text or end <= start:
        return []
    return [i for i, (a, b) in enumerate(spans) if a < end and b > start]


# ------------------------------------------------------------------ image


def _cache_file(settings: Settings, sha256: str, page: int, layout: PageLayout) -> Path:
    tag = f"r{layout.rotation}-s{layout.skew:.3f}-{layout.width}x{layout.height}"
    return settings.data_dir / "cache" / "web" / sha256 / f"p{page:05d}-{tag}.jpg"


def _open_limited(data: Any, settings: Settings, what: str) -> Any:
    return page_images.open_limited(data, settings, what)


def _render_original(settings: Settings, original: Path, page: int, dpi: int) -> Any:
    return page_images.render_original(settings, original, page, dpi)


def upright(img: Any, layout: PageLayout) -> Any:
    """The page turned and deskewed exactly as the OCR stage did (same functions), as grayscale."""
    return page_images.upright(img, layout.rotation, layout.skew)


def page_image(settings: Settings, sha256: str, page: int, layout: PageLayout, original: Path) -> Path:
    """A JPEG of the page matching ``layout``'s size (cached); built from the kept image or the original."""
    target = _cache_file(settings, sha256, page, layout)
    if target.exists():
        return target
    from PIL import Image

    if layout.image and Path(layout.image).exists():
        img = _open_limited(layout.image, settings, f"page {page} image")
        img.load()
    else:
        img = upright(_render_original(settings, original, page, layout.dpi or settings.dpi), layout)
    if layout.width and layout.height and img.size != (layout.width, layout.height):
        img = img.resize((layout.width, layout.height), Image.Resampling.BILINEAR)
    if img.width > DISPLAY_MAX_WIDTH:
        img = img.resize(
            (DISPLAY_MAX_WIDTH, round(img.height * DISPLAY_MAX_WIDTH / img.width)), Image.Resampling.LANCZOS
        )
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=JPEG_QUALITY)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)
    return target
