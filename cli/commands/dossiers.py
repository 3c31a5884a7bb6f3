"""`athar dossiers [--json]`: every dossier (singletons too), one line each."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("dossiers", help="list person dossiers (one person across documents)")
    parser.add_argument("--json", action="store_true", help="JSON Lines, one object per dossier")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.dossiers import dossiers
    from athar.settings import load_settings

    for d in dossiers(load_settings()):
        if args.json:
            print(json.dumps(d.summary_json(), ensure_ascii=False))
            continue
        born = f"  born {d.birth_year}" if d.birth_year else ""
        mother = f"  mother {d.mother}" if d.mother else ""
        print(f"{d.id}  {d.name}{mother}{born}  [{len(d.mentions)} records, {d.review}]")
    return 0
