"""`athar saved add|list|remove|hits`: families' saved person searches and their watch list.

Saving, listing and removing are written to the audit log (who, when, what), as searches are.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("saved", help="saved person searches, re-run on every ingest; their watch list")
    actions = parser.add_subparsers(dest="action", metavar="add|list|remove|hits", required=True)
    add = actions.add_parser("add", help="save a person search (runs it once now, then on every ingest)")
    add.add_argument("--name", required=True, help="full or partial name, Arabic or Latin script")
    add.add_argument("--mother", help="mother's name")
    add.add_argument("--born", help="birth year")
    add.add_argument("--place", help="birth place, or a place of arrest/detention/transfer")
    add.add_argument("--by", required=True, help="who saves it (kept and audited)")
    add.add_argument("--webhook", help="POST new matches here (only with ATHAR_WATCH_WEBHOOKS=1)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=run_add)
    listing = actions.add_parser("list", help="the saved searches in force")
    listing.add_argument("--by", default="cli", help="who asks (audited)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    remove = actions.add_parser("remove", help="stop re-running a saved search (kept as history)")
    remove.add_argument("id")
    remove.add_argument("--by", required=True, help="who removes it (audited)")
    remove.set_defaults(func=run_remove)
    hits = actions.add_parser("hits", help="the watch list: matches of the saved searches, newest first")
    hits.add_argument("id", nargs="?", help="one saved search only")
    hits.add_argument("--by", default="cli", help="who asks (audited)")
    hits.add_argument("--json", action="store_true")
    hits.set_defaults(func=run_hits)


def _audit(who: str, action: str, query: str, filters: dict[str, Any], count: int | None) -> None:
    from athar.settings import load_settings
    from web.audit import audit_path, record_search

    record_search(
        audit_path(load_settings().data_dir),
        who=who,
        client=None,
        kind=f"saved_search:{action}",
        via="cli",
        query=query,
        filters=filters,
        count=count,
    )


def run_add(args: argparse.Namespace) -> int:
    from app.watchlist import save
    from athar.settings import load_settings
    from index.client import make_client

    settings = load_settings()
    saved, first = save(
        settings,
        args.name,
        by=args.by,
        mother=args.mother,
        born=args.born,
        place=args.place,
        notify=args.webhook,
        client=make_client(settings),
    )
    filters = {"mother": args.mother, "born": args.born, "place": args.place, "id": saved.id}
    _audit(args.by, "add", args.name, filters, len(first))
    if args.json:
        print(json.dumps({"saved": saved.to_json(), "matches": first}, ensure_ascii=False))
        return 0
    print(f"saved {saved.id}; {len(first)} matches now (`athar saved hits {saved.id}`)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from app.watchlist import searches
    from athar.settings import load_settings

    found = searches(load_settings())
    _audit(args.by, "list", "", {}, len(found))
    for s in found:
        if args.json:
            print(json.dumps(s.to_json(), ensure_ascii=False))
        else:
            extra = "  ".join(
                f"{k} {v}" for k, v in (("mother", s.mother), ("born", s.born), ("place", s.place)) if v
            )
            print(f"{s.id}  {s.name}  {extra}  (by {s.by}, {s.created})")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from app.watchlist import remove
    from athar.settings import load_settings

    remove(load_settings(), args.id)
    _audit(args.by, "remove", "", {"id": args.id}, None)
    print(f"removed {args.id}")
    return 0


def run_hits(args: argparse.Namespace) -> int:
    from app.watchlist import watch_list
    from athar.settings import load_settings

    found = watch_list(load_settings(), args.id)
    _audit(args.by, "hits", "", {"id": args.id}, len(found))
    for h in found:
        if args.json:
            print(json.dumps(h, ensure_ascii=False))
        else:
            print(
                f"{h['found_at']}  {h['search']}  {h['name']}  {h['sha256'][:12]} p.{h['page']}"
                f"  dossier {h.get('dossier') or '-'}  why: {', '.join(h['why'])}"
            )
    return 0
