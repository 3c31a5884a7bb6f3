"""Page images in the coordinates of the word boxes: the upright page the OCR stage kept, else the
stored original rendered again and turned and deskewed exactly as the OCR stage did.

Used by the web app (display copies) and the exports (searchable PDFs, training crops: full
resolution). The original is only read, never changed.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from app.originals import verify_original
from athar.errors import CorruptFileError, ImageTooLargeError, PermanentError, ToolMissingError
from athar.records import OcrPage
from athar.settings import Settings

MIN_SKEW = 0.1  # the OCR stage leaves smaller skews uncorrected
JPEG_QUALITY = 90  # export copies: close to the scan, a fraction of a PNG's size


class PageNotFoundError(PermanentError):
    code = "page_not_found"


def open_limited(data: Any, settings: Settings, what: str) -> Any:
    from PIL import Image

    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        img = Image.open(data)
        if img.width * img.height > settings.max_pixels:
            raise ImageTooLargeError(f"{what} is larger than ATHAR_MAX_PIXELS; it is not displayed.")
        return img
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def render_original(settings: Settings, original: Path, page: int, dpi: int) -> Any:
    """One page of the stored original as a PIL image (PDF via poppler, images via Pillow)."""
    from PIL import Image

    with original.open("rb") as handle:
        head = handle.read(5)
    if head.startswith(b"%PDF"):
        import shutil

        from pdf2image import convert_from_path
        from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

        if shutil.which("pdftoppm") is None:
            raise ToolMissingError(
                "poppler (pdftoppm) is not installed; run 'apt-get install poppler-utils'."
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pages = convert_from_path(
                    str(original), dpi=dpi, first_page=page, last_page=page, grayscale=True
                )
        except (PDFPageCountError, PDFSyntaxError) as exc:
            raise CorruptFileError(
                f"page {page} of the original cannot be rendered ({type(exc).__name__})."
            ) from None
        if not pages:
            raise PageNotFoundError(f"the original has no page {page}.")
        return pages[0]
    try:
        img = open_limited(original, settings, f"page {page} of the original")
        img.seek(page - 1)
        img.load()
    except EOFError:
        raise PageNotFoundError(f"the original has no page {page}.") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise CorruptFileError(
            f"page {page} of the original cannot be decoded ({type(exc).__name__})."
        ) from None
    return (
        img.convert("L")
        if img.mode not in ("L", "RGB")
        else img.copy()
        if isinstance(img, Image.Image)
        else img
    )


def upright(img: Any, rotation: int, skew: float) -> Any:
    """The page turned and deskewed exactly as the OCR stage did (same functions), as grayscale."""
    import numpy as np
    from PIL import Image

    from ocr.preprocess import rotate, rotate_clockwise

    if not rotation and abs(skew) < MIN_SKEW:
        return img
    gray = np.asarray(img.convert("L"))
    if rotation:
        gray = rotate_clockwise(gray, rotation)
    if abs(skew) >= MIN_SKEW:
        gray = rotate(gray, -skew)
    return Image.fromarray(gray)


def export_image(settings: Settings, page: OcrPage) -> Path:
    """A full-resolution JPEG of ``page`` in its word boxes' coordinates (cached under cache/exports)."""
    from PIL import Image

    pre = page.preprocessing
    tag = f"r{pre.rotation}-s{pre.skew_angle:.3f}-{page.width}x{page.height}"
    target = settings.data_dir / "cache" / "exports" / page.sha256 / f"p{page.page:05d}-{tag}.jpg"
    if target.exists():
        return target
    if page.image and Path(page.image).exists():
        img = open_limited(page.image, settings, f"page {page.page} image")
        img.load()
    else:
        original = verify_original(settings, page.sha256)
        img = upright(
            render_original(settings, original, page.page, page.dpi or settings.dpi),
            pre.rotation,
            pre.skew_angle,
        )
    if page.width and page.height and img.size != (page.width, page.height):
        img = img.resize((page.width, page.height), Image.Resampling.BILINEAR)
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    img.save(part, "JPEG", quality=JPEG_QUALITY, dpi=(page.dpi, page.dpi))
    part.replace(target)
    return target
