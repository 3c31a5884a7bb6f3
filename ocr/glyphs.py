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
    labels = data["labels"].astype(np.int64)
    order = np.argsort(labels, kind="stable")
    feats = np.ascontiguousarray(data["features"].astype(np.float32)[order])
    return feats, labels[order], (feats**2).sum(axis=1)


EASTERN_SET = "٠١٢٣٤٥٦٧٨٩/-"
WESTERN_SET = "0123456789/-"


@dataclass(frozen=True)
class Reading:
    """A glyph's best reading among all labels, among Eastern digits and among Western digits."""

    label: str
    distance: float
    eastern: tuple[str, float]
    western: tuple[str, float]


@functools.lru_cache(maxsize=8)
def _columns(allowed: str) -> np.ndarray:
    return np.flatnonzero(np.isin(_templates()[1], [LABELS.index(ch) for ch in allowed]))


def _distances(vectors: np.ndarray) -> np.ndarray:
    feats, _, feat_sq = _templates()
    vectors = np.asarray(vectors, dtype=np.float32)
    squared = (vectors**2).sum(axis=1)[:, None] + feat_sq[None, :] - 2.0 * (vectors @ feats.T)
    return np.sqrt(np.maximum(squared, 0.0))


def _vote(distances: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winning label index and its nearest distance per row: a distance-weighted vote of the nearest few."""
    k = min(NEIGHBOURS, distances.shape[1])
    nearest = np.argpartition(distances, k - 1, axis=1)[:, :k]
    near_d = np.take_along_axis(distances, nearest, axis=1)
    near_l = labels[nearest]
    votes = np.zeros((len(distances), len(LABELS)), dtype=np.float64)
    rows = np.repeat(np.arange(len(distances)), k)
    np.add.at(votes, (rows, near_l.ravel()), (1.0 / (1e-3 + near_d)).ravel())
    winner = votes.argmax(axis=1)
    best = np.where(near_l == winner[:, None], near_d, np.inf).min(axis=1)
    return winner, best


def _classify(distances: np.ndarray, allowed: str) -> list[tuple[str, float]]:
    labels = _templates()[1]
    if allowed != LABELS:
        columns = _columns(allowed)
        distances, labels = distances[:, columns], labels[columns]
    winner, best = _vote(distances, labels)
    return [(LABELS[w], float(d)) for w, d in zip(winner, best, strict=True)]


def classify_many(vectors: np.ndarray, allowed: str = LABELS) -> list[tuple[str, float]]:
    """Label and distance of each row of ``vectors``: a distance-weighted vote of the nearest templates.

    Fonts disagree on details (the teeth of ٢ and ٣), so the nearest few templates vote.
    """
    if len(vectors) == 0:
        return []
    return _classify(_distances(vectors), allowed)


def classify(vector: np.ndarray, allowed: str = LABELS) -> tuple[str, float]:
    """Label and distance of one glyph's feature vector (see :func:`classify_many`)."""
    return classify_many(vector[None, :], allowed)[0]


def read_glyphs(vectors: np.ndarray) -> list[Reading]:
    """Every glyph's reading among all labels, Eastern and Western digits, from one distance matrix.

    Call it once per page with all candidate glyphs: one matrix product serves them all.
    """
    if len(vectors) == 0:
        return []
    distances = _distances(vectors)
    return [
        Reading(label, distance, eastern, western)
        for (label, distance), eastern, western in zip(
            _classify(distances, LABELS),
            _classify(distances, EASTERN_SET),
            _classify(distances, WESTERN_SET),
            strict=True,
        )
    ]


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
