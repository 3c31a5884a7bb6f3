"""`athar reprocess`: re-run documents, low-confidence pages or an older pipeline version's output."""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.errors import ConfigurationError
from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser("reprocess", help="re-run stored documents (old versions stay in provenance)")
    parser.add_argument("sha256", nargs="*", help="documents to re-run (sha256 or a prefix of 8+ characters)")
    parser.add_argument(
        "--below-confidence", type=float, metavar="N", help="re-recognise pages with mean confidence under N"
    )
    parser.add_argument("--older-versions", action="store_true", help="documents made by an older pipeline")
    parser.add_argument("--quarantined", action="store_true", help="retry quarantined documents")
    parser.add_argument("--all", action="store_true", help="every indexed document")
    parser.add_argument(
        "--keep-ocr",
        action="store_true",
        help="re-analyse and re-index from the cached OCR (after an NLP or index change); no page is re-read",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    chosen = (args.sha256, args.below_confidence is not None, args.older_versions, args.quarantined, args.all)
    if not any(chosen):
        raise ConfigurationError(
            "say what to re-run: sha256s, --below-confidence N, --older-versions, --quarantined or --all.",
            code="nothing_selected",
        )
    from app.reprocess import select
    from flows.reprocess import run_reprocess

    settings = load_settings()
    if args.sha256:
        # Unknown ids are refused here, in one line, before a flow (and a Prefect server) starts.
        select(settings, sha256s=args.sha256)
    result = run_reprocess(
        settings,
        sha256s=args.sha256 or None,
        below_confidence=args.below_confidence,
        older_versions=args.older_versions,
        include_quarantined=args.quarantined,
        every_indexed=args.all,
        keep_ocr=args.keep_ocr,
    )
    print(json.dumps(result))
    return 0
