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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not (args.sha256 or args.below_confidence is not None or args.older_versions or args.quarantined):
        raise ConfigurationError(
            "say what to re-run: sha256s, --below-confidence N, --older-versions or --quarantined.",
            code="nothing_selected",
        )
    from flows.reprocess import run_reprocess

    result = run_reprocess(
        load_settings(),
        sha256s=args.sha256 or None,
        below_confidence=args.below_confidence,
        older_versions=args.older_versions,
        include_quarantined=args.quarantined,
    )
    print(json.dumps(result))
    return 0
