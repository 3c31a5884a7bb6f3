"""`athar index migrate`: reindex into the next index version and swap the aliases (no downtime)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("index", help="manage the search indices (migrate to the current schema)")
    actions = parser.add_subparsers(dest="index_action", metavar="ACTION", required=True)
    migrate = actions.add_parser("migrate", help="reindex into a new version and swap the alias atomically")
    migrate.add_argument(
        "--kind",
        action="append",
        choices=("documents", "pages", "persons"),
        help="only this index (repeatable)",
    )
    migrate.add_argument("--delete-old", action="store_true", help="delete the previous index after the swap")
    migrate.add_argument("--json", action="store_true", help="print the result as JSON")
    migrate.set_defaults(func=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    from athar.settings import load_settings
    from index.client import make_client
    from index.schema import KINDS, migrate

    settings = load_settings()
    done = migrate(
        make_client(settings), settings, kinds=tuple(args.kind or KINDS), delete_old=args.delete_old
    )
    if args.json:
        print(json.dumps({"migrations": [m.__dict__ for m in done]}, ensure_ascii=False))
    for m in done if not args.json else ():
        note = " (old index deleted)" if m.deleted_old else ""
        print(f"{m.kind}: {m.old_index} -> {m.new_index}, {m.documents} entries{note}")
    return 0
