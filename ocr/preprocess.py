"""Page image clean-up with OpenCV: grayscale, quarter-turn check, deskew, denoise, binarisation.

All functions take and return 8-bit grayscale numpy arrays (dark text on light
paper) and never touch files. Which binarisation to use is decided per page in
:mod:`ocr.recognize` from Tesseract's confidence; this module only offers the
candidates and the cheap measurements that guide the choice.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = np.ndarray  # 8-bit grayscale; OpenCV stubs return Mat or loosely typed arrays

BINARIZATIONS = ("otsu", "blur_otsu", "flatten_otsu", "gray", "adaptive")


def to_gray(image: NDArray[np.uint8]) -> Gray:
    """Grayscale copy of an 8-bit image (1, 3 or 4 channels)."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _ink(gray: Gray) -> Gray:
    """Ink mask (text white on black) from Otsu on a lightly blurred copy."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def _line_blobs(gray: Gray, *, horizontal: bool) -> list[Any]:
    """minAreaRect of word/line blobs after smearing ink along one axis."""
    mask = _ink(cv2.medianBlur(gray, 5))  # median first: grain and speckle would bridge lines
    scale = max(gray.shape) / 2500.0
    length = max(9, int(35 * scale))
    kernel = np.ones((3, length), np.uint8) if horizontal else np.ones((length, 3), np.uint8)
    smeared = cv2.dilate(mask, kernel)
    contours, _ = cv2.findContours(smeared, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_len = 4 * length
    rects = []
    for contour in contours:
        rect = cv2.minAreaRect(contour)
        (w, h) = rect[1]
        if max(w, h) >= min_len and min(w, h) >= 3 and max(w, h) >= 3 * min(w, h):
            rects.append(rect)
    return rects


def looks_sideways(gray: Gray) -> bool:
    """True when text lines run vertically (the page is turned 90 or 270 degrees).

    Evidence: smearing ink horizontally makes long thin blobs on an upright page,
    smearing vertically does so on a sideways one; whichever yields more blob
    length wins.
    """
    small = _downscale(gray, 1200)
    along = sum(max(r[1]) for r in _line_blobs(small, horizontal=True))
    across = sum(max(r[1]) for r in _line_blobs(small, horizontal=False))
    return across > 1.5 * along


def estimate_skew(gray: Gray) -> float:
    """Skew in degrees (counter-clockwise positive, as drawn); 0.0 when no text lines are found.

    Coarse: the length-weighted median angle of text-line blobs (``minAreaRect``), within ±15°.
    Fine: the angle within ±1° of it (then 0.05° steps) that makes the row projection of the ink sharpest.
    """
    coarse = _median_line_angle(_downscale(gray, 1200))
    small = _ink(_downscale(gray, 1000))
    ys, xs = np.nonzero(small)
    if len(xs) == 0:
        return round(coarse, 3)
    h, w = small.shape
    xc = xs.astype(np.float64) - w / 2
    yc = ys.astype(np.float64) - h / 2
    size = int(np.hypot(h, w)) + 3
    best = coarse
    for span, step in ((1.0, 0.25), (0.25, 0.05)):
        scores = {}
        for k in range(-round(span / step), round(span / step) + 1):
            angle = best + k * step
            scores[angle] = _projection_sharpness(xc, yc, angle, size)
        best = max(scores, key=lambda a: scores[a])
    return round(best, 3)


def _projection_sharpness(xc: NDArray[Any], yc: NDArray[Any], angle: float, size: int) -> float:
    """Variance of the row histogram of ink pixels (centred coordinates) once the page is turned by -angle.

    Rotating the pixel coordinates is several times cheaper than warping the image; each pixel's weight
    is split between its two nearest rows, as interpolation would.
    """
    theta = np.radians(angle)
    rows = yc * np.cos(theta) + xc * np.sin(theta) + size / 2
    low = np.floor(rows)
    frac = rows - low
    index = low.astype(np.int64)
    histogram = np.bincount(index, weights=1.0 - frac, minlength=size + 1)
    histogram += np.bincount(index + 1, weights=frac, minlength=size + 1)
    return float(np.var(histogram))


def _median_line_angle(gray: Gray) -> float:
    angles: list[float] = []
    weights: list[float] = []
    for rect in _line_blobs(gray, horizontal=True):
        points = cv2.boxPoints(rect)
        edges = [points[(i + 1) % 4] - points[i] for i in range(2)]
        dx, dy = max(edges, key=lambda e: float(e[0] ** 2 + e[1] ** 2))
        angle = float(np.degrees(np.arctan2(dy, dx)))  # clockwise on screen (y grows downwards)
        if angle > 90:
            angle -= 180
        elif angle <= -90:
            angle += 180
        if abs(angle) <= 15.0:
            angles.append(angle)
            weights.append(float(max(rect[1])))
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    # minAreaRect angles are clockwise in image coordinates: negate for counter-clockwise.
    return -median


def rotate(gray: NDArray[Any], degrees_ccw: float, *, fill: int = 255) -> NDArray[Any]:
    """Rotate by any angle counter-clockwise around the centre, growing the canvas, padding with ``fill``."""
    if abs(degrees_ccw) < 0.01:
        return gray
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees_ccw, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )


def rotate_clockwise(gray: Gray, degrees: int) -> Gray:
    """Exact quarter turn clockwise (0, 90, 180, 270)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = codes.get(degrees % 360)
    return gray if code is None else cv2.rotate(gray, code)


NOISE_WINDOW = 800  # pixels square at the page centre: grain shows on paper and ink alike


def noise_level(gray: Gray) -> float:
    """Rough pixel-noise estimate: mean absolute difference from a median-filtered copy.

    Measured at full resolution on a central window (downscaling the whole page cost more than
    the rest of the estimate and averaged the grain away). On generated pages clean, blurred,
    JPEG and 150-dpi scans measure below 1.2, grainy ones above 3.8.
    """
    h, w = gray.shape[:2]
    top, left = max(0, (h - NOISE_WINDOW) // 2), max(0, (w - NOISE_WINDOW) // 2)
    window = np.ascontiguousarray(gray[top : top + NOISE_WINDOW, left : left + NOISE_WINDOW])
    diff = cv2.absdiff(window, cv2.medianBlur(window, 3))
    return float(np.mean(diff))


BACKGROUND_STEP = 8  # the paper's brightness is estimated on a 1/8 copy ...
BACKGROUND_KERNEL = (
    9  # ... as its local maximum over 9x9 of those pixels (6 mm at 300 dpi: wider than strokes)
)


def _paper(gray: Gray) -> Gray:
    """The paper's brightness around each point, at 1/BACKGROUND_STEP scale (text and rules removed)."""
    h, w = gray.shape[:2]
    step = BACKGROUND_STEP
    if h < 4 * step or w < 4 * step:
        return np.full((1, 1), int(np.max(gray)) if gray.size else 255, dtype=np.uint8)
    small = cv2.resize(
        gray[: h // step * step, : w // step * step], (w // step, h // step), interpolation=cv2.INTER_AREA
    )
    return cv2.dilate(small, np.ones((BACKGROUND_KERNEL, BACKGROUND_KERNEL), np.uint8))


def background_unevenness(gray: Gray) -> float:
    """How much the paper's brightness varies across the page (95th minus 5th percentile, 0-255).

    Near 0 for flat scans; a photocopy or photo darker towards one edge measures above 100. Global
    thresholds fail there: the dark side's paper falls below the threshold with the text.
    """
    low, high = np.percentile(_paper(gray), (5, 95))
    return float(high - low)


def flatten(gray: Gray) -> Gray:
    """Divide the page by its paper brightness, so shadowed and bright parts share one threshold."""
    h, w = gray.shape[:2]
    paper = cv2.resize(_paper(gray), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(paper, 1), scale=255)


def denoise(gray: Gray) -> Gray:
    """Median filter that removes speckle and grain while keeping stroke edges."""
    return cv2.medianBlur(gray, 3)


def binarize(gray: Gray, method: str) -> Gray:
    """Apply one of :data:`BINARIZATIONS` ("gray" leaves thresholding to Tesseract)."""
    if method == "gray":
        return gray
    if method == "otsu":
        _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return out
    if method == "blur_otsu":
        _, out = cv2.threshold(cv2.GaussianBlur(gray, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return out
    if method == "flatten_otsu":
        _, out = cv2.threshold(flatten(gray), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return out
    if method == "adaptive":
        blurred = cv2.GaussianBlur(gray, (5, 5), 0)
        return cv2.adaptiveThreshold(blurred, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 41, 15)
    raise ValueError(f"unknown binarization {method!r}; use one of {BINARIZATIONS}")


def _downscale(gray: Gray, longest: int) -> Gray:
    h, w = gray.shape[:2]
    factor = longest / max(h, w)
    if factor >= 1.0:
        return gray
    # Linear, not area averaging: ten times cheaper at these factors, and only geometry is measured here.
    return cv2.resize(gray, (int(w * factor), int(h * factor)), interpolation=cv2.INTER_LINEAR)


LINE_BAND_SHARE = 0.35  # a row band this tall against the tallest one is another text line, not dots
LINE_MAX_HEIGHT = 8.0  # a line image is at most this many times as tall as its text band (margins)
BODY_GAP = 1.5  # line bodies closer than this many body heights are one body (lines are 3-4 apart)
LINE_MIN_ASPECT = 2.0  # a line image is at least twice as wide as tall; a sideways page has one band too
PROFILE_SIZE = 1000  # the profile is measured on a copy this long at most (a twentieth of the cost on a page)
CORE_SHARE = 0.5  # rows with this share of the densest row's ink: the body of a line around its baseline
INK_ROW = 0.004  # a row holds text when this share of its pixels is ink (speckle stays below)
CROP_MARGIN = 2  # pixels of paper kept around a line's ink when it is read as one raw line


def _runs(rows: NDArray[np.bool_]) -> list[tuple[int, int]]:
    bands: list[tuple[int, int]] = []
    start = None
    for y, inked in enumerate(rows):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            bands.append((start, y))
            start = None
    if start is not None:
        bands.append((start, len(rows)))
    return bands


def text_bands(gray: Gray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Runs of rows that hold ink, and runs of the densest rows (line bodies), top to bottom: the row
    projection profile. Lines set close together touch (descenders into ascenders) and share one run of
    inked rows, but each keeps its own body."""
    counts = np.count_nonzero(_ink(gray), axis=1)
    inked = _runs(counts > max(1, INK_ROW * gray.shape[1]))
    cores = _runs(counts >= CORE_SHARE * counts.max()) if counts.size and counts.max() else []
    if cores:
        # one body split by a thin lighter stripe (a row between the baseline stroke and the dots) is one
        body = max(b - t for t, b in cores)
        merged = [cores[0]]
        for top, bottom in cores[1:]:
            if top - merged[-1][1] < BODY_GAP * body:
                merged[-1] = (merged[-1][0], bottom)
            else:
                merged.append((top, bottom))
        cores = merged
    return inked, cores


def classify_layout(gray: Gray) -> tuple[str, dict[str, float]]:
    """The image is a "line" (one text line) or a "page", and the evidence (the row projection profile).

    A line image: one band of inked rows tall enough to be text, any other band (dots, vowel marks, the
    edge of a neighbouring line caught by the crop) under LINE_BAND_SHARE of its height, one line body
    (a page of lines that touch is one band of many bodies), and the image at
    most LINE_MAX_HEIGHT times the band's height (a page with a single line on it stays a page) and
    LINE_MIN_ASPECT times as wide as tall (every row of a sideways page holds ink: one band as well).
    """
    if gray.shape[1] < LINE_MIN_ASPECT * gray.shape[0]:
        return "page", {}  # upright or sideways (A-sizes are 1.41 : 1), a page is never a line
    small = _downscale(gray, PROFILE_SIZE)
    bands, cores = text_bands(small)
    if not bands:
        return "page", {"bands": 0.0}
    tallest = max(b - t for t, b in bands)
    lines = sum(1 for t, b in bands if b - t >= LINE_BAND_SHARE * tallest)
    ratio = small.shape[0] / max(1, tallest)
    evidence = {"bands": float(lines), "line_bodies": float(len(cores)), "height_to_band": round(ratio, 2)}
    one_line = lines == 1 and len(cores) == 1 and ratio <= LINE_MAX_HEIGHT
    return ("line" if one_line else "page"), evidence


def ink_box(gray: Gray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the ink on the image with CROP_MARGIN around it; the whole image if none."""
    mask = _ink(gray)
    ys, xs = np.nonzero(mask)
    h, w = gray.shape[:2]
    if len(xs) == 0:
        return 0, 0, w, h
    return (
        max(0, int(xs.min()) - CROP_MARGIN),
        max(0, int(ys.min()) - CROP_MARGIN),
        min(w, int(xs.max()) + 1 + CROP_MARGIN),
        min(h, int(ys.max()) + 1 + CROP_MARGIN),
    )
