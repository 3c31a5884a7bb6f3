"""A small classifier for isolated digit glyphs (Eastern Arabic and Western).

Eastern Arabic digits are separate glyphs that never join, so a number in a
binarised line splits into one connected component per digit. Each component is
normalised to a 16×16 bitmap plus its shape ratios. A one-hidden-layer network
says which label it is; the distance to the nearest prototype of that label says
whether it looks like a real glyph at all (letters stand far from every digit).
Network and prototypes (``ocr/data/digit_templates.npz``) come from
``scripts/build_digit_templates.py``: 70 Arabic fonts drawn at scan sizes with
scan defects, none of them a font of the test-page generator, so the tests
measure fonts the classifier never saw.
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


def features(mask: np.ndarray, line_height: float) -> np.ndarray:
    """Feature vector of one glyph mask (ink = 1): square-padded 16×16 bitmap, aspect, relative height."""
    if mask.size and mask[0].any() and mask[-1].any() and mask[:, 0].any() and mask[:, -1].any():
        crop = mask.astype(np.float32)  # already cut to its ink, as components() gives it
    else:
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


@dataclass(frozen=True)
class _Model:
    prototypes: np.ndarray  # rows of features, sorted by label
    squares: np.ndarray  # squared norm of each prototype
    starts: np.ndarray  # first prototype of each label (every label has some)
    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


@functools.lru_cache(maxsize=1)
def _model() -> _Model:
    data = np.load(TEMPLATES)
    labels = data["labels"].astype(np.int64)
    order = np.argsort(labels, kind="stable")
    feats = np.ascontiguousarray(data["features"].astype(np.float32)[order])
    starts = np.searchsorted(labels[order], np.arange(len(LABELS)))
    f32 = {
        key: data[key].astype(np.float32)
        for key in ("mlp_mean", "mlp_scale", "mlp_w1", "mlp_b1", "mlp_w2", "mlp_b2")
    }
    return _Model(
        feats,
        (feats**2).sum(axis=1),
        starts,
        f32["mlp_mean"],
        f32["mlp_scale"],
        f32["mlp_w1"],
        f32["mlp_b1"],
        f32["mlp_w2"],
        f32["mlp_b2"],
    )


EASTERN_SET = "٠١٢٣٤٥٦٧٨٩/-"
WESTERN_SET = "0123456789/-"
_EASTERN = np.array([LABELS.index(ch) for ch in EASTERN_SET])
_WESTERN = np.array([LABELS.index(ch) for ch in WESTERN_SET])


@dataclass(frozen=True)
class Reading:
    """A glyph's best reading among all labels, among Eastern digits and among Western digits."""

    label: str
    distance: float
    eastern: tuple[str, float]
    western: tuple[str, float]


def _score(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per glyph and label: the network's score, and the distance to the nearest prototype of the label.

    The network (trained on many fonts and scan defects) tells which digit a glyph is; the prototype
    distance tells whether it looks like a real glyph of that label at all (letters are far from all).
    """
    model = _model()
    vectors = np.asarray(vectors, dtype=np.float32)
    squared = (
        (vectors**2).sum(axis=1)[:, None] + model.squares[None, :] - 2.0 * (vectors @ model.prototypes.T)
    )
    nearest = np.sqrt(np.maximum(np.minimum.reduceat(squared, model.starts, axis=1), 0.0))
    hidden = np.maximum(((vectors - model.mean) / model.scale) @ model.w1 + model.b1, 0.0)
    return hidden @ model.w2 + model.b2, nearest


def _pick(scores: np.ndarray, nearest: np.ndarray, allowed: np.ndarray) -> list[tuple[str, float]]:
    winner = allowed[np.argmax(scores[:, allowed], axis=1)]
    distance = nearest[np.arange(len(winner)), winner]
    return [(LABELS[w], float(d)) for w, d in zip(winner, distance, strict=True)]


def classify_many(vectors: np.ndarray, allowed: str = LABELS) -> list[tuple[str, float]]:
    """Label of each row of ``vectors`` among ``allowed``, with the distance to its nearest prototype."""
    if len(vectors) == 0:
        return []
    scores, nearest = _score(vectors)
    return _pick(scores, nearest, np.array([LABELS.index(ch) for ch in allowed]))


def classify(vector: np.ndarray, allowed: str = LABELS) -> tuple[str, float]:
    """Label and distance of one glyph's feature vector (see :func:`classify_many`)."""
    return classify_many(vector[None, :], allowed)[0]


def read_glyphs(vectors: np.ndarray) -> list[Reading]:
    """Every glyph's reading among all labels, Eastern and Western digits, in one pass.

    Call it once per page with all candidate glyphs: one matrix product serves them all.
    """
    if len(vectors) == 0:
        return []
    scores, nearest = _score(vectors)
    return [
        Reading(label, distance, eastern, western)
        for (label, distance), eastern, western in zip(
            _pick(scores, nearest, np.arange(len(LABELS))),
            _pick(scores, nearest, _EASTERN),
            _pick(scores, nearest, _WESTERN),
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
