"""Web test fixtures: the index suite's real search node, and a tiny corpus ingested for real.

The corpus is two generated record pages (tests/synth.py) taken through the real pipeline:
- a PNG the way the flows process a drop: original stored, OCR through the flows' cached step
  (word boxes persisted), NLP, index; then the rendered pages are deleted as the flows do, so the
  web app must draw the page again from the original;
- a TIFF the way `athar ingest` does it (ocr.pipeline.extract_document, which keeps hOCR and the
  upright image beside it), so the word boxes come from hOCR.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from athar.arabic import normalize_arabic
from athar.records import ExtractedDocument, PageImage
from athar.settings import Settings, load_settings
from tests import synth


@dataclass(frozen=True)
class Ingested:
    sha256: str
    doc_type: str
    truth: synth.TruthPage
    extracted: ExtractedDocument
    original: Path


@dataclass(frozen=True)
class Corpus:
    flows_doc: Ingested  # original stored, boxes from the OCR cache
    ingest_doc: Ingested  # `athar ingest` style, boxes from hOCR
    word: str  # an Arabic word OCR read correctly on flows_doc's page
    person: synth.TruthPerson  # a person of flows_doc whose name OCR read correctly


@pytest.fixture(scope="session")
def web_settings(search_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("web-data")
    return load_settings().with_(
        search_url=search_url, index_prefix=f"w{uuid.uuid4().hex[:10]}", data_dir=data_dir, jobs=2
    )


@pytest.fixture(scope="session")
def client(web_settings: Settings) -> Iterator[Any]:
    from index.client import make_client

    client = make_client(web_settings)
    yield client
    client.indices.delete(index=f"{web_settings.index_prefix}-*", ignore_unavailable=True)
    for kind in ("documents", "pages", "persons"):
        client.indices.delete_index_template(name=f"{web_settings.index_prefix}-{kind}", ignore=[404])
    client.close()


def _ingest_like_flows(path: Path, settings: Settings, client: Any) -> tuple[str, ExtractedDocument, Path]:
    from app import steps
    from app.originals import store_original
    from app.reports import summarize
    from app.state import INDEXED, open_state
    from index.load import load

    with path.open("rb") as stream:
        sha256, original, _ = store_original(stream, settings)
    store = open_state(settings)
    store.add_document(sha256, original.stat().st_size)
    document = replace(steps.inspect_original(original, settings), source=path.name)
    pages = [
        steps.recognize_cached(image, settings)
        for image in steps.page_images(document, original, settings)
        if isinstance(image, PageImage)
    ]
    extracted = ExtractedDocument(
        document=document, pages=tuple(pages), analysis=steps.analyze(pages, settings)
    )
    report = load(client, settings, [extracted], refresh=True)
    assert report.ok, report.failures
    store.record_result(sha256, summarize(extracted, INDEXED).to_json())
    shutil.rmtree(settings.pages_dir / sha256, ignore_errors=True)  # as flows/process.py does
    return sha256, extracted, original


def _ingest_like_cli(path: Path, settings: Settings, client: Any) -> tuple[str, ExtractedDocument]:
    from index.load import load
    from nlp.analyze import analyze_pages
    from ocr.pipeline import extract_document

    extracted = extract_document(path, settings)
    extracted = replace(extracted, analysis=analyze_pages(extracted.pages, settings))
    report = load(client, settings, [extracted], refresh=True)
    assert report.ok, report.failures
    return extracted.document.sha256, extracted


def _read_correctly(text: str, candidates: list[str]) -> str | None:
    words = set(normalize_arabic(text).split())
    for candidate in candidates:
        if normalize_arabic(candidate) in words:
            return candidate
    return None


@pytest.fixture(scope="session")
def corpus(web_settings: Settings, client: Any, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("web-corpus")
    register = synth.make_page(11, "prison_register", rows=4)
    transfer = synth.make_page(12, "transfer_list", rows=3)
    png = folder / "register scan.png"
    synth.render_page(register, seed=11, font="amiri").save(png, dpi=(300, 300))
    tiff = folder / "transfer.tiff"
    synth.write_tiff([synth.render_page(transfer, seed=12, font="dejavu")], tiff)

    sha_a, extracted_a, original_a = _ingest_like_flows(png, web_settings, client)
    sha_b, extracted_b = _ingest_like_cli(tiff, web_settings, client)

    text = extracted_a.pages[0].text
    families = [p.family for p in register.persons if p.family and len(p.family) > 3]
    word = _read_correctly(text, families + [p.first for p in register.persons])
    assert word, "OCR read none of the generated names correctly; the OCR stage regressed"
    person = next(
        (p for p in register.persons if all(_read_correctly(text, [part]) for part in p.name.split())),
        None,
    )
    assert person is not None, "OCR read no full name of the generated register correctly"
    return Corpus(
        flows_doc=Ingested(sha_a, "prison_register", register, extracted_a, original_a),
        ingest_doc=Ingested(sha_b, "transfer_list", transfer, extracted_b, tiff),
        word=word,
        person=person,
    )


@pytest.fixture(scope="session")
def app(web_settings: Settings, client: Any, corpus: Corpus) -> Any:
    from web.app import create_app
    from web.auth import AuthConfig

    return create_app(web_settings, auth=AuthConfig(), client=client)
