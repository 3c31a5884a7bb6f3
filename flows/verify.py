"""Prefect face of :mod:`app.fixity`: the `verify-originals` flow (scheduled by the `athar-verify`
deployment). A run that finds a mismatch ends Failed and names every sha256 in its message and in
its table artifact; the state store records them for `athar status` and the web app."""

from __future__ import annotations

from typing import Any

from prefect import flow

from app.fixity import verify_originals
from athar.errors import PermanentError
from athar.settings import current_settings


class IntegrityError(PermanentError):
    """Originals that are missing or no longer hash to their name."""

    code = "integrity_failure"


@flow(name="verify-originals", validate_parameters=False)
def verify(sample: float | None = None) -> dict[str, Any]:
    """Re-hash every stored original, or a sample (a count, or a fraction below 1)."""
    from prefect.artifacts import create_table_artifact

    report = verify_originals(current_settings(), sample=sample)
    rows = [{"sha256": f["sha256"], "problem": f["problem"]} for f in report.failures]
    create_table_artifact(
        table=rows or [{"sha256": "-", "problem": f"all {report.checked} checked originals match"}],
        key="athar-verify-originals",
        description="Originals that failed their fixity check (sha256 and problem; never content).",
    )
    if not report.ok:
        named = ", ".join(f"{f['sha256']} ({f['problem']})" for f in report.failures)
        raise IntegrityError(f"{len(report.failures)} original(s) failed their fixity check: {named}")
    return report.to_json()
