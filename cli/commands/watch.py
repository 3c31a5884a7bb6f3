"""`athar watch`: the bucket watcher as a foreground loop (Ctrl-C stops it)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from athar.settings import load_settings


def register(sub: Any) -> None:
    parser = sub.add_parser("watch", help="watch the inbox bucket and process new scans (foreground)")
    parser.add_argument("bucket", nargs="?", help="folder or s3://bucket/prefix (default: ATHAR_INBOX)")
    parser.add_argument(
        "--interval",
        type=float,
        default=None,
        help="seconds between checks (default ATHAR_WATCH_INTERVAL, 10)",
    )
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.watch import has_work
    from flows.watch import run_watch_bucket, watch_forever

    settings = load_settings()
    interval = args.interval if args.interval is not None else settings.watch_interval
    if args.once:
        idle = not has_work(settings, args.bucket)
        result = {"objects": 0} if idle else run_watch_bucket(settings, args.bucket)
        print(json.dumps(result))
        return 0
    print(f"watching {args.bucket or settings.inbox} every {interval:g}s; Ctrl-C stops", flush=True)
    watch_forever(
        settings, args.bucket, interval=interval, on_result=lambda r: print(json.dumps(r), flush=True)
    )
    return 0
