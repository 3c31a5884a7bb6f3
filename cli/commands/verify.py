"""`athar verify [--json] [--sample N]`: fixity — re-hash the stored originals; exit 1 naming every
original that is missing or no longer hashes to its name (recorded for `athar status`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "verify", help="re-hash every stored original (fixity); exit 1 and name each mismatch"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--sample",
        type=float,
        metavar="N",
        help="check only N originals at random (N >= 1), or that fraction of them (0 < N < 1)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.fixity import verify_originals

    report = verify_originals(load_settings(), sample=args.sample)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(f"{report.checked} of {report.total} originals re-hashed: {len(report.failures)} mismatch(es)")
        for failure in report.failures:
            print(f"MISMATCH {failure['sha256']} ({failure['problem']})")
        for sha256 in report.repaired:
            print(f"repaired {sha256} (verifies again)")
        if report.failures:
            print(
                "restore each from a backup, or drop the good file into the inbox again (its hash is checked)"
            )
    return 0 if report.ok else 1
