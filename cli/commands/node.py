"""`athar node start|stop|status`: the embedded single OpenSearch node (logic in :mod:`index.node`)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("node", help="start, stop or inspect the embedded search node")
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: ATHAR_NODE_PORT, 9200)")
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds to wait for the node to be healthy"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from athar.settings import load_settings
    from index import node

    settings = load_settings()
    if args.port is not None:
        settings = settings.with_(node_port=args.port)
    if args.action == "start":
        status = node.start(settings, timeout=args.timeout, warm=True)
        state = "already running" if status.already_running else "started"
        print(f"search node {state} at {status.url} (health {status.health}, pid {status.pid})")
        print(f"log: {status.log_file}")
        return 0
    if args.action == "stop":
        print("search node stopped" if node.stop(settings) else "search node was not running")
        return 0
    status = node.status(settings)
    if not status.running:
        print(f"search node not running (data in {settings.node_dir}); start it with 'athar node start'")
        return 1
    print(
        f"search node running at {status.url} (health {status.health or 'not answering'}, pid {status.pid})"
    )
    return 0
