"""`athar person --name NAME`: find person records by name (Arabic or Latin), mother, birth year, place."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "person", help="find a person by name (Arabic or Latin), mother, birth year, place"
    )
    parser.add_argument("--name", required=True, help="full or partial name, Arabic or Latin script")
    parser.add_argument("--mother", help="mother's name (boosts matching records)")
    parser.add_argument("--born", help="birth year (±1 year tolerated)")
    parser.add_argument("--place", help="birth place, or a place of arrest/detention/transfer")
    parser.add_argument("--size", type=int, default=10, help="number of results (1-100)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from athar.settings import load_settings
    from index.client import make_client
    from index.query import person

    settings = load_settings()
    hits = person(
        make_client(settings),
        args.name,
        settings=settings,
        mother=args.mother,
        born=args.born,
        place=args.place,
        size=args.size,
    )
    if args.json:
        print(json.dumps({"hits": [h.to_json() for h in hits]}, ensure_ascii=False))
        return 0
    if not hits:
        print("no matching person records")
        return 0
    for rank, hit in enumerate(hits, 1):
        details = [
            f"mother {hit.mother}" if hit.mother else "",
            f"born {hit.birth_date}" if hit.birth_date else "",
            f"in {hit.birth_place}" if hit.birth_place else "",
        ]
        print(f"{rank:2}. {hit.name}  {'  '.join(d for d in details if d)}")
        print(f"    {hit.source} page {hit.page}  sha256 {hit.sha256[:16]}  score {hit.score:.2f}")
        print(f"    why: {', '.join(hit.why) or '-'}")
    return 0
