"""How a batch's steps run: the one hook the faces have into processing (plain Python by default)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.reports import DocumentSummary
from athar.errors import RetryableError

log = logging.getLogger(__name__)

T = TypeVar("T")


class Runner:
    """How a batch's steps run, and what the run is called: the faces' hook into processing.

    Plain Python here: the ``ocr`` step in a thread, ``analyze`` in the caller, ``index`` retried
    with backoff on :class:`~athar.errors.RetryableError`; the run gets a fresh id and no report
    is published. :mod:`flows.process` supplies Prefect task runs, its flow run id and an artifact.
    """

    def background(self, name: str, work: Callable[[], T]) -> Callable[[], T]:
        """Start ``work`` concurrently; returns a function that waits for (and returns) its result."""
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["result"] = work()
            except BaseException as exc:  # handed to the caller by result()
                box["error"] = exc

        thread = threading.Thread(target=target, daemon=True, name=f"athar-{name}")
        thread.start()

        def result() -> T:
            thread.join()
            if "error" in box:
                raise box["error"]
            value: T = box["result"]
            return value

        return result

    def step(self, name: str, work: Callable[[], T]) -> T:
        """Run one step now."""
        return work()

    def retried(self, name: str, work: Callable[[], T], delays: Sequence[float]) -> T:
        """Run one step, again after each delay while it raises RetryableError."""
        for attempt, delay in enumerate(delays):
            try:
                return work()
            except RetryableError as exc:
                log.info("%s: [%s], try %d again in %.1fs", name, exc.code, attempt + 2, delay)
                time.sleep(delay)
        return work()

    def run_id(self) -> str:
        """The id of the current run (a row of the state store's runs table)."""
        return str(uuid.uuid4())

    def publish(self, summaries: list[DocumentSummary], flow_name: str) -> None:
        """Publish a run's report (plain runs keep only the runs-table row)."""

    def crashed(self, run_ids: list[str]) -> None:
        """Runs found dead (their process was killed): plain runs have only the runs-table row,
        which the caller already marked "crashed"."""


PLAIN = Runner()
