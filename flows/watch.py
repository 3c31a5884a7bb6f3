"""Prefect face of :mod:`app.watch`: the `watch-bucket` flow and the foreground watch loop.

Flow parameters are a bucket URL and a count; settings are read inside the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from prefect import flow

from app.watch import DEFAULT_BATCH, has_work, one_watch_at_a_time, watch_once
from athar.errors import AtharError
from athar.settings import Settings, current_settings, override_settings
from flows.process import POOL, PREFECT, process_task_runner

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_BATCH",
    "has_work",
    "one_watch_at_a_time",
    "run_watch_bucket",
    "watch_bucket",
    "watch_forever",
]


@flow(name="watch-bucket", validate_parameters=False, task_runner=POOL)
def watch_bucket(bucket_url: str | None = None, max_documents: int = DEFAULT_BATCH) -> dict[str, Any]:
    """Intake every new object of the bucket, then process pending documents in one batch."""
    return watch_once(current_settings(), bucket_url, max_documents, runner=PREFECT)


def run_watch_bucket(settings: Settings, bucket_url: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run :func:`watch_bucket` once in this process over ``settings``, with a pool sized from them."""
    configured = watch_bucket.with_options(task_runner=process_task_runner(settings))
    with override_settings(settings):
        result: dict[str, Any] = configured(bucket_url, **kwargs)
    return result


def watch_forever(
    settings: Settings,
    bucket_url: str | None = None,
    *,
    interval: float,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> None:
    """Foreground loop: a `watch_bucket` run whenever there is work, checked every ``interval`` seconds.

    A run that fails (the search node down, the bucket unreachable) is logged by its code and the
    loop goes on: what it did not finish stays pending for the next run.
    """
    while not (stop and stop()):
        try:
            if has_work(settings, bucket_url):
                result = run_watch_bucket(settings, bucket_url)
                if on_result:
                    on_result(result)
        except Exception as exc:  # the failed run is recorded in Prefect; the documents stay pending
            code = exc.code if isinstance(exc, AtharError) else type(exc).__name__
            log.warning("watch run failed [%s]; next check in %g s", code, interval)
            if on_result:
                on_result({"error": code})
        time.sleep(interval)
