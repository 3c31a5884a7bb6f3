"""Logging set-up and the privacy rule.

The index holds sensitive personal data. Never log extracted names, IDs or
text at INFO level or above: log sha256, page numbers, counts and codes.
Content may appear only at DEBUG, which operators enable deliberately.
"""

from __future__ import annotations

import logging
import sys


def configure_logging(verbosity: int = 0) -> None:
    """WARNING by default, INFO with -v, DEBUG with -vv; logs go to stderr."""
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def short(sha256: str) -> str:
    """The short form of a document id used in log lines."""
    return sha256[:12]
