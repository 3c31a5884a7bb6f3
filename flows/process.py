"""Prefect face of processing: the `process-document` flow, and the Prefect :class:`Runner` that makes
each step of a batch (:func:`app.process.process_batch`) a Prefect task run.

A batch is a few kinds of task run, not one per page: one ``ocr`` task, an ``analyze`` task per
group of documents and an ``index`` task per group (retried by Prefect on RetryableError, with
the backoff of ``ATHAR_RETRY_DELAYS``), a ``link`` task per group (person dossiers) and one
``saved-searches`` task at the end. Flow parameters are ids and flags only; settings are read
inside the run (:func:`athar.settings.current_settings`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from app import process
from app.reports import DocumentSummary
from app.runner import Runner
from athar.errors import ConfigurationError, RetryableError
from athar.settings import Settings, current_settings, load_settings, override_settings
from flows import report

T = TypeVar("T")


def process_task_runner(settings: Settings) -> Any:
    """Task threads bounded by ``Settings.jobs`` (typed Any: Prefect's stubs reject the subclass)."""
    return ThreadPoolTaskRunner(max_workers=max(1, settings.jobs))


def _default_jobs() -> int:
    """``ATHAR_JOBS`` for the deployments' pool; a bad environment fails inside the run, not at import."""
    try:
        return max(1, load_settings().jobs)
    except ConfigurationError:
        return os.cpu_count() or 1


# Default pool of the flows (deployments); the run_* helpers size it from their settings.
POOL: Any = ThreadPoolTaskRunner(max_workers=_default_jobs())


def only_retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry condition: retry only the project's RetryableError."""
    try:
        state.result()
    except RetryableError:
        return True
    except Exception:
        return False
    return False


def _call(work: Callable[[], T]) -> T:
    return work()


# A step's work goes in as a closure: Prefect does not walk it looking for futures (it would walk
# every word of every page, about 20 ms a page).
TASKS: dict[str, Any] = {
    "ocr": task(name="ocr", cache_policy=NO_CACHE, persist_result=False)(_call),
    "analyze": task(name="analyze", cache_policy=NO_CACHE, persist_result=False)(_call),
    "index": task(
        name="index", retry_condition_fn=only_retryable, cache_policy=NO_CACHE, persist_result=False
    )(_call),
    # person dossiers: the indexed group linked incrementally; saved searches re-run after the batch
    "link": task(name="link", cache_policy=NO_CACHE, persist_result=False)(_call),
    "saved-searches": task(name="saved-searches", cache_policy=NO_CACHE, persist_result=False)(_call),
}


class PrefectRunner(Runner):
    """Each step a Prefect task run; the run id is the flow run's; the report a table artifact."""

    def background(self, name: str, work: Callable[[], T]) -> Callable[[], T]:
        future = TASKS[name].submit(work)
        return lambda: future.result()

    def step(self, name: str, work: Callable[[], T]) -> T:
        result: T = TASKS[name](work)
        return result

    def retried(self, name: str, work: Callable[[], T], delays: Sequence[float]) -> T:
        configured = TASKS[name].with_options(retries=len(delays), retry_delay_seconds=list(delays))
        result: T = configured(work)
        return result

    def run_id(self) -> str:
        return report.current_run_id()

    def publish(self, summaries: list[DocumentSummary], flow_name: str) -> None:
        report.publish(summaries, flow_name)

    def crashed(self, run_ids: list[str]) -> None:
        report.mark_crashed(run_ids)


PREFECT = PrefectRunner()


@flow(name="process-document", validate_parameters=False, task_runner=POOL)
def process_document(
    sha256: str, force_pages: list[int] | None = None, all_pages: bool = False
) -> dict[str, Any]:
    """Process one stored document (by sha256); ``force_pages``/``all_pages`` drop their cached OCR first."""
    return process.process_document(
        sha256, current_settings(), force_pages=force_pages, all_pages=all_pages, runner=PREFECT
    )


def run_process_document(sha256: str, settings: Settings, **kwargs: Any) -> dict[str, Any]:
    """Run :func:`process_document` in this process over ``settings``, with a pool sized from them."""
    configured = process_document.with_options(task_runner=process_task_runner(settings))
    with override_settings(settings):
        result: dict[str, Any] = configured(sha256, **kwargs)
    return result
