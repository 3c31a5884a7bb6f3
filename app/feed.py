"""Feed rendered pages of many documents to one OCR process pool, a bounded number at a time.

Plain Python, used by :mod:`app.process`. At most ``2 × jobs`` pages are in
flight, so memory and disk stay flat whatever the batch size, and both the workers and the
renderer stay busy: the next pages are rendered while the current ones are recognised, across
document boundaries. A page whose recognition raises :class:`~athar.errors.RetryableError`
(including a worker process that died) is submitted again after the configured backoff; a
permanent error, or a retryable one that outlasts the retries, becomes a :class:`PageFailure`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from app import steps
from athar.errors import AtharError, PermanentError, RetryableError
from athar.log import short
from athar.records import OcrPage, PageFailure, PageImage, SourceDocument
from athar.settings import Settings

log = logging.getLogger(__name__)


class WorkerDiedError(RetryableError):
    """An OCR worker process died (killed, out of memory)."""

    code = "ocr_worker_died"


@dataclass
class DocumentJob:
    """One document on its way through OCR; ``done`` once every page has a result."""

    sha256: str
    document: SourceDocument
    pages: list[OcrPage] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    reused: int = 0
    pending: int = 0
    all_submitted: bool = False

    @property
    def done(self) -> bool:
        return self.all_submitted and self.pending == 0


@dataclass
class _Page:
    job: DocumentJob
    image: PageImage
    attempt: int = 0


class PageFeed:
    """Pages in, finished documents out (through ``on_done``), with per-page retries."""

    def __init__(
        self,
        pool: Callable[[], ProcessPoolExecutor],
        settings: Settings,
        *,
        jobs: int,
        delays: list[float],
        on_done: Callable[[DocumentJob], None],
        on_pool_broken: Callable[[ProcessPoolExecutor], None],
        work: Callable[[PageImage, Settings], OcrPage] = steps.recognize_cached,
    ) -> None:
        self._pool = pool
        self._work = work
        self._settings = settings
        self._limit = 2 * max(1, jobs)
        self._delays = delays
        self._on_done = on_done
        self._on_pool_broken = on_pool_broken
        self._in_flight: dict[Future[OcrPage], tuple[_Page, ProcessPoolExecutor]] = {}
        self._retry: list[tuple[float, _Page]] = []  # (due, page)

    def add(self, job: DocumentJob, image: PageImage) -> None:
        """Submit one rendered page (waits while ``2 × jobs`` pages are in flight)."""
        job.pending += 1
        self._make_room()
        self._submit(_Page(job, image))

    def finish(self, job: DocumentJob) -> None:
        """Every page of ``job`` was added (or failed to render)."""
        job.all_submitted = True
        if job.done:
            self._on_done(job)

    def drain(self) -> None:
        """Wait for every page in flight or waiting for a retry."""
        while self._in_flight or self._retry:
            self._step()

    def _make_room(self) -> None:
        while len(self._in_flight) + len(self._retry) >= self._limit:
            self._step()

    def _submit(self, page: _Page) -> None:
        pool = self._pool()
        try:
            future = pool.submit(self._work, page.image, self._settings)
        except BrokenProcessPool:  # it broke between two pages: use a fresh pool
            self._on_pool_broken(pool)
            pool = self._pool()
            future = pool.submit(self._work, page.image, self._settings)
        self._in_flight[future] = (page, pool)

    def _step(self) -> None:
        """Resubmit due retries, then wait for at least one result (or the next due retry)."""
        now = time.monotonic()
        due = [p for at, p in self._retry if at <= now]
        self._retry = [(at, p) for at, p in self._retry if at > now]
        for page in due:
            self._submit(page)
        if not self._in_flight:
            if self._retry:
                time.sleep(max(0.0, min(at for at, _ in self._retry) - time.monotonic()))
            return
        timeout = None
        if self._retry:
            timeout = max(0.0, min(at for at, _ in self._retry) - time.monotonic())
        finished, _ = wait(set(self._in_flight), timeout=timeout, return_when=FIRST_COMPLETED)
        for future in finished:
            page, pool = self._in_flight.pop(future)
            try:
                self._record(page, future.result())
            except BrokenProcessPool:
                self._on_pool_broken(pool)
                self._failed(page, WorkerDiedError("an OCR worker process died (out of memory?); retrying."))
            except AtharError as exc:
                self._failed(page, exc)

    def _record(self, page: _Page, result: OcrPage) -> None:
        page.job.pages.append(result)
        self._settle(page.job)

    def _failed(self, page: _Page, exc: AtharError) -> None:
        image = page.image
        if isinstance(exc, RetryableError) and page.attempt < len(self._delays):
            delay = self._delays[page.attempt]
            log.info(
                "page %d of %s: [%s], try %d again in %.1fs",
                image.page,
                short(image.sha256),
                exc.code,
                page.attempt + 2,
                delay,
            )
            page.attempt += 1
            self._retry.append((time.monotonic() + delay, page))
            return
        level = logging.WARNING if isinstance(exc, PermanentError) or page.attempt else logging.INFO
        log.log(level, "page %d of %s failed: [%s]", image.page, short(image.sha256), exc.code)
        page.job.failures.append(steps.page_failure(image, exc))
        self._settle(page.job)

    def _settle(self, job: DocumentJob) -> None:
        job.pending -= 1
        if job.done:
            self._on_done(job)
