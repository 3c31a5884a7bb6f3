"""Turn a document into page image files, one page at a time.

PDFs are rendered page by page by poppler (``pdf2image`` with ``first_page``/
``last_page``) so memory stays flat whatever the page count; multi-page TIFFs
are written frame by frame; a single JPEG/PNG/WebP is its own page file (the
original is only read). What moves on is a :class:`PageImage` (a path), never
decoded pixels.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from athar.errors import (
    AtharError,
    CorruptFileError,
    CorruptPdfError,
    ImageTooLargeError,
    ToolFailedError,
    ToolMissingError,
    ToolTimeoutError,
)
from athar.records import PageFailure, PageImage, SourceDocument
from athar.settings import Settings
from ocr.intake import PDF, TIFF, check_pixels

POPPLER_HINT = "run `make` (or `apt-get install poppler-utils`)"


def image_dpi(img: Image.Image, default: int) -> int:
    """The resolution stored in an image, or ``default`` when absent or implausible."""
    dpi = img.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 70 <= value <= 2400 else default


TRANSPARENT_MODES = ("RGBA", "LA", "PA", "La", "RGBa")


def has_transparency(img: Image.Image) -> bool:
    """Whether an image has an alpha channel or a transparent palette entry / colour key."""
    return img.mode in TRANSPARENT_MODES or "transparency" in img.info


def on_white(img: Image.Image) -> Image.Image:
    """The image composited on white paper as 8-bit grayscale, before any grayscale conversion.

    Converting first would turn black text on a transparent background (transparent pixels are usually
    stored black) into a black page with no text; compositing keeps the text and whitens the rest.
    """
    if not has_transparency(img):
        return img if img.mode == "L" else img.convert("L")
    rgba = img.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("L")


def iter_page_images(
    doc: SourceDocument, path: str | Path, out_dir: Path, settings: Settings
) -> Iterator[PageImage | PageFailure]:
    """Yield one PageImage per page, rendering each only when asked for the next one.

    A page that cannot be rendered (too large, damaged) is yielded as a :class:`PageFailure`
    and the following pages go on; whole-document problems raise PermanentError subclasses.
    """
    path = Path(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    if doc.media_type == PDF:
        yield from _pdf_pages(doc, path, out_dir, settings)
    elif doc.media_type == TIFF and doc.page_count > 1:
        yield from _tiff_pages(doc, path, out_dir, settings)
    else:
        yield _single_image(doc, path, settings)


def _single_image(doc: SourceDocument, path: Path, settings: Settings) -> PageImage:
    with Image.open(path) as img:
        check_pixels(img.width, img.height, settings, str(path))
        return PageImage(
            sha256=doc.sha256,
            page=1,
            path=str(path),
            dpi=image_dpi(img, settings.dpi),
            width=img.width,
            height=img.height,
        )


def _failure(doc: SourceDocument, page: int, error: AtharError) -> PageFailure:
    return PageFailure(doc.sha256, page, error.code, error.message, error.retryable)


def _tiff_pages(
    doc: SourceDocument, path: Path, out_dir: Path, settings: Settings
) -> Iterator[PageImage | PageFailure]:
    previous = Image.MAX_IMAGE_PIXELS
    for index in range(doc.page_count):
        number = index + 1
        Image.MAX_IMAGE_PIXELS = None  # own limit checked before loading each frame
        try:
            with Image.open(path) as img:
                img.seek(index)
                check_pixels(img.width, img.height, settings, f"{path} page {number}")
                dpi = image_dpi(img, settings.dpi)
                if has_transparency(img):
                    frame = on_white(img)
                else:
                    frame = img.convert("L") if img.mode not in ("L", "RGB") else img.copy()
        except ImageTooLargeError as exc:
            yield _failure(doc, number, exc)
            continue
        except (OSError, EOFError, ValueError, SyntaxError) as exc:
            yield _failure(doc, number, CorruptFileError(f"page {number} is damaged ({type(exc).__name__})."))
            continue
        finally:
            Image.MAX_IMAGE_PIXELS = previous
        target = out_dir / f"page-{number:05d}.png"
        frame.save(target, "PNG", compress_level=1, dpi=(dpi, dpi))
        yield PageImage(doc.sha256, number, str(target), dpi, frame.width, frame.height)
        del frame


PAGE_SIZE = re.compile(rb"Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts")


def pdf_page_size(path: Path, number: int, timeout: float) -> tuple[float, float]:
    """Width and height in points of one PDF page, asked of poppler's pdfinfo (nothing held in memory).

    (0, 0) when pdfinfo cannot tell; pdftoppm then reports the damage.
    """
    try:
        out = subprocess.run(
            ["pdfinfo", "-f", str(number), "-l", str(number), str(path)],
            capture_output=True,
            timeout=timeout,
            check=False,
        ).stdout
    except subprocess.TimeoutExpired:
        return 0.0, 0.0
    match = PAGE_SIZE.search(out)
    return (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)


def _pdf_pages(
    doc: SourceDocument, path: Path, out_dir: Path, settings: Settings
) -> Iterator[PageImage | PageFailure]:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import (
        PDFInfoNotInstalledError,
        PDFPageCountError,
        PDFPopplerTimeoutError,
        PDFSyntaxError,
    )

    if shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None:
        raise ToolMissingError(f"poppler (pdftoppm/pdfinfo) is not installed: {POPPLER_HINT}.")
    dpi = settings.dpi
    for number in range(1, doc.page_count + 1):
        width_pt, height_pt = pdf_page_size(path, number, settings.tesseract_timeout)
        try:
            check_pixels(
                round(width_pt * dpi / 72),
                round(height_pt * dpi / 72),
                settings,
                f"page {number} at {dpi} dpi",
            )
        except ImageTooLargeError as exc:
            yield _failure(doc, number, exc)
            continue
        try:
            paths = convert_from_path(
                str(path),
                dpi=dpi,
                first_page=number,
                last_page=number,
                output_folder=str(out_dir),
                output_file=f"page-{number:05d}",
                single_file=True,
                fmt="ppm",
                grayscale=True,
                paths_only=True,
                timeout=int(settings.tesseract_timeout),
            )
        except PDFInfoNotInstalledError:
            raise ToolMissingError(f"poppler (pdfinfo) is not installed: {POPPLER_HINT}.") from None
        except PDFPopplerTimeoutError:
            yield _failure(
                doc, number, ToolTimeoutError(f"poppler took too long on page {number}; retry later.")
            )
            continue
        except (PDFPageCountError, PDFSyntaxError) as exc:
            yield _failure(
                doc,
                number,
                CorruptPdfError(f"poppler could not read page {number} ({exc}); get a fresh copy."),
            )
            continue
        rendered = Path(str(paths[0])) if paths else None  # paths_only=True: file paths, not images
        if rendered is None or not rendered.exists():
            yield _failure(
                doc,
                number,
                ToolFailedError(f"poppler rendered nothing for page {number}; the page may be damaged."),
            )
            continue
        with Image.open(rendered) as img:
            width, height = img.size
        yield PageImage(doc.sha256, number, str(rendered), dpi, width, height)
