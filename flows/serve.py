"""Serve the flows of :mod:`flows.deployments` from one process (what `athar up` runs as a child).

``python -m flows.serve [--interval SECONDS | --watch-on-demand]``: `watch-bucket` on an
interval schedule (one run at a time), `process-document` and `reprocess` on demand. The
API is taken from ``PREFECT_API_URL``; Ctrl-C (SIGINT) stops it cleanly.

Each run of a served deployment is a new process, which pays Prefect's imports, the OCR
processes' start and the NLP stage's loading again (about 2.5 CPU-s). `athar up` therefore
serves `watch-bucket` on demand only and runs the watcher as its own long-lived process
(`athar watch`), whose flow runs reuse all of that; a work pool (prefect.yaml) keeps the schedule.
"""

from __future__ import annotations

import argparse
from typing import Any

from flows.deployments import WATCH_INTERVAL, runner_deployments


def deployments(interval: float | None = WATCH_INTERVAL) -> list[Any]:
    """RunnerDeployments of the flows in :data:`flows.deployments.DEPLOYMENTS`; ``interval=None``
    serves `watch-bucket` on demand only."""
    return runner_deployments(interval)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the serve process."""
    from prefect import serve

    parser = argparse.ArgumentParser(prog="python -m flows.serve")
    parser.add_argument("--interval", type=float, default=WATCH_INTERVAL, help="seconds between checks")
    parser.add_argument(
        "--watch-on-demand",
        action="store_true",
        help="no schedule for watch-bucket (a long-lived `athar watch` checks the bucket instead)",
    )
    args = parser.parse_args(argv)
    serve(*deployments(None if args.watch_on_demand else args.interval), print_starting_message=False)


if __name__ == "__main__":
    main()
