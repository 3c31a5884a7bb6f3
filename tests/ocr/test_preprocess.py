"""Deskew and binarisation choice on generated pages (no OCR needed for the angle)."""

from __future__ import annotations

import numpy as np
import pytest

from ocr import preprocess as pre
from tests.synth import degrade, make_page, render_page


@pytest.mark.parametrize("seed", [31, 32, 33, 34])
def test_deskew_within_half_a_degree(seed: int) -> None:
    img = render_page(
        make_page(seed, ("prison_register", "court_record", "death_report", "transfer_list")[seed % 4]),
        seed=seed,
    )
    turned, info = degrade(img, "rotate", seed=seed)
    estimate = pre.estimate_skew(np.asarray(turned))
    assert abs(estimate - float(info["rotation"])) <= 0.5  # type: ignore[arg-type]
    upright = pre.rotate(np.asarray(turned), -estimate)
    assert abs(pre.estimate_skew(upright)) <= 0.5


def test_sideways_pages_are_noticed() -> None:
    img = np.asarray(render_page(make_page(35, "court_record"), seed=35))
    assert not pre.looks_sideways(img)
    assert pre.looks_sideways(np.rot90(img).copy())


def test_noise_level_separates_clean_from_noisy() -> None:
    img = render_page(make_page(36, "death_report"), seed=36)
    noisy, _ = degrade(img, "noise", seed=36)
    assert pre.noise_level(np.asarray(noisy)) > 3 * pre.noise_level(np.asarray(img))


@pytest.mark.parametrize("method", pre.BINARIZATIONS)
def test_binarisations_keep_the_page_shape(method: str) -> None:
    img = np.asarray(render_page(make_page(37, "death_report"), seed=37, size="strip"))
    out = pre.binarize(img, method)
    assert out.shape == img.shape and out.dtype == np.uint8
