"""`athar history SHA [--json]`: engine readings and corrections of a document, in order."""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser("history", help="engine readings and corrections of a document, in order")
    parser.add_argument("sha256", metavar="SHA", help="the document (sha256 or a prefix of 8+ characters)")
    parser.add_argument("--json", action="store_true", help="one JSON object per entry")
    parser.set_defaults(func=run)


def _line(entry: dict[str, Any]) -> str:
    if entry["kind"] == "reading":
        return (
            f"{entry['at']}  reading     athar {entry['pipeline_version']}; {entry['engine']};"
            f" {entry['model']}; {entry.get('pages')} pages, mean confidence {entry.get('mean_confidence')}"
        )
    target = entry["target"]
    where = f"page {target['page']} {target['kind']} {target['index']}"
    if target.get("field"):
        where += f" {target['field']}"
    flag = "  [FLAGGED: its box is gone from the current OCR]" if entry.get("flagged") else ""
    if entry["kind"] == "revert":
        change = f"reverts v{entry['reverts']} ({entry['before']!s})"
    else:
        change = f"{entry['before']!s} -> {entry['text']!s}"
    why = f"  ({entry['why']})" if entry.get("why") else ""
    head = f"{entry['at']}  v{entry['version']:<3d} {entry['kind']:<10s} {where}"
    return f"{head}: {change}  by {entry['by']}{why}{flag}"


def run(args: argparse.Namespace) -> int:
    from app import corrections

    settings = load_settings()
    entries = corrections.history(settings, corrections.resolve(settings, args.sha256))
    for entry in entries:
        print(json.dumps(entry, ensure_ascii=False) if args.json else _line(entry))
    return 0
