"""The sample register page (samples/, fictional people) read by the real OCR and NLP stages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from athar.records import Analysis, OcrPage
from athar.settings import load_settings

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "register-page.png"


@dataclass(frozen=True)
class Read:
    page: OcrPage
    image: Path  # the upright page image the word boxes refer to
    analysis: Analysis


@pytest.fixture(scope="session")
def read_page(tmp_path_factory: pytest.TempPathFactory) -> Read:
    from nlp.analyze import analyze_pages
    from ocr.pipeline import extract_document

    work = tmp_path_factory.mktemp("export-page")
    scan = SAMPLE
    settings = load_settings().with_(data_dir=work / "var", jobs=1)
    doc = extract_document(scan, settings, work_dir=work / "ocr")
    page = doc.pages[0]
    assert page.image and Path(page.image).exists()
    return Read(page, Path(page.image), analyze_pages(list(doc.pages), settings))
