"""`athar ingest PATH...`: the same intake and processing as a watch run, for files given by hand.

Each file is stored in the originals store and recorded in the state store, then processed
(OCR with the OCR cache, analysis, index) by the application layer (:mod:`app.ingest`), so the
result is the same as dropping the files into the inbox. In folders, files are recognised by
their content (magic bytes), not their names. A document that fails is reported with its error
code and the others go on; the exit status is 2 when any document failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("ingest", help="OCR, analyse and index scans/PDFs so they become searchable")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="scan or PDF files, or directories of them")
    parser.add_argument("--json", action="store_true", help="one JSON line per document instead of text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.ingest import ingest, scan_files
    from app.state import INDEXED, open_state
    from athar.log import short
    from athar.settings import load_settings

    settings = load_settings()
    files = scan_files(args.paths)  # a missing path fails here, before any OCR
    store = open_state(settings)
    failed = 0
    for outcome in ingest(files, settings):
        summary = outcome.summary
        if outcome.error is not None or summary is None or summary.state != INDEXED:
            failed += 1
        if outcome.error is not None or summary is None:
            code = outcome.error.code if outcome.error else "not_processed"
            message = outcome.error.message if outcome.error else "the document was not processed."
            line: dict[str, Any] = {
                "path": outcome.path,
                "status": "failed",
                "code": code,
                "message": message,
            }
        else:
            row = store.document(summary.sha256)
            status = "partial" if summary.state == INDEXED and summary.failures else summary.state
            line = {
                "path": outcome.path,
                "status": status,
                "sha256": summary.sha256,
                "doc_type": summary.doc_type,
                "pages": summary.pages,
                "pages_failed": len(summary.failures),
                "persons": summary.persons,
                "failures": list(summary.failures),
            }
            if summary.state != INDEXED and row is not None:
                line.update(code=row.code, message=row.message)
        if args.json:
            print(json.dumps(line, ensure_ascii=False))
        elif line["status"] in ("indexed", "partial"):
            print(
                f"{outcome.path}: {line['status']} {short(line['sha256'])} [{line['doc_type'] or 'other'}] "
                f"{line['pages']} pages ({line['pages_failed']} failed), {line['persons']} persons"
            )
        else:
            print(
                f"{outcome.path}: {line['status']} [{line.get('code')}] {line.get('message')}",
                file=sys.stderr,
            )
    return 2 if failed else 0
