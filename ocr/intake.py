"""Look at an input file before any work: type from its bytes, size, sha256, page count, limits.

Never modifies, moves or deletes the file. Every problem becomes a
:class:`PermanentError` subclass with a stable code and a message saying what to do.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from athar.errors import (
    CorruptFileError,
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    FileTooLargeError,
    ImageTooLargeError,
    TooManyPagesError,
    UnreadablePathError,
    UnsupportedTypeError,
)
from athar.log import short
from athar.records import SourceDocument
from athar.settings import Settings

log = logging.getLogger(__name__)

PDF = "application/pdf"
TIFF = "image/tiff"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", TIFF)
SUPPORTED = "PDF, TIFF, JPEG, PNG or WebP"


def sniff_media_type(head: bytes) -> str | None:
    """Media type from the first bytes of a file (not its name), or None if unsupported."""
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _describe(head: bytes) -> str:
    sample = head[:512]
    try:
        sample.decode("utf-8")
        return "it looks like text"
    except UnicodeDecodeError:
        return "its first bytes match no supported format"


def inspect(path: str | Path, settings: Settings) -> SourceDocument:
    """Identify and check one input file; raises a PermanentError subclass for bad input."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise UnreadablePathError(
            f"Cannot read {path}: {exc.strerror or exc}; check the path and permissions."
        ) from None
    if not path.is_file():
        raise UnreadablePathError(f"{path} is not a regular file; give a file or a directory of files.")
    if stat.st_size == 0:
        raise EmptyFileError(f"{path} is empty (0 bytes); re-scan or re-copy the original.")
    if stat.st_size > settings.max_file_bytes:
        raise FileTooLargeError(
            f"{path} is {stat.st_size} bytes, over the limit of {settings.max_file_bytes}; split it or raise "
            "ATHAR_MAX_FILE_BYTES."
        )
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
            digest.update(head)
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise UnreadablePathError(f"Cannot read {path}: {exc.strerror or exc}; check permissions.") from None
    media_type = sniff_media_type(head)
    if media_type is None:
        raise UnsupportedTypeError(
            f"{path} is not a supported scan ({_describe(head)}); Athar reads {SUPPORTED} files, whatever "
            "their name says."
        )
    sha256 = digest.hexdigest()
    if media_type == PDF:
        page_count, has_text = _inspect_pdf(path, settings)
    else:
        page_count, has_text = _inspect_image(path, settings), None
    log.info("intake %s: %s, %d page(s)", short(sha256), media_type, page_count)
    return SourceDocument(
        source=str(path),
        sha256=sha256,
        size=stat.st_size,
        media_type=media_type,
        page_count=page_count,
        has_text_layer=has_text,
    )


def _inspect_pdf(path: Path, settings: Settings) -> tuple[int, bool]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise CorruptPdfError(
            f"{path} is a truncated PDF (no end-of-file marker); copy or download it again from the source."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))  # an owner password alone still lets us read
                except Exception:
                    opened = False
                if not opened:
                    raise EncryptedPdfError(
                        f"{path} is password-protected; remove the password (e.g. `qpdf --decrypt`) "
                        "and retry."
                    )
            count = len(reader.pages)
            if count > settings.max_pages:
                raise TooManyPagesError(
                    f"{path} has {count} pages, over the limit of {settings.max_pages}; split it or raise "
                    "ATHAR_MAX_PAGES."
                )
            has_text = False
            for page in reader.pages:
                resources = page.get("/Resources")
                if resources is not None and "/Font" in resources.get_object():
                    has_text = True
                    break
    except (EncryptedPdfError, TooManyPagesError):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise CorruptPdfError(f"{path} is a damaged PDF ({type(exc).__name__}); get a fresh copy.") from None
    if count == 0:
        raise CorruptPdfError(f"{path} is a PDF without pages; get a fresh copy.")
    return count, has_text


def check_pixels(width: int, height: int, settings: Settings, what: str) -> None:
    """Raise ImageTooLargeError if a page of this size would exceed Settings.max_pixels."""
    if width * height > settings.max_pixels:
        raise ImageTooLargeError(
            f"{what} is {width}x{height} pixels, over the limit of {settings.max_pixels} (a possible "
            "decompression bomb); scan at a lower resolution or raise ATHAR_MAX_PIXELS."
        )


def check_complete(img: Image.Image) -> None:
    """Raise (OSError, SyntaxError) if a freshly opened single-frame image is truncated or damaged.

    The cheapest check that still reads every byte of the image data: a PNG's chunk checksums and
    its end chunk (no inflating, about 20× cheaper than decoding a page); every entropy-coded block
    of a JPEG, decoded at 1/8 scale (no full-size inverse DCT); anything else is decoded in full.
    Must be called right after ``Image.open``.
    """
    if img.format == "PNG":
        img.verify()
    elif img.format == "JPEG":
        img.draft("L", (max(1, img.width // 8), max(1, img.height // 8)))
        img.load()
    else:
        img.load()


def _inspect_image(path: Path, settings: Settings) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            previous = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None  # we apply our own limit below, before decoding any pixels
            try:
                with Image.open(path) as img:
                    check_pixels(img.width, img.height, settings, str(path))
                    frames = int(getattr(img, "n_frames", 1))
                    if frames == 1:
                        check_complete(img)  # a truncated file fails here, as the document
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFileError(
            f"{path} is a damaged image ({type(exc).__name__}); re-scan or re-copy it."
        ) from None
    if frames > settings.max_pages:
        raise TooManyPagesError(
            f"{path} has {frames} pages, over the limit of {settings.max_pages}; split it or raise "
            "ATHAR_MAX_PAGES."
        )
    return frames
