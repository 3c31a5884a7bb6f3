"""`athar` command line: one sub-command per module in :mod:`cli.commands`.

Each command module defines ``register(subparsers)`` and imports its stage
lazily, so `athar --help` stays fast and a missing optional stage does not
break the others. Project errors become a one-line message and exit status 2;
bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from athar.errors import AtharError
from athar.log import configure_logging
from athar.private import offline_prefect, private_umask

# Order is the order shown in `athar --help`.
COMMAND_MODULES = (
    "extract",
    "analyze",
    "ingest",
    "search",
    "person",
    "link",
    "dossiers",
    "dossier",
    "review",
    "saved",
    "node",
    "index",
    "up",
    "watch",
    "work",
    "status",
    "reprocess",
    "verify",
    "correct",
    "history",
    "review_words",
    "export",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="athar",
        description="Athar (أثر): scanned detention archives to searchable evidence.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cli.commands.{name}":
                continue  # that capability is not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # before any command runs: files only for this account, and Prefect never calls out
    private_umask()
    offline_prefect()
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        result = args.func(args)
    except AtharError as exc:
        print(f"athar: error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("athar: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
