"""Serve the three flows as deployments from one process (what `athar up` runs as a child).

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

WATCH_INTERVAL = 30.0


def deployments(interval: float | None = WATCH_INTERVAL) -> list[Any]:
    """RunnerDeployments of the three flows; ``interval=None`` serves `watch-bucket` on demand only."""
    from flows.process import process_document
    from flows.reprocess import reprocess
    from flows.watch import watch_bucket

    return [
        watch_bucket.to_deployment(
            name="athar-watch",
            interval=interval,  # None: no schedule
            concurrency_limit=1,
            enforce_parameter_schema=False,
            description="Take new scans from the watched bucket into the originals store and process them.",
        ),
        process_document.to_deployment(
            name="athar-process", enforce_parameter_schema=False, description="Process one stored document."
        ),
        reprocess.to_deployment(
            name="athar-reprocess",
            enforce_parameter_schema=False,
            description="Re-run documents, low-confidence pages or an older pipeline version's output.",
        ),
    ]


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
