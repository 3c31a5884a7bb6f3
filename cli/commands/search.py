"""`athar search QUERY`: full-text search of the indexed pages, with highlighted snippets."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("search", help='full-text search: words, "phrases", AND/OR/NOT (+ | -)')
    parser.add_argument("query", help="e.g. '\"سجن صيدنايا\" أحمد -الخطيب'")
    parser.add_argument(
        "--type", dest="doc_type", help="prison_register, court_record, death_report, transfer_list"
    )
    parser.add_argument(
        "--from", dest="date_from", help="earliest date on the page: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    parser.add_argument("--to", dest="date_to", help="latest date on the page: YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--place", help="place or facility named on the page (Arabic or Latin)")
    parser.add_argument("--size", type=int, default=10, help="number of results (1-100)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many results (paging)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def _emphasis(snippet: str, tty: bool) -> str:
    from index.query import HIGHLIGHT_POST, HIGHLIGHT_PRE

    if not tty:
        return snippet
    return snippet.replace(HIGHLIGHT_PRE, "\033[1m").replace(HIGHLIGHT_POST, "\033[0m")


def run(args: argparse.Namespace) -> int:
    from athar.settings import load_settings
    from index.client import make_client
    from index.query import search

    settings = load_settings()
    result = search(
        make_client(settings),
        args.query,
        settings=settings,
        doc_type=args.doc_type,
        date_from=args.date_from,
        date_to=args.date_to,
        place=args.place,
        size=args.size,
        offset=args.offset,
    )
    from app.fixity import integrity_failures

    failed = set(integrity_failures(settings))  # originals failing fixity: flagged, never silently shown
    if args.json:
        out = result.to_json()
        for hit in out["hits"]:
            if hit["sha256"] in failed:
                hit["integrity_failed"] = True
        print(json.dumps(out, ensure_ascii=False))
        return 0
    tty = sys.stdout.isatty()
    shown = f"{args.offset + 1}-{args.offset + len(result.hits)}" if result.hits else "0"
    print(f"{result.total} matching pages (showing {shown})")
    for hit in result.hits:
        print()
        print(f"{hit.source}  page {hit.page}  [{hit.doc_type or 'unknown type'}]  score {hit.score:.2f}")
        print(f"  sha256 {hit.sha256[:16]}  dates {', '.join(hit.dates) or '-'}")
        if hit.sha256 in failed:
            print("  WARNING: this document's original failed its fixity check (see `athar verify`)")
        for snippet in hit.snippets:
            print(f"  … {_emphasis(snippet, tty)} …")
    return 0
