"""`athar status`: documents per state, the last runs and the quarantine (codes, never content)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.log import short
from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser("status", help="documents per state, last runs, quarantined documents")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5, help="how many recent runs to show (default 5)")
    parser.set_defaults(func=run)


def status_report(runs: int = 5) -> dict[str, Any]:
    """Counts per state, recent runs and quarantined documents, as plain data (:mod:`app.status`)."""
    from app.status import status_report as report

    return report(load_settings(), runs)


def run(args: argparse.Namespace) -> int:
    report = status_report(args.runs)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    counts = report["counts"]
    print(f"documents in {report['data_dir']} (inbox {report['inbox']}):")
    print("  " + "  ".join(f"{state}: {n}" for state, n in counts.items()))
    print("last runs:" if report["runs"] else "no runs yet")
    for r in report["runs"]:
        summary = r["summary"] or {}
        details = ", ".join(f"{k} {v}" for k, v in summary.items())
        print(f"  {r['started']}  {r['flow']:<17} {r['status']:<10} {details}")
    if report["integrity_failures"]:
        print("ORIGINALS FAILING THEIR FIXITY CHECK (restore from a backup or drop the good file again):")
        for sha256 in report["integrity_failures"]:
            print(f"  {sha256}")
    if report["skipped_objects"]:
        print("inbox objects not taken in (fix or remove them):")
        for o in report["skipped_objects"]:
            print(f"  {o['name']}: {o['reason']}")
    if report["quarantined"]:
        print("quarantined (fix the file, drop it again or run `athar reprocess --quarantined`):")
        for q in report["quarantined"]:
            print(f"  {short(q['sha256'])}  [{q['code']}] {q['message']}")
    return 0
