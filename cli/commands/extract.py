"""`athar extract PATH...`: OCR (and NLP) of scans, one JSON line per document."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from athar.errors import AtharError
from athar.records import Analysis, ExtractedDocument, OcrPage
from athar.settings import Settings, load_settings


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "extract",
        help="OCR scans (PDF, TIFF, JPEG, PNG, WebP), find persons, dates and places; JSON Lines out",
        description="Reads each scan, never modifies it, and prints one JSON object per document. "
        "A directory means every file in it. Exit status 1 if any document failed.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="scan files or directories")
    parser.add_argument("--jobs", type=int, default=None, help="OCR processes (default: ATHAR_JOBS or cores)")
    parser.add_argument("--lang", default=None, help="Tesseract languages (default: ara)")
    parser.add_argument("--summary", action="store_true", help="a readable summary instead of JSON Lines")
    parser.add_argument(
        "--no-nlp", action="store_true", help="OCR only: leave doc_type, entities, persons empty"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="keep upright page images and hOCR here (default: a temporary directory, removed at the end)",
    )
    parser.set_defaults(func=run)


def iter_inputs(paths: list[str]) -> Iterator[str]:
    """Files named, and every non-hidden file below directories named, in sorted order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield str(Path(root) / name)
        else:
            yield raw


def page_json(page: OcrPage) -> dict[str, Any]:
    """The JSON of one page in the `extract` contract."""
    return {
        "page": page.page,
        "text": page.text,
        "confidence": page.confidence,
        "words": [{"text": w.text, "conf": w.conf, "bbox": list(w.bbox)} for w in page.words],
        "preprocessing": page.preprocessing.to_json(),
        "engine": page.engine,
        "model": page.model,
        "width": page.width,
        "height": page.height,
        "dpi": page.dpi,
    }


def document_json(doc: ExtractedDocument, analysis: Analysis | None) -> dict[str, Any]:
    """The JSON line of one document: OCR pages plus, when analysed, doc type, entities and persons."""
    return {
        "source": doc.document.source,
        "sha256": doc.document.sha256,
        "media_type": doc.document.media_type,
        "page_count": doc.document.page_count,
        "has_text_layer": doc.document.has_text_layer,
        "doc_type": analysis.doc_type if analysis else None,
        "doc_type_confidence": analysis.doc_type_confidence if analysis else None,
        "pages": [page_json(p) for p in doc.pages],
        "page_failures": [f.to_json() for f in doc.failures],
        "entities": [m.to_json() for m in analysis.entities] if analysis else [],
        "persons": [p.to_json() for p in analysis.persons] if analysis else [],
    }


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.label = ""

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{self.label[:40]:40s} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 90 + "\r")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from ocr.pipeline import extract_documents, new_executor

    settings = load_settings()
    if args.jobs:
        settings = settings.with_(jobs=max(1, args.jobs))
    if args.lang:
        settings = settings.with_(lang=args.lang)
    analyze: Callable[[list[OcrPage], Settings], Analysis] | None = None
    if not args.no_nlp:
        from nlp.analyze import analyze_pages as analyze

    sources = list(iter_inputs(args.paths))
    progress = _Progress(sys.stderr)
    failed = 0
    rows: list[tuple[str, str]] = []
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="athar-extract-") as tmp,
        new_executor(settings.jobs) as pool,
    ):
        # One stream of pages over all documents (the workers never wait for a document's analysis).
        results = extract_documents(
            sources,
            settings,
            lambda number: (args.work_dir or Path(tmp)) / f"doc-{number:05d}",
            jobs=settings.jobs,
            executor=pool,
        )
        for number, (source, doc) in enumerate(results, 1):
            progress.label = Path(source).name
            progress(number, len(sources))
            analysis = None
            if isinstance(doc, ExtractedDocument):
                try:
                    analysis = analyze(list(doc.pages), settings) if analyze and doc.pages else None
                except AtharError as exc:
                    doc = exc
            if isinstance(doc, AtharError):
                failed += 1
                if args.summary:
                    rows.append((Path(source).name, f"FAILED [{doc.code}] {doc.message}"))
                else:
                    _emit({"source": source, "error": doc.to_json()})
                continue
            if doc.failures:
                failed += 1
            if args.summary:
                rows.append((Path(source).name, _summary(doc, analysis, time.monotonic() - started)))
            else:
                _emit_document(doc, analysis)
            started = time.monotonic()
        progress.end()
    if args.summary:
        for name, line in rows:
            print(f"{name}\n    {line}")
        print(f"\n{len(rows)} document(s), {failed} with errors")
    return 1 if failed else 0


def _summary(doc: ExtractedDocument, analysis: Analysis | None, seconds: float) -> str:
    pages = doc.pages
    conf = sum(p.confidence for p in pages) / len(pages) if pages else 0.0
    parts = [
        f"{doc.document.media_type}, {len(pages)}/{doc.document.page_count} pages read",
        f"mean confidence {conf:.0f}",
        f"{seconds:.1f}s",
    ]
    if analysis is not None:
        parts.append(f"type {analysis.doc_type or '?'}")
        parts.append(f"{len(analysis.persons)} person record(s), {len(analysis.entities)} entities")
    for failure in doc.failures:
        parts.append(f"page {failure.page} FAILED [{failure.code}]")
    return "; ".join(parts)


def _emit_document(doc: ExtractedDocument, analysis: Analysis | None) -> None:
    """Write one document's JSON line page by page, so a long document is never a second time in memory."""
    head = document_json(ExtractedDocument(doc.document, (), doc.failures), analysis)
    head_text = json.dumps(head, ensure_ascii=False)
    before, after = head_text.split('"pages": []', 1)
    out = sys.stdout
    out.write(before + '"pages": [')
    for index, page in enumerate(doc.pages):
        out.write(("," if index else "") + json.dumps(page_json(page), ensure_ascii=False))
    out.write("]" + after + "\n")
    out.flush()


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
