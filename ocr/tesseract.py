"""The one wrapper around the Tesseract program (via pytesseract).

Checks that the binary and the language data exist, always runs with
``OMP_THREAD_LIMIT=1`` (threads are many times slower on few cores; we
parallelise across pages with processes), always passes the real DPI, and
turns failures into the project's errors: timeouts are retryable, the rest
permanent, and a missing program or model says how to install it.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from athar.errors import ToolFailedError, ToolMissingError, ToolTimeoutError

os.environ["OMP_THREAD_LIMIT"] = "1"

DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


@dataclass(frozen=True)
class TsvWord:
    """One word row of Tesseract's TSV output."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    """'tesseract 5.3.0' or ToolMissingError."""
    import pytesseract

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise ToolMissingError(
            "Tesseract is not installed; run 'make' or 'apt-get install tesseract-ocr tesseract-ocr-ara "
            "tesseract-ocr-script-arab'."
        )
    try:
        return f"tesseract {pytesseract.get_tesseract_version()}"
    except Exception as exc:
        raise ToolMissingError(f"Tesseract does not run ({exc}); reinstall tesseract-ocr.") from None


def model_path(lang: str, tessdata_dir: str | None) -> Path:
    """Where the model file for one language would be read from."""
    base = Path(tessdata_dir) if tessdata_dir else Path(os.environ.get("TESSDATA_PREFIX", DEBIAN_TESSDATA))
    return base / f"{lang}.traineddata"


@functools.lru_cache(maxsize=32)
def check_languages(langs: str, tessdata_dir: str | None) -> str:
    """Verify every model in 'ara+Arabic' exists; return a description such as 'ara(best_int)'."""
    tesseract_version()
    described = []
    for lang in langs.split("+"):
        path = model_path(lang, tessdata_dir)
        if not path.exists():
            package = "tesseract-ocr-script-arab" if lang == "Arabic" else f"tesseract-ocr-{lang.lower()}"
            raise ToolMissingError(
                f"Tesseract language data '{lang}' not found at {path}; "
                f"run 'make' or 'apt-get install {package}'."
            )
        size = path.resolve().stat().st_size
        kind = "best_int" if tessdata_dir and not path.is_symlink() and size > 2_000_000 else "debian"
        described.append(f"{lang}({kind})")
    return "+".join(described)


def _config(psm: int, dpi: int, tessdata_dir: str | None, extra: str = "") -> str:
    parts = [f"--psm {psm}", f"--dpi {dpi}"]
    if tessdata_dir:
        parts.insert(0, f'--tessdata-dir "{tessdata_dir}"')
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _translate(exc: Exception, what: str, timeout: float) -> Exception:
    import pytesseract

    if isinstance(exc, pytesseract.TesseractNotFoundError):
        return ToolMissingError("Tesseract is not installed; run 'make' or 'apt-get install tesseract-ocr'.")
    if isinstance(exc, RuntimeError) and "timeout" in str(exc).lower():
        return ToolTimeoutError(
            f"Tesseract took over {timeout:.0f}s on {what}; retry, or raise ATHAR_TESSERACT_TIMEOUT."
        )
    if isinstance(exc, pytesseract.TesseractError):
        message = str(exc.message if hasattr(exc, "message") else exc)
        if "Failed loading language" in message or "Error opening data file" in message:
            return ToolMissingError(f"Tesseract language data missing ({message.strip()[:160]}); run 'make'.")
        return ToolFailedError(f"Tesseract rejected {what}: {message.strip()[:200]}")
    return ToolFailedError(f"Tesseract failed on {what}: {type(exc).__name__}: {str(exc)[:200]}")


def parse_tsv(tsv: str) -> list[TsvWord]:
    """Word rows (level 5) of Tesseract TSV, in Tesseract's reading order."""
    words = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        words.append(
            TsvWord(
                text=text,
                conf=float(row["conf"]),
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                block=int(row["block_num"]),
                par=int(row["par_num"]),
                line=int(row["line_num"]),
            )
        )
    return words


def recognize(
    image_path: str | Path,
    *,
    lang: str,
    dpi: int,
    psm: int = 3,
    tessdata_dir: str | None = None,
    timeout: float = 180.0,
    want_hocr: bool = False,
    extra_config: str = "",
) -> tuple[list[TsvWord], str | None]:
    """Run Tesseract once on an image file; words from TSV and, if asked, the hOCR from the same run."""
    import pytesseract

    check_languages(lang, tessdata_dir)
    config = _config(psm, dpi, tessdata_dir, extra_config)
    what = Path(image_path).name
    try:
        if want_hocr:
            # One recognition, two outputs. Output names by -c variables: a --tessdata-dir without
            # configs/ cannot resolve the 'tsv'/'hocr' config files.
            with tempfile.TemporaryDirectory(prefix="athar-tess-") as tmp:
                base = str(Path(tmp) / "out")
                pytesseract.pytesseract.run_tesseract(
                    str(image_path),
                    base,
                    extension="",
                    lang=lang,
                    timeout=timeout,
                    config=f"{config} -c tessedit_create_tsv=1 -c tessedit_create_hocr=1",
                )
                tsv_text = Path(base + ".tsv").read_text(encoding="utf-8")
                hocr_text = Path(base + ".hocr").read_text(encoding="utf-8")
            return parse_tsv(tsv_text), hocr_text
        tsv = pytesseract.image_to_data(str(image_path), lang=lang, config=config, timeout=timeout)
        return parse_tsv(tsv), None
    except Exception as exc:
        raise _translate(exc, what, timeout) from None


def detect_orientation(image_path: str | Path, *, dpi: int, timeout: float = 60.0) -> tuple[int, float]:
    """Tesseract OSD: (clockwise rotation to apply, confidence); (0, 0.0) when it cannot tell."""
    import pytesseract

    tesseract_version()
    try:
        osd = pytesseract.image_to_osd(str(image_path), config=f"--psm 0 --dpi {dpi}", timeout=timeout)
    except pytesseract.TesseractError:
        return 0, 0.0  # too little text to decide
    except Exception as exc:
        raise _translate(exc, Path(image_path).name, timeout) from None
    rotate, conf = 0, 0.0
    for line in osd.splitlines():
        if line.startswith("Rotate:"):
            rotate = int(line.split(":")[1])
        elif line.startswith("Orientation confidence:"):
            conf = float(line.split(":")[1])
    return rotate, conf
