"""Prefect face of :mod:`app.work`: the `work-pending` flow (a worker's claim-and-process run) and the
foreground worker loop of `athar work`.

Parameters are a count only; settings (state store, originals, search cluster) are read inside the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from prefect import flow

from app.work import has_pending, work_once
from athar.errors import AtharError
from athar.settings import Settings, current_settings, override_settings
from flows.process import POOL, PREFECT, process_task_runner

log = logging.getLogger(__name__)


@flow(name="work-pending", validate_parameters=False, task_runner=POOL)
def work_pending(max_documents: int | None = None) -> dict[str, Any]:
    """Claim pending documents in chunks and process them until none is left (or ``max_documents``)."""
    return work_once(current_settings(), max_documents, runner=PREFECT)


def run_work_pending(settings: Settings, **kwargs: Any) -> dict[str, Any]:
    """Run :func:`work_pending` once in this process over ``settings``."""
    configured = work_pending.with_options(task_runner=process_task_runner(settings))
    with override_settings(settings):
        result: dict[str, Any] = configured(**kwargs)
    return result


def work_forever(
    settings: Settings,
    *,
    interval: float,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> None:
    """Foreground worker: a `work_pending` run whenever a document is pending, checked every ``interval`` s.

    A failed run is logged by its code; its documents' claims end (or expire) and any worker retries them.
    """
    while not (stop and stop()):
        try:
            if has_pending(settings):
                result = run_work_pending(settings)
                if on_result:
                    on_result(result)
                continue  # more may have arrived meanwhile
        except Exception as exc:
            code = exc.code if isinstance(exc, AtharError) else type(exc).__name__
            log.warning("work run failed [%s]; next check in %g s", code, interval)
            if on_result:
                on_result({"error": code})
        time.sleep(interval)
