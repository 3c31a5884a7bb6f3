"""Prefect face of :mod:`app.reprocess`: the `reprocess` flow (parameters: ids and flags only)."""

from __future__ import annotations

from typing import Any

from prefect import flow

from app import reprocess as app_reprocess
from athar.settings import Settings, current_settings, override_settings
from flows.process import POOL, PREFECT, process_task_runner


@flow(name="reprocess", validate_parameters=False, task_runner=POOL)
def reprocess(
    sha256s: list[str] | None = None,
    below_confidence: float | None = None,
    older_versions: bool = False,
    include_quarantined: bool = False,
    every_indexed: bool = False,
    keep_ocr: bool = False,
) -> dict[str, Any]:
    """Re-run a selection of documents; returns counts per resulting state."""
    return app_reprocess.reprocess(
        current_settings(),
        sha256s=sha256s,
        below_confidence=below_confidence,
        older_versions=older_versions,
        include_quarantined=include_quarantined,
        every_indexed=every_indexed,
        keep_ocr=keep_ocr,
        runner=PREFECT,
    )


def run_reprocess(settings: Settings, **kwargs: Any) -> dict[str, Any]:
    """Run :func:`reprocess` in this process over ``settings``, with a pool sized from them."""
    configured = reprocess.with_options(task_runner=process_task_runner(settings))
    with override_settings(settings):
        result: dict[str, Any] = configured(**kwargs)
    return result
