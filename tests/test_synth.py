"""The generator every other test relies on: deterministic, truthful, and really degraded."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from tests.synth import (
    DEGRADATIONS,
    DOC_TYPES,
    degrade,
    make_page,
    make_prose,
    render_page,
    to_western,
    write_pdf,
    write_tiff,
)


def _digest(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_same_seed_same_page_and_pixels(doc_type: str) -> None:
    a, b = make_page(7, doc_type), make_page(7, doc_type)
    assert a == b
    assert _digest(render_page(a, seed=7, size="strip")) == _digest(render_page(b, seed=7, size="strip"))
    assert make_page(8, doc_type) != a


@pytest.mark.parametrize("doc_type", DOC_TYPES)
@pytest.mark.parametrize("digits", ["western", "eastern"])
def test_truth_is_drawn(doc_type: str, digits: str) -> None:
    page = make_page(11, doc_type, digits=digits)
    text = to_western(page.text)
    assert page.persons
    for person in page.persons:
        for part in (person.first, person.father, person.family, person.mother):
            assert part and part in text
        assert person.national_id and person.national_id in text
        assert person.birth_date and person.birth_date[:4] in text
    for surface, iso in page.dates:
        assert surface in page.text and iso[:4] in to_western(surface)
    western_digits = any(ch.isascii() and ch.isdigit() for ch in page.text)
    eastern_digits = any("٠" <= ch <= "٩" for ch in page.text)
    assert (western_digits, eastern_digits) == ((True, False) if digits == "western" else (False, True))
    assert all(n.isascii() and n.isdigit() and len(n) >= 2 for n in page.numbers)


def test_prose_mentions_every_person() -> None:
    text, persons, dates = make_prose(3)
    assert len(persons) >= 2 and dates
    for person in persons:
        assert person.name in text and person.mother and person.mother in text


@pytest.mark.parametrize("kind", DEGRADATIONS)
def test_degradations_change_pixels_and_say_what(kind: str) -> None:
    clean = render_page(make_page(5, "death_report"), seed=5, size="strip")
    bad, info = degrade(clean, kind, seed=5)
    assert info["kind"] == kind
    if bad.size == clean.size:
        assert (np.abs(np.asarray(bad, dtype=int) - np.asarray(clean, dtype=int)) > 10).mean() > 0.001
    if kind == "lowdpi":
        assert info["dpi"] == 150 and bad.width == clean.width // 2
    if kind == "rotate":
        assert 2.0 <= abs(float(info["rotation"])) <= 8.0  # type: ignore[arg-type]


def test_pdf_and_tiff_have_one_page_per_image(tmp_path) -> None:
    pages = [render_page(make_page(i, "court_record"), seed=i, size="strip") for i in range(3)]
    write_pdf(pages, tmp_path / "x.pdf")
    write_tiff(pages, tmp_path / "x.tiff")
    from pypdf import PdfReader

    assert len(PdfReader(str(tmp_path / "x.pdf")).pages) == 3
    with Image.open(tmp_path / "x.tiff") as tif:
        assert tif.n_frames == 3
