"""`athar review-words [--limit N] [--offset N] [--json] [--scan-all]`: low-confidence words to check.

Every indexed document's words read below the confidence threshold and not corrected yet, most
important first (mothers, names, birth dates, the rest of a person's record, dates, places), then
the least sure; the web app's `/review` page shows the same queue. `--scan-all` first scans every
document indexed before the queue existed (listing otherwise scans a few per call).
Each line gives what `athar correct SHA --page N --word I` needs.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("review-words", help="low-confidence words to check, most important first")
    parser.add_argument("--limit", type=int, default=50, help="words to list (default 50)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many (the next page)")
    parser.add_argument("--json", action="store_true", help="JSON Lines, one object per word")
    parser.add_argument(
        "--scan-all", action="store_true", help="first scan every document the queue does not hold yet"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app import corrections
    from athar.settings import load_settings

    settings = load_settings()
    if args.scan_all:
        corrections.backfill_review(settings, None)
    items = corrections.review_queue(settings, max(0, args.limit), max(0, args.offset))
    for item in items:
        if args.json:
            print(json.dumps(item, ensure_ascii=False))
        else:
            print(
                f"{item['sha256'][:12]}  --page {item['page']} --word {item['word']:<4d}  {item['role']:<10s}"
                f"  conf {item['conf']:5.1f}  {item['text']}"
            )
    if not args.json:
        size = corrections.review_size(settings)
        tail = f"; {size['unscanned']} documents not scanned yet" if size["unscanned"] else ""
        print(f"{size['words']} words in the queue{tail}")
    return 0
