"""`athar extract` over many files: one stream of pages across documents, results in the order given."""

from __future__ import annotations

from pathlib import Path

from athar.errors import AtharError
from athar.records import ExtractedDocument
from athar.settings import Settings
from ocr.pipeline import extract_document, extract_documents, new_executor
from tests.ocr.conftest import ROOT

SAMPLES = ROOT / "samples"


def _words(doc: ExtractedDocument) -> list[list[tuple[str, tuple[int, int, int, int]]]]:
    return [[(w.text, w.bbox) for w in page.words] for page in doc.pages]


def test_stream_matches_one_document_at_a_time_in_order(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "notes.png"
    bad.write_text("not an image", encoding="utf-8")
    sources = [
        SAMPLES / "court-and-death-report.pdf",  # two pages
        bad,
        SAMPLES / "register-page.png",
        SAMPLES / "transfer-list-scan.jpg",
    ]
    with new_executor(2) as pool:
        streamed = list(
            extract_documents(sources, settings, lambda n: tmp_path / f"s{n}", jobs=2, executor=pool)
        )
        one_by_one = [
            extract_document(s, settings, work_dir=tmp_path / f"o{i}", executor=pool)
            for i, s in enumerate(sources)
            if s != bad
        ]
    assert [source for source, _ in streamed] == [str(s) for s in sources]
    assert isinstance(streamed[1][1], AtharError) and streamed[1][1].code
    docs = [doc for _, doc in streamed if isinstance(doc, ExtractedDocument)]
    assert [d.document.page_count for d in docs] == [2, 1, 1]
    assert [[p.page for p in d.pages] for d in docs] == [[1, 2], [1], [1]]
    assert [_words(d) for d in docs] == [_words(d) for d in one_by_one]
    assert all(page.words for d in docs for page in d.pages)
