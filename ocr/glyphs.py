"""A small nearest-neighbour classifier for isolated digit glyphs (Eastern Arabic and Western).

Eastern Arabic digits are separate glyphs that never join, so a number in a
binarised word box splits into one connected component per digit. Each
component is normalised to a 16×16 bitmap plus its shape ratios and compared
with templates rendered from many Arabic fonts (``ocr/data/digit_templates.npz``,
built by ``scripts/build_digit_templates.py`` from fonts other than those used
by the test-page generator, so the tests measure fonts the classifier never saw).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

TEMPLATES = Path(__file__).with_name("data") / "digit_templates.npz"
LABELS = "٠١٢٣٤٥٦٧٨٩0123456789/-"
SIDE = 16
NEIGHBOURS = 7


@dataclass(frozen=True)
class Glyph:
    label: str
    distance: float
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 within the crop


def features(mask: np.ndarray, line_height: float) -> np.ndarray:
    """Feature vector of one glyph mask (ink = 1): square-padded 16×16 bitmap, aspect, relative height."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return np.zeros(SIDE * SIDE + 2, dtype=np.float32)
    crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    side = max(h, w)
    square = np.zeros((side, side), dtype=np.float32)
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = crop
    small = cv2.resize(square, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    aspect = w / max(1.0, h)
    rel_height = h / max(1.0, line_height)
    return np.concatenate([small.ravel(), [2.0 * np.log(aspect + 1e-3), 3.0 * rel_height]]).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _templates() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = np.load(TEMPLATES)
    feats = data["features"].astype(np.float32)
    return feats, data["labels"].astype(np.int64), (feats**2).sum(axis=1)


EASTERN_SET = "٠١٢٣٤٥٦٧٨٩/-"
WESTERN_SET = "0123456789/-"


@functools.lru_cache(maxsize=8)
def _allowed_mask(allowed: str) -> np.ndarray:
    return np.isin(_templates()[1], [LABELS.index(ch) for ch in allowed])


def classify_many(vectors: np.ndarray, allowed: str = LABELS) -> list[tuple[str, float]]:
    """Label and distance of each row of ``vectors``: a distance-weighted vote of the nearest templates.

    Fonts disagree on details (the teeth of ٢ and ٣), so the nearest few templates vote. One matrix
    product serves all glyphs of a line.
    """
    if len(vectors) == 0:
        return []
    feats, labels, feat_sq = _templates()
    vectors = np.asarray(vectors, dtype=np.float32)
    squared = (vectors**2).sum(axis=1)[:, None] + feat_sq[None, :] - 2.0 * vectors @ feats.T
    distances = np.sqrt(np.maximum(squared, 0.0))
    if allowed != LABELS:
        distances[:, ~_allowed_mask(allowed)] = np.inf
    k = min(NEIGHBOURS, distances.shape[1])
    nearest = np.argpartition(distances, k - 1, axis=1)[:, :k]
    out = []
    for row, indexes in enumerate(nearest):
        votes: dict[int, float] = {}
        best: dict[int, float] = {}
        for index in indexes:
            d = float(distances[row, index])
            if not np.isfinite(d):
                continue
            label = int(labels[index])
            votes[label] = votes.get(label, 0.0) + 1.0 / (1e-3 + d)
            best[label] = min(best.get(label, np.inf), d)
        winner = max(votes, key=lambda key: votes[key])
        out.append((LABELS[winner], best[winner]))
    return out


def classify(vector: np.ndarray, allowed: str = LABELS) -> tuple[str, float]:
    """Label and distance of one glyph's feature vector (see :func:`classify_many`)."""
    return classify_many(vector[None, :], allowed)[0]


def components(binary_crop: np.ndarray, min_area: int) -> list[tuple[np.ndarray, tuple[int, int, int, int]]]:
    """Connected ink components of a binarised crop (dark text on light paper), left to right."""
    ink = (binary_crop < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = []
    for index in range(1, count):
        x, y, w, h, area = stats[index]
        if area < min_area:
            continue
        out.append(
            (
                (labels[y : y + h, x : x + w] == index).astype(np.uint8),
                (int(x), int(y), int(x + w), int(y + h)),
            )
        )
    out.sort(key=lambda item: item[1][0])
    return out


def read_number(binary_crop: np.ndarray, line_height: float, max_distance: float) -> tuple[str, float] | None:
    """The number in a word crop if every component is a confident digit/separator glyph, else None.

    Returns the digits left to right (numbers are written left to right even in
    Arabic text) and the worst component distance.
    """
    min_area = max(4, int((line_height * 0.06) ** 2))
    comps = components(binary_crop, min_area)
    if len(comps) < 2:
        return None
    vectors = [features(mask, line_height) for mask, _ in comps]
    first = classify_many(np.asarray(vectors))
    if any(distance > max_distance for _, distance in first):
        return None
    # One number uses one digit set: re-read every glyph among the set most glyphs matched
    # (a Western 0 and an Eastern ٥ are the same oval).
    eastern = sum(1 for label, _ in first if label in "٠١٢٣٤٥٦٧٨٩")
    western = sum(1 for label, _ in first if label in "0123456789")
    allowed = EASTERN_SET if eastern >= western else WESTERN_SET
    glyphs = []
    for (label, distance), (_, box) in zip(classify_many(np.asarray(vectors), allowed), comps, strict=True):
        if distance > max_distance:
            return None
        glyphs.append(Glyph(label, distance, box))
    text = "".join(g.label for g in glyphs)
    if sum(ch not in "/-" for ch in text) < 2:
        return None
    return text, max(g.distance for g in glyphs)
