"""Page-by-page rasterisation (flat memory) and the `athar extract` JSON Lines contract."""

from __future__ import annotations

import json
from pathlib import Path

from athar.settings import Settings
from ocr.intake import inspect
from ocr.rasterize import iter_page_images
from tests.ocr.conftest import ROOT, run_cli
from tests.synth import make_page, render_page, write_pdf, write_tiff


def test_pdf_pages_are_rendered_one_at_a_time(settings: Settings, tmp_path: Path) -> None:
    pdf = tmp_path / "five.pdf"
    write_pdf([render_page(make_page(i, "court_record"), seed=i, size="strip") for i in range(5)], pdf)
    doc = inspect(pdf, settings)
    assert (doc.media_type, doc.page_count, doc.has_text_layer) == ("application/pdf", 5, False)
    out = tmp_path / "pages"
    pages = iter_page_images(doc, pdf, out, settings)
    seen = []
    for page in pages:
        # only the page just rendered exists: nothing ahead of the consumer
        assert sorted(p.name for p in out.iterdir()) == [Path(page.path).name]  # type: ignore[union-attr]
        seen.append(page.page)  # type: ignore[union-attr]
        Path(page.path).unlink()  # type: ignore[union-attr]
    assert seen == [1, 2, 3, 4, 5]


def test_multipage_tiff_frames(settings: Settings, tmp_path: Path) -> None:
    tif = tmp_path / "two.tiff"
    write_tiff([render_page(make_page(i, "death_report"), seed=i, size="strip") for i in range(2)], tif)
    doc = inspect(tif, settings)
    assert (doc.media_type, doc.page_count) == ("image/tiff", 2)
    assert [p.page for p in iter_page_images(doc, tif, tmp_path / "p", settings)] == [1, 2]  # type: ignore[union-attr]


def test_type_is_sniffed_not_taken_from_the_name(settings: Settings, tmp_path: Path) -> None:
    misnamed = tmp_path / "scan.pdf"
    misnamed.write_bytes((ROOT / "samples" / "register-page.png").read_bytes())
    assert inspect(misnamed, settings).media_type == "image/png"


def test_extract_json_lines_contract(tmp_path: Path) -> None:
    result = run_cli(
        "extract", str(ROOT / "samples" / "court-and-death-report.pdf"), env={"ATHAR_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert {"source", "sha256", "media_type", "doc_type", "pages", "entities", "persons"} <= set(line)
    assert line["media_type"] == "application/pdf" and len(line["sha256"]) == 64
    assert [p["page"] for p in line["pages"]] == [1, 2]
    page = line["pages"][0]
    assert {"page", "text", "confidence", "words", "preprocessing"} <= set(page)
    word = page["words"][0]
    assert set(word) == {"text", "conf", "bbox"} and len(word["bbox"]) == 4
    assert page["preprocessing"]["binarization"]
    assert line["doc_type"] in ("court_record", "death_report")
    assert line["persons"] and all(e["page"] in (1, 2) for e in line["entities"])
