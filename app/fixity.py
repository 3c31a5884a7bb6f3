"""Fixity, as archives do it (BagIt, Archivematica): re-hash the stored originals and say which fail.

:func:`verify_originals` re-hashes every original the state store knows (or a random sample: a
count or a fraction), records each one that is missing or no longer hashes to its name in the
state store (shown by `athar status`, the operator page and the web search, which refuses its
download), and clears the record of one that verifies again (restored from a backup, or repaired
by dropping the good copy again: see :func:`app.intake.intake`).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from typing import Any

from app.originals import OriginalCorruptedError, original_path, verify_original
from app.state import StateStore, open_state
from athar.errors import ConfigurationError
from athar.log import short
from athar.settings import Settings

log = logging.getLogger(__name__)

MISSING = "missing"
ALTERED = "altered"


@dataclass(frozen=True)
class FixityReport:
    """What one verification found: how many were checked, which failed, which were repaired."""

    checked: int
    total: int
    failures: tuple[dict[str, str], ...] = ()
    repaired: tuple[str, ...] = ()
    known_failures: tuple[str, ...] = field(default=())  # every recorded failure after this check

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "total": self.total,
            "failures": list(self.failures),
            "repaired": list(self.repaired),
            "integrity_failures": list(self.known_failures),
        }


def sample_of(items: list[str], sample: float | None, seed: int | None = None) -> list[str]:
    """All ``items``, or ``sample`` of them at random: a count (>= 1) or a fraction (0 < f < 1)."""
    if sample is None:
        return items
    if sample <= 0:
        raise ConfigurationError(
            "--sample must be a count (e.g. 100) or a fraction (e.g. 0.1).", code="bad_sample"
        )
    count = int(sample) if sample >= 1 else max(1, round(len(items) * sample))
    return sorted(random.Random(seed).sample(items, min(count, len(items))))


def check_one(settings: Settings, store: StateStore, sha256: str) -> str | None:
    """Re-hash one original: the problem (recorded), or None (and any earlier record cleared)."""
    try:
        verify_original(settings, sha256)
    except OriginalCorruptedError:
        problem = ALTERED if original_path(settings, sha256).is_file() else MISSING
        if store.record_integrity_failure(sha256, problem):
            log.error("fixity: original %s is %s", short(sha256), problem)
        return problem
    except OSError as exc:  # unreadable (permissions, I/O error): as bad as altered for the archive
        store.record_integrity_failure(sha256, f"unreadable ({exc.strerror})")
        log.error("fixity: original %s cannot be read", short(sha256))
        return f"unreadable ({exc.strerror})"
    if store.clear_integrity_failure(sha256):
        log.warning("fixity: original %s verifies again", short(sha256))
        return None
    return None


def verify_originals(
    settings: Settings, *, sample: float | None = None, seed: int | None = None
) -> FixityReport:
    """Re-hash every known original (or a sample); failures recorded, repairs cleared."""
    store = open_state(settings)
    known = [d.sha256 for d in store.documents()]
    already = {f["sha256"] for f in store.integrity_failures()}
    chosen = sample_of(known, sample, seed)
    failures: list[dict[str, str]] = []
    repaired: list[str] = []
    for sha256 in chosen:
        problem = check_one(settings, store, sha256)
        if problem:
            failures.append({"sha256": sha256, "problem": problem})
        elif sha256 in already:
            repaired.append(sha256)
    log.info("fixity: %d of %d originals checked, %d failed", len(chosen), len(known), len(failures))
    return FixityReport(
        checked=len(chosen),
        total=len(known),
        failures=tuple(failures),
        repaired=tuple(repaired),
        known_failures=tuple(f["sha256"] for f in store.integrity_failures()),
    )


def integrity_failures(settings: Settings) -> list[str]:
    """sha256 of every original recorded as failing its check."""
    return [f["sha256"] for f in open_state(settings).integrity_failures()]
