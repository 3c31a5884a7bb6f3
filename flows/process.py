"""`process_document`: stored original -> pages -> OCR (process pool) -> analysis -> index.

Each page is a Prefect task (visible, retried, cached) submitted to a
:class:`~prefect.task_runners.ThreadPoolTaskRunner` of ``Settings.jobs`` threads; the
task hands the CPU-bound recognition to a persistent ``ProcessPoolExecutor`` of
``Settings.jobs`` spawned processes (Tesseract single-threaded, ``OMP_THREAD_LIMIT=1``).
Why not Prefect's ``ProcessPoolTaskRunner``: measured here, it costs about 0.7 s of
orchestration per task in its worker processes (8 empty tasks: 9 s) against about
0.6 s of OCR for an A5 page, so it would halve throughput. A batch of documents
shares the pool, so both cores stay busy across document boundaries. Analysis and
indexing run in the flow's own process. Only :class:`~athar.errors.RetryableError` is retried (with backoff);
permanent failures quarantine the document with their code and message.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from prefect import flow, task
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from athar.errors import AtharError, PermanentError, RetryableError
from athar.log import short
from athar.records import ExtractedDocument, OcrPage, PageFailure, PageImage, SourceDocument
from athar.settings import Settings, load_settings
from athar.storage import INDEXED, PROCESSING, QUARANTINED, RECEIVED, StateStore, verify_original
from flows import report, steps
from ocr.pipeline import new_executor

log = logging.getLogger(__name__)


def process_task_runner(settings: Settings) -> Any:
    """Task threads bounded by ``Settings.jobs`` (typed Any: Prefect's stubs reject the subclass)."""
    return ThreadPoolTaskRunner(max_workers=max(1, settings.jobs))


_EXECUTORS: dict[int, ProcessPoolExecutor] = {}
_EXECUTORS_LOCK = threading.Lock()


def ocr_executor(jobs: int) -> ProcessPoolExecutor:
    """The process pool that runs recognition (one per size, kept for the life of this process)."""
    with _EXECUTORS_LOCK:
        pool = _EXECUTORS.get(jobs)
        if pool is None:
            pool = new_executor(jobs)
            for _ in range(jobs):  # spawn (and import the OCR stage) now, while the first pages render
                pool.submit(os.getpid)
            _EXECUTORS[jobs] = pool
        return pool


def _default_jobs() -> int:
    raw = os.environ.get("ATHAR_JOBS", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else os.cpu_count() or 1


# Default pool of the flows (deployments); the run_* helpers size it from their settings.
POOL: Any = ThreadPoolTaskRunner(max_workers=_default_jobs())


def retry_delays() -> list[float]:
    """Backoff between retries of a retryable failure (``ATHAR_RETRY_DELAYS``, seconds, comma-separated)."""
    raw = os.environ.get("ATHAR_RETRY_DELAYS", "2,10,30")
    try:
        return [float(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        return [2.0, 10.0, 30.0]


def only_retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry condition: retry only the project's RetryableError."""
    try:
        state.result()
    except RetryableError:
        return True
    except Exception:
        return False
    return False


@task(name="ocr-page", retry_condition_fn=only_retryable, persist_result=False)
def ocr_page(image: PageImage, settings: Settings) -> OcrPage | PageFailure:
    """Recognise one page in the OCR process pool, or reuse its cached OCR; permanent failure: PageFailure."""
    cached = steps.read_cached_page(settings, image.sha256, image.page)
    if cached is not None:
        log.info("page %d of %s: cached OCR reused", image.page, short(image.sha256))
        return cached
    try:
        try:
            return (
                ocr_executor(max(1, settings.jobs)).submit(steps.recognize_cached, image, settings).result()
            )
        except BrokenProcessPool:
            with _EXECUTORS_LOCK:
                _EXECUTORS.pop(max(1, settings.jobs), None)
            raise RetryableError(
                "an OCR worker process died (out of memory?); the page will be tried again.",
                code="ocr_worker_died",
            ) from None
    except PermanentError as exc:
        log.warning("page %d of %s failed: [%s]", image.page, short(image.sha256), exc.code)
        return steps.page_failure(image, exc)


@task(name="analyze", retry_condition_fn=only_retryable, persist_result=False)
def analyze_task(pages: list[OcrPage], settings: Settings) -> Any:
    """Entities and persons of a document."""
    return steps.analyze(pages, settings)


@task(name="index", retry_condition_fn=only_retryable, persist_result=False)
def index_task(extracted: ExtractedDocument, settings: Settings) -> int:
    """Write a document's records to the search index (ids from sha256: re-runs overwrite)."""
    return steps.index_document(extracted, settings)


def _retrying(task_obj: Any) -> Any:
    delays = retry_delays()
    return task_obj.with_options(retries=len(delays), retry_delay_seconds=delays)


def _quarantine(store: StateStore, sha256: str, error: AtharError) -> steps.DocumentSummary:
    store.set_state(sha256, QUARANTINED, code=error.code, message=error.message)
    log.warning("document %s quarantined: [%s]", short(sha256), error.code)
    return steps.DocumentSummary(sha256=sha256, state=QUARANTINED, failures=(error.code,))


def process_batch(
    sha256s: Sequence[str], settings: Settings, *, force_pages: dict[str, list[int] | None] | None = None
) -> list[steps.DocumentSummary]:
    """Process stored documents inside the current flow; returns one summary per document.

    Each page is submitted for OCR as soon as it is rendered, so recognition of the first pages
    overlaps rendering of the next ones. ``force_pages`` maps a sha256 to pages (None: all
    pages) whose cached OCR is dropped first.
    """
    store = StateStore.for_settings(settings)
    summaries: dict[str, steps.DocumentSummary] = {}
    started: list[_Started] = []
    if not sha256s:
        return []
    ocr_executor(max(1, settings.jobs))  # start the OCR processes while the first pages render
    warm_index = threading.Thread(target=_quietly, args=(steps.prepare_index, settings), daemon=True)
    warm_index.start()
    ocr = _retrying(ocr_page)
    for sha256 in sha256s:
        store.set_state(sha256, PROCESSING)
        if force_pages and sha256 in force_pages:
            steps.forget_cached_pages(settings, sha256, force_pages[sha256])
        job = _Started(sha256)
        try:
            path = verify_original(settings, sha256)
            job.document = steps.with_drop_source(steps.inspect_original(path, settings), store)
            for item in steps.page_images(job.document, path, settings):
                if isinstance(item, PageFailure):
                    job.failures.append(item)
                    continue
                job.reused += steps.read_cached_page(settings, sha256, item.page) is not None
                job.pages.append((item, ocr.submit(item, settings)))
        except PermanentError as exc:
            summaries[sha256] = _quarantine(store, sha256, exc)
            continue
        except RetryableError as exc:
            store.set_state(sha256, RECEIVED, code=exc.code, message=exc.message)
            summaries[sha256] = steps.DocumentSummary(sha256=sha256, state=RECEIVED, failures=(exc.code,))
            continue
        log.info(
            "document %s: %d pages submitted, %d with cached OCR", short(sha256), len(job.pages), job.reused
        )
        started.append(job)

    warm_index.join()
    for job in started:
        summaries[job.sha256] = _finish(job, settings, store)
    if any(s.state == INDEXED for s in summaries.values()):
        _quietly(steps.refresh_index, settings)
    return [summaries[s] for s in sha256s]


def _quietly(fn: Any, settings: Settings) -> None:
    """Run a best-effort helper; its failure shows up later where it matters (the index task)."""
    try:
        fn(settings)
    except Exception as exc:
        log.debug("%s skipped: %s", getattr(fn, "__name__", "helper"), type(exc).__name__)


@dataclass
class _Started:
    sha256: str
    document: SourceDocument | None = None
    pages: list[tuple[PageImage, PrefectFuture[Any]]] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    reused: int = 0


def _finish(job: _Started, settings: Settings, store: StateStore) -> steps.DocumentSummary:
    sha256 = job.sha256
    assert job.document is not None
    pages: list[OcrPage] = []
    failures = list(job.failures)
    for image, future in job.pages:
        try:
            result = future.result()
        except AtharError as exc:  # retries exhausted
            result = steps.page_failure(image, exc)
        (pages if isinstance(result, OcrPage) else failures).append(result)
    failures.sort(key=lambda f: f.page)
    if not pages:
        first = failures[0] if failures else None
        code = first.code if first else "no_pages"
        message = first.message if first else "the document has no readable page; re-scan it."
        if first and first.retryable:
            store.set_state(sha256, RECEIVED, code=code, message=message)
            return steps.DocumentSummary(sha256=sha256, state=RECEIVED, failures=(code,))
        return _quarantine(store, sha256, PermanentError(message, code=code))
    pages.sort(key=lambda p: p.page)
    try:
        waited = time.perf_counter()
        analysis = _retrying(analyze_task)(pages, settings)
        analyzed = time.perf_counter()
        extracted = ExtractedDocument(
            document=job.document, pages=tuple(pages), failures=tuple(failures), analysis=analysis
        )
        _retrying(index_task)(extracted, settings)
        indexed = time.perf_counter()
    except PermanentError as exc:
        return _quarantine(store, sha256, exc)
    except RetryableError as exc:
        # retries exhausted (e.g. the search node is down): left for the next watch cycle
        store.set_state(sha256, RECEIVED, code=exc.code, message=exc.message)
        log.warning("document %s postponed: [%s]", short(sha256), exc.code)
        return steps.DocumentSummary(sha256=sha256, state=RECEIVED, pages=len(pages), failures=(exc.code,))
    summary = steps.summarize(extracted, INDEXED, ocr_reused=job.reused)
    store.record_result(sha256, summary.to_json())
    shutil.rmtree(settings.pages_dir / sha256, ignore_errors=True)  # rendered pages; the original stays
    log.info(
        "document %s indexed: %d pages, %d failed pages; analysis %.2fs, indexing %.2fs",
        short(sha256),
        len(pages),
        len(failures),
        analyzed - waited,
        indexed - analyzed,
    )
    return summary


@flow(name="process-document", validate_parameters=False, task_runner=POOL)
def process_document(
    sha256: str,
    settings: Settings | None = None,
    force_pages: list[int] | None = None,
    all_pages: bool = False,
) -> dict[str, Any]:
    """Process one stored document (by sha256); ``force_pages``/``all_pages`` drop their cached OCR first."""
    settings = settings or load_settings()
    with report.recorded_run(settings, "process-document") as summaries:
        force: dict[str, list[int] | None] | None = None
        if all_pages or force_pages:
            force = {sha256: None if all_pages else list(force_pages or [])}
        summaries.extend(process_batch([sha256], settings, force_pages=force))
    return summaries[0].to_json()


def run_process_document(sha256: str, settings: Settings, **kwargs: Any) -> dict[str, Any]:
    """Run :func:`process_document` with a process pool sized from ``settings``."""
    configured = process_document.with_options(task_runner=process_task_runner(settings))
    result: dict[str, Any] = configured(sha256, settings, **kwargs)
    return result
