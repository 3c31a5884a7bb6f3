"""`athar link`: link every indexed person record not linked yet into dossiers (idempotent)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("link", help="link indexed person records into dossiers (what is not linked yet)")
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.dossiers import counts, link_pending
    from athar.settings import load_settings
    from index.client import make_client
    from index.schema import ensure_indices_once

    settings = load_settings()
    client = make_client(settings)
    ensure_indices_once(client, settings)  # nothing indexed yet: nothing to link, not an error
    report = link_pending(settings, client)
    totals = counts(settings)
    if args.json:
        print(json.dumps({**report.to_json(), "totals": totals}, ensure_ascii=False))
        return 0
    print(
        f"linked {report.mentions} person records ({report.links} automatic links, "
        f"{report.reviews} pairs for review) in {report.seconds:.1f}s; "
        f"{totals['mentions']} records in {totals['dossiers']} dossiers, "
        f"{totals['pending_review']} pairs waiting for review (`athar review`)"
    )
    return 0
