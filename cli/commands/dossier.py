"""`athar dossier ID [--json]`: one person's timeline, names as written, conflicts and links."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("dossier", help="one dossier: timeline of events, documents, conflicts, links")
    parser.add_argument("id", help="dossier id (from `athar dossiers`)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.dossiers import dossier
    from athar.settings import load_settings
    from link.cluster import pair_id
    from link.score import describe

    d = dossier(load_settings(), args.id)
    if args.json:
        data = d.to_json()
        for link in data["links"]:
            link["pair"] = pair_id(link["a"], link["b"])
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(f"{d.id}  {d.name}  mother {d.mother or '-'}  born {d.birth_year or '-'}  [{d.review}]")
    print("timeline:" if d.events else "no events recorded")
    for e in d.events:
        where = e.facility or e.place or "-"
        print(
            f"  {e.date or '(no date)':<10}  {e.type:<9}  {where:<28}  {e.sha256[:12]} p.{e.page}  «{e.name}»"
        )
    print("records (names as written):")
    for m in d.mentions:
        print(
            f"  {m.sha256[:12]} p.{m.page}  [{m.doc_type or '?'}]  {m.name}  mother {m.mother or '-'}"
            f"  born {m.birth_date or '-'}"
        )
    for field, values in d.conflicts.items():
        shown = "; ".join(f"{v['value']} ({len(v['mentions'])})" for v in values)
        print(f"conflict in {field.replace('_', ' ')}: {shown}")
    for j in d.joins:
        why = ", ".join(describe(r) for r in j.reasons)
        print(f"link {pair_id(j.a, j.b)} [{j.kind}] {why}")
    return 0
