"""`athar review [--json]`: pairs waiting for a reviewer; `athar review decide PAIR VERDICT --by NAME`."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("review", help="pairs of person records to judge; `review decide` judges one")
    parser.add_argument("--json", action="store_true", help="JSON Lines, one object per pending pair")
    parser.add_argument("--limit", type=int, default=0, help="show at most this many pairs (0: all)")
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="action", metavar="decide")
    actions.required = False
    decide = actions.add_parser("decide", help="judge a pair: same, different or unsure")
    decide.add_argument("pair", help="pair id (from `athar review` or `athar dossier ID`)")
    decide.add_argument("verdict", choices=("same", "different", "unsure"))
    decide.add_argument("--by", required=True, help="who judges (kept with the judgement)")
    decide.add_argument("--json", action="store_true", help="print the decision as JSON")
    decide.set_defaults(func=run_decide)


def run(args: argparse.Namespace) -> int:
    from app.dossiers import review_queue
    from athar.settings import load_settings
    from link.score import describe

    queue = review_queue(load_settings(), limit=args.limit or None)
    if args.json:
        for item in queue:
            print(json.dumps(item.to_json(), ensure_ascii=False))
        return 0
    if not queue:
        print("nothing to review")
    for item in queue:
        print(f"{item.pair}  score {item.score:.1f}  {', '.join(describe(r) for r in item.reasons)}")
        for side, m, d in (("A", item.a, item.dossier_a), ("B", item.b, item.dossier_b)):
            print(
                f"   {side} {m.name}  mother {m.mother or '-'}  born {m.birth_date or '-'}  "
                f"id {m.national_id or '-'}  {m.sha256[:12]} p.{m.page}  [{d}]"
            )
    return 0


def run_decide(args: argparse.Namespace) -> int:
    from app.dossiers import decide
    from athar.settings import load_settings
    from index.client import make_client

    settings = load_settings()
    # the decision needs only the state store; the index's copy of dossier ids is updated when the
    # engine answers (else on the next linking)
    made = decide(settings, args.pair, args.verdict, args.by, client=_reachable(make_client(settings)))
    if args.json:
        print(json.dumps(made.to_json(), ensure_ascii=False))
        return 0
    where = "one dossier" if made.dossier_a == made.dossier_b else "two dossiers"
    print(
        f"{made.pair}: {made.verdict} by {made.by} at {made.at}; now in {where} "
        f"({made.dossier_a}{'' if made.dossier_a == made.dossier_b else ', ' + made.dossier_b})"
    )
    return 0


def _reachable(client: Any) -> Any | None:
    """The client when the search engine answers."""
    try:
        return client if client.ping() else None
    except Exception:
        return None
