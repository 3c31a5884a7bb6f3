"""`athar work`: a worker that claims pending documents from the shared state and processes them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "work",
        help="process documents other machines took in (ATHAR_FANOUT=workers; shared ATHAR_STATE_URL)",
    )
    parser.add_argument("--interval", type=float, default=None, help="seconds between checks when idle")
    parser.add_argument("--once", action="store_true", help="process what is pending, then exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.work import has_pending
    from flows.work import run_work_pending, work_forever

    settings = load_settings()
    interval = args.interval if args.interval is not None else settings.watch_interval
    if args.once:
        result = run_work_pending(settings) if has_pending(settings) else {"documents": 0}
        print(json.dumps(result), flush=True)
        return 0
    print(f"working on pending documents, checking every {interval:g}s; Ctrl-C stops", flush=True)
    work_forever(settings, interval=interval, on_result=lambda r: print(json.dumps(r), flush=True))
    return 0
