"""The one wrapper around Tesseract: its library in-process for pages, its program for OSD.

Page recognition calls libtesseract's C API through ctypes: each worker
process loads the model once and hands Tesseract the thresholded page from
memory, with no image file written or decoded and no program started per page
(measured with bench/ocr.py). Orientation detection, rare, runs the
``tesseract`` program through pytesseract.

Checks that Tesseract and the language data exist, always runs with
``OMP_THREAD_LIMIT=1`` (threads are many times slower on few cores; we
parallelise across pages with processes), always passes the real DPI, and
turns failures into the project's errors: timeouts are retryable, the rest
permanent, and a missing program, library or model says how to install it.
"""

from __future__ import annotations

import atexit
import csv
import ctypes
import ctypes.util
import functools
import hashlib
import io
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from athar.errors import ToolFailedError, ToolMissingError, ToolTimeoutError

os.environ["OMP_THREAD_LIMIT"] = "1"

DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
# Athar's fine-tuned Arabic model (ocr/train/finetune.py); scripts/setup.sh installs it into .cache/tessdata.
SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "ara.traineddata"


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
    """Verify every model in 'ara+Arabic' exists; describe them, e.g. 'ara(athar-finetuned 1a2b3c4d)'.

    The kind is ``athar-finetuned`` for the model this project ships (``ocr/data/ara.traineddata``),
    ``best_int`` for another large model in a model folder, else ``debian``; the hex is the start of the
    model file's sha256, so every page records exactly which model read it."""
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
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        shipped = SHIPPED_MODEL.is_file() and hashlib.sha256(SHIPPED_MODEL.read_bytes()).hexdigest()
        if lang == "ara" and shipped == digest:
            kind = "athar-finetuned"
        elif tessdata_dir and not path.is_symlink() and size > 2_000_000:
            kind = "best_int"
        else:
            kind = "debian"
        described.append(f"{lang}({kind} {digest[:8]})")
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


TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
HOCR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" lang="ar">\n <head>\n  <title></title>\n'
    '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
    "  <meta name='ocr-system' content='{system}'/>\n"
    "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>\n"
    " </head>\n <body>\n"
)
HOCR_TAIL = " </body>\n</html>\n"


@functools.lru_cache(maxsize=1)
def _library() -> Any:
    """libtesseract with the C API signatures used here; ToolMissingError when it is not installed."""
    names = [n for n in (ctypes.util.find_library("tesseract"), "libtesseract.so.5") if n]
    for name in names:
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise ToolMissingError(
            "libtesseract is not installed; run 'make' or 'apt-get install tesseract-ocr' "
            "(it brings libtesseract5)."
        )
    vp, ci, cc = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    strings = ctypes.POINTER(cc)
    signatures: dict[str, tuple[list[Any], Any]] = {
        "TessBaseAPICreate": ([], vp),
        # handle, datapath, language, engine mode, configs, count, variable names, values, count, flag
        "TessBaseAPIInit4": ([vp, cc, cc, ci, strings, ci, strings, strings, ctypes.c_size_t, ci], ci),
        "TessBaseAPISetImage": ([vp, vp, ci, ci, ci, ci], None),
        "TessBaseAPISetImage2": ([vp, vp], None),
        "TessBaseAPISetSourceResolution": ([vp, ci], None),
        "TessBaseAPISetRectangle": ([vp, ci, ci, ci, ci], None),
        "TessBaseAPISetPageSegMode": ([vp, ci], None),
        "TessBaseAPISetVariable": ([vp, cc, cc], ci),
        "TessBaseAPIRecognize": ([vp, vp], ci),
        "TessBaseAPIGetTsvText": ([vp, ci], vp),
        "TessBaseAPIGetHOCRText": ([vp, ci], vp),
        "TessBaseAPIClear": ([vp], None),
        "TessBaseAPIEnd": ([vp], None),
        "TessBaseAPIDelete": ([vp], None),
        "TessDeleteText": ([vp], None),
        "TessMonitorCreate": ([], vp),
        "TessMonitorDelete": ([vp], None),
        "TessMonitorSetDeadlineMSecs": ([vp, ci], None),
    }
    for fname, (args, result) in signatures.items():
        fn = getattr(lib, fname)
        fn.argtypes = args
        fn.restype = result
    return lib


@functools.lru_cache(maxsize=1)
def _leptonica() -> Any:
    """Leptonica (Tesseract's image library) for handing over 1-bit pages; None if it cannot be loaded."""
    for name in (ctypes.util.find_library("lept"), "liblept.so.5", "libleptonica.so.6"):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.pixCreateNoInit.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.pixCreateNoInit.restype = ctypes.c_void_p
        lib.pixGetData.argtypes = [ctypes.c_void_p]
        lib.pixGetData.restype = ctypes.c_void_p
        lib.pixGetWpl.argtypes = [ctypes.c_void_p]
        lib.pixGetWpl.restype = ctypes.c_int
        lib.pixDestroy.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        lib.pixDestroy.restype = None
        return lib
    return None


def _bilevel_pix(lept: Any, image: np.ndarray) -> ctypes.c_void_p:
    """A 1-bit Leptonica Pix of a black-and-white page (1 = ink), so Tesseract need not threshold it."""
    h, w = image.shape
    pix = ctypes.c_void_p(lept.pixCreateNoInit(w, h, 1))
    if not pix.value:
        raise ToolFailedError(f"Leptonica could not allocate a {w}x{h} page; the machine is out of memory.")
    wpl = lept.pixGetWpl(pix)
    rows = np.zeros((h, wpl * 4), dtype=np.uint8)
    packed = np.packbits(image < 128, axis=1)
    rows[:, : packed.shape[1]] = packed
    # Leptonica keeps pixels in native 32-bit words, leftmost pixel in the most significant bit.
    words = rows.view(">u4").astype(np.uint32)
    ctypes.memmove(lept.pixGetData(pix), words.ctypes.data, words.nbytes)
    return pix


class _Engine:
    """One loaded model (a TessBaseAPI handle), reused for every page this process reads."""

    def __init__(self, lang: str, tessdata_dir: str | None, user_words: str | None = None) -> None:
        self.lib = _library()
        self.lock = threading.Lock()
        self.handle = self.lib.TessBaseAPICreate()
        datapath = str(model_path(lang.split("+")[0], tessdata_dir).parent)
        if user_words and not Path(user_words).is_file():
            self.lib.TessBaseAPIDelete(self.handle)
            raise ToolMissingError(
                f"Tesseract's word list {user_words} does not exist; restore it "
                "(ocr/data/make_name_words.py) or set ATHAR_USER_WORDS=none."
            )
        # init-time parameters: Tesseract reads the word list while it loads the model
        init_vars = [(b"user_words_file", str(user_words).encode())] if user_words else []
        names = (ctypes.c_char_p * len(init_vars))(*(k for k, _ in init_vars))
        values = (ctypes.c_char_p * len(init_vars))(*(v for _, v in init_vars))
        status = self.lib.TessBaseAPIInit4(
            self.handle, datapath.encode(), lang.encode(), 3, None, 0, names, values, len(init_vars), 0
        )
        if status != 0:
            self.lib.TessBaseAPIDelete(self.handle)
            raise ToolMissingError(f"Tesseract cannot load the '{lang}' model from {datapath}; run 'make'.")
        atexit.register(self.close)

    def close(self) -> None:
        if self.handle:
            self.lib.TessBaseAPIEnd(self.handle)
            self.lib.TessBaseAPIDelete(self.handle)
            self.handle = None

    def _text(self, pointer: int | None) -> str:
        if not pointer:
            return ""
        try:
            return ctypes.string_at(pointer).decode("utf-8", errors="replace")
        finally:
            self.lib.TessDeleteText(pointer)

    def read(
        self,
        image: np.ndarray,
        *,
        dpi: int,
        psm: int,
        timeout: float,
        want_hocr: bool,
        variables: dict[str, str],
        bilevel: bool = False,
        rect: tuple[int, int, int, int] | None = None,
    ) -> tuple[str, str | None, float]:
        """(TSV rows, hOCR page or None, seconds) for one 8-bit grayscale image (0/255 only if bilevel);
        ``rect`` (x0, y0, x1, y1) limits recognition to that part (boxes stay in image coordinates)."""
        pixels = np.ascontiguousarray(image, dtype=np.uint8)
        lib, handle = self.lib, self.handle
        lept = _leptonica() if bilevel else None
        pix = _bilevel_pix(lept, pixels) if lept is not None else None
        with self.lock:
            if pix is not None:
                lib.TessBaseAPISetImage2(handle, pix)  # Tesseract keeps its own reference
            else:
                lib.TessBaseAPISetImage(
                    handle, pixels.ctypes.data, pixels.shape[1], pixels.shape[0], 1, pixels.strides[0]
                )
            lib.TessBaseAPISetSourceResolution(handle, int(dpi))
            if rect is not None:
                x0, y0, x1, y1 = rect
                lib.TessBaseAPISetRectangle(handle, x0, y0, x1 - x0, y1 - y0)
            lib.TessBaseAPISetPageSegMode(handle, int(psm))
            for name, value in variables.items():
                lib.TessBaseAPISetVariable(handle, name.encode(), value.encode())
            monitor = lib.TessMonitorCreate()
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            started = time.monotonic()
            try:
                status = lib.TessBaseAPIRecognize(handle, monitor)
                elapsed = time.monotonic() - started
                if elapsed >= timeout:
                    raise ToolTimeoutError(
                        f"Tesseract took over {timeout:.0f}s on a page; "
                        "retry, or raise ATHAR_TESSERACT_TIMEOUT."
                    )
                if status != 0:
                    raise ToolFailedError(
                        "Tesseract could not recognise the page (the image may be empty or damaged)."
                    )
                tsv = self._text(lib.TessBaseAPIGetTsvText(handle, 0))
                hocr = self._text(lib.TessBaseAPIGetHOCRText(handle, 0)) if want_hocr else None
            finally:
                lib.TessMonitorDelete(monitor)
                lib.TessBaseAPIClear(handle)
                if pix is not None and lept is not None:
                    lept.pixDestroy(ctypes.byref(pix))
        return tsv, hocr, elapsed


@functools.lru_cache(maxsize=4)
def _engine(lang: str, tessdata_dir: str | None, user_words: str | None = None) -> _Engine:
    return _Engine(lang, tessdata_dir, user_words)


def recognize(
    image: np.ndarray,
    *,
    lang: str,
    dpi: int,
    psm: int = 3,
    tessdata_dir: str | None = None,
    timeout: float = 180.0,
    want_hocr: bool = False,
    invert_check: bool = True,
    bilevel: bool = False,
    user_words: str | None = None,
    rect: tuple[int, int, int, int] | None = None,
) -> tuple[list[TsvWord], str | None]:
    """Recognise one 8-bit grayscale page in-process: words from TSV and, if asked, a complete hOCR document.

    ``invert_check=False`` skips Tesseract's retry of each line as white-on-black text (7% of its
    time on pages that have none). ``bilevel=True`` says the image is already black and white (0 and
    255 only): it is handed over as a 1-bit image that Tesseract does not threshold again.
    ``user_words`` is a file of words (one per line) the recogniser prefers when a reading is close.
    ``rect`` (x0, y0, x1, y1) reads only that part of the image; boxes are still image coordinates.
    """
    model = check_languages(lang, tessdata_dir)
    if image.ndim != 2 or image.size == 0:
        raise ToolFailedError(f"Tesseract needs a non-empty grayscale image, got shape {image.shape}.")
    variables = {"tessedit_do_invert": "1" if invert_check else "0"}
    tsv, hocr_page, _ = _engine(lang, tessdata_dir, user_words).read(
        image,
        dpi=dpi,
        psm=psm,
        timeout=timeout,
        want_hocr=want_hocr,
        variables=variables,
        bilevel=bilevel,
        rect=rect,
    )
    hocr = None
    if hocr_page is not None:
        hocr = HOCR_HEAD.format(system=f"{tesseract_version()} {model}") + hocr_page + HOCR_TAIL
    return parse_tsv(TSV_HEADER + tsv), hocr


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
