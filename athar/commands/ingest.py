"""`athar ingest PATH...`: extract (OCR) -> analyze (NLP) -> index, one document at a time.

Synchronous for now; the Prefect flows take this over for the inbox. A document that
fails is reported with its error code and the others go on; the exit status is 2 when
any document failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from athar.errors import AtharError, UnreadablePathError

log = logging.getLogger(__name__)
SCAN_SUFFIXES = frozenset((".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".webp"))


def register(sub: Any) -> None:
    parser = sub.add_parser("ingest", help="OCR, analyse and index scans/PDFs so they become searchable")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="scan or PDF files, or directories of them")
    parser.add_argument("--json", action="store_true", help="one JSON line per document instead of text")
    parser.set_defaults(func=run)


def _files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # In a directory only files named like scans; a file named explicitly is always tried.
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SCAN_SUFFIXES
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise UnreadablePathError(f"{raw}: no such file or directory.")
    return files


def run(args: argparse.Namespace) -> int:
    from athar.log import short
    from athar.settings import load_settings
    from index.client import make_client
    from index.load import load
    from index.schema import ensure_indices
    from nlp.analyze import analyze_pages
    from ocr.pipeline import extract_document

    settings = load_settings()
    client = make_client(settings)
    ensure_indices(client, settings)  # fail early (engine down) before spending minutes on OCR
    failed = 0
    for path in _files(args.paths):
        try:
            extracted = extract_document(path, settings)
            analysis = analyze_pages(extracted.pages, settings)
            extracted = replace(extracted, analysis=analysis)
            report = load(client, settings, [extracted], refresh=True)
        except AtharError as exc:
            failed += 1
            line = {"path": str(path), "status": "failed", **exc.to_json()}
            if args.json:
                print(json.dumps(line, ensure_ascii=False))
            else:
                print(f"{path}: failed [{exc.code}] {exc.message}", file=sys.stderr)
            continue
        status = "indexed" if report.ok and not extracted.failures else "partial"
        failed += 0 if report.ok else 1
        if args.json:
            print(
                json.dumps(
                    {
                        "path": str(path),
                        "status": status,
                        "sha256": extracted.document.sha256,
                        "doc_type": analysis.doc_type,
                        "pages": report.pages,
                        "pages_failed": len(extracted.failures),
                        "persons": report.persons,
                        "index_failures": [f.__dict__ for f in report.failures],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(
                f"{path}: {status} {short(extracted.document.sha256)} [{analysis.doc_type or 'other'}] "
                f"{report.pages} pages ({len(extracted.failures)} failed), {report.persons} persons"
            )
            for failure in report.failures:
                print(f"  index refused {failure.kind} {failure.id}: {failure.status} {failure.reason}")
    return 2 if failed else 0
