"""A whole document through the OCR stage: inspect → rasterise page by page → recognise pages in processes.

Memory stays flat whatever the page count: pages are rendered one at a time
and at most ``2 × jobs`` are in flight; each worker process handles one page
file and returns a small :class:`OcrPage` record.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from athar.errors import AtharError, RetryableError
from athar.log import short
from athar.records import ExtractedDocument, OcrPage, PageFailure, PageImage, SourceDocument
from athar.settings import Settings
from ocr.intake import inspect
from ocr.rasterize import iter_page_images
from ocr.recognize import recognize_page

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]


def _worker_init() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import ocr.recognize  # noqa: F401  (import once per worker, not on the first page)


def new_executor(jobs: int) -> ProcessPoolExecutor:
    """A pool of OCR worker processes.

    Workers are spawned, not forked: they start with only the OCR stage in memory (not whatever the
    parent holds, such as the NLP models or finished pages), and forking a threaded parent (Prefect)
    is unsafe.
    """
    # One BLAS thread per worker: jobs already fill the cores, and numpy's default threads made the digit
    # pass 4x slower under load. Spawned workers inherit the environment (numpy reads it at import).
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
    )


def _recognize(image: PageImage, settings: Settings, work_dir: Path) -> OcrPage | PageFailure:
    """Worker entry point: an OcrPage, or a PageFailure for a page-level problem."""
    try:
        return recognize_page(image, settings, work_dir=work_dir)
    except AtharError as exc:
        return PageFailure(image.sha256, image.page, exc.code, exc.message, exc.retryable)
    finally:
        if Path(image.path).parent == work_dir:
            Path(image.path).unlink(missing_ok=True)  # our own rendered copy; originals are never touched


def recognize_pages(
    images: Iterator[PageImage | PageFailure],
    settings: Settings,
    work_dir: Path,
    *,
    jobs: int,
    executor: ProcessPoolExecutor | None = None,
    progress: ProgressFn | None = None,
    total: int = 0,
) -> tuple[list[OcrPage], list[PageFailure]]:
    """Recognise pages as they are rendered, with at most 2×jobs in flight; results in page order.

    A worker process that dies (killed, out of memory) is a RetryableError for the document.
    """
    pages: list[OcrPage] = []
    failures: list[PageFailure] = []
    own = executor is None
    pool = executor or new_executor(jobs)
    in_flight: set[Future[OcrPage | PageFailure]] = set()

    def collect(futures: set[Future[OcrPage | PageFailure]]) -> None:
        for future in futures:
            result = future.result()
            if isinstance(result, OcrPage):
                pages.append(result)
            else:
                failures.append(result)
            if progress:
                progress(len(pages) + len(failures), total)

    try:
        for item in images:
            if isinstance(item, PageFailure):
                failures.append(item)
                continue
            if len(in_flight) >= 2 * jobs:
                finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                collect(finished)
            in_flight.add(pool.submit(_recognize, item, settings, work_dir))
        finished, _ = wait(in_flight)
        collect(finished)
    except BrokenProcessPool:
        raise RetryableError(
            "an OCR worker process died (killed or out of memory); retry the document."
        ) from None
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    pages.sort(key=lambda p: p.page)
    failures.sort(key=lambda f: f.page)
    return pages, failures


def extract_document(
    path: str | Path,
    settings: Settings,
    *,
    jobs: int | None = None,
    work_dir: Path | None = None,
    executor: ProcessPoolExecutor | None = None,
    progress: ProgressFn | None = None,
    keep_images: bool = True,
) -> ExtractedDocument:
    """OCR one scan. Whole-document problems raise PermanentError; page problems become PageFailures.

    Files (upright page images, hOCR) go to ``work_dir`` (default ``Settings.pages_dir/<sha256>``); with
    ``keep_images=False`` the page images are removed at the end and only hOCR stays.
    """
    document = inspect(path, settings)
    work = work_dir or settings.pages_dir / document.sha256
    work.mkdir(parents=True, exist_ok=True)
    images = iter_page_images(document, path, work, settings)
    pages, failures = recognize_pages(
        images,
        settings,
        work,
        jobs=jobs or settings.jobs,
        executor=executor,
        progress=progress,
        total=document.page_count,
    )
    if not keep_images:
        for page in pages:
            if page.image:
                Path(page.image).unlink(missing_ok=True)
    log.info("extracted %s: %d pages, %d failed", short(document.sha256), len(pages), len(failures))
    return ExtractedDocument(document=document, pages=tuple(pages), failures=tuple(failures))


def remove_work_dir(work: Path) -> None:
    """Delete a document's work directory (page images, hOCR)."""
    shutil.rmtree(work, ignore_errors=True)


@dataclass
class _Pending:
    """One document of :func:`extract_documents` on its way: its pages in flight, or its error."""

    source: str
    document: SourceDocument | None = None
    error: AtharError | None = None
    futures: list[Future[OcrPage | PageFailure]] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    submitted: bool = False

    def done(self) -> bool:
        return self.error is not None or (self.submitted and all(f.done() for f in self.futures))


def extract_documents(
    sources: Iterable[str | Path],
    settings: Settings,
    work_dir: Callable[[int], Path],
    *,
    jobs: int,
    executor: ProcessPoolExecutor,
) -> Iterator[tuple[str, ExtractedDocument | AtharError]]:
    """OCR many scans as one stream of pages: (source, document or its error), in the order given.

    Pages of the next documents are rendered and submitted while the current ones are recognised (at most
    2 × jobs in flight across document boundaries), so a folder of one-page scans keeps every worker busy;
    and the caller's work on a yielded document (analysis, output) overlaps the recognition of the next
    pages. ``work_dir(n)`` is the folder for the n-th document's files (1-based). The results are the
    same as :func:`extract_document` on each source in turn.
    """
    queue: deque[_Pending] = deque()
    in_flight: set[Future[OcrPage | PageFailure]] = set()

    def finished() -> Iterator[tuple[str, ExtractedDocument | AtharError]]:
        while queue and queue[0].done():
            item = queue.popleft()
            if item.error is not None or item.document is None:
                yield item.source, item.error or RetryableError("the document was not read; retry it.")
                continue
            try:
                results = [f.result() for f in item.futures]
            except BrokenProcessPool:
                raise RetryableError(
                    "an OCR worker process died (killed or out of memory); retry the document."
                ) from None
            pages = sorted((r for r in results if isinstance(r, OcrPage)), key=lambda p: p.page)
            failures = sorted(
                [*item.failures, *(r for r in results if isinstance(r, PageFailure))], key=lambda f: f.page
            )
            log.info(
                "extracted %s: %d pages, %d failed", short(item.document.sha256), len(pages), len(failures)
            )
            yield item.source, ExtractedDocument(item.document, tuple(pages), tuple(failures))

    def make_room() -> Iterator[tuple[str, ExtractedDocument | AtharError]]:
        nonlocal in_flight
        while len(in_flight) >= 2 * jobs:
            _, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            yield from finished()

    for number, source in enumerate(sources, 1):
        item = _Pending(str(source))
        queue.append(item)
        try:
            item.document = inspect(source, settings)
            work = work_dir(number)
            work.mkdir(parents=True, exist_ok=True)
            for image in iter_page_images(item.document, source, work, settings):
                if isinstance(image, PageFailure):
                    item.failures.append(image)
                    continue
                yield from make_room()
                future = executor.submit(_recognize, image, settings, work)
                item.futures.append(future)
                in_flight.add(future)
        except AtharError as exc:  # the whole document (its pages already in flight finish unused)
            item.error = exc
        item.submitted = True
        yield from finished()
    wait(in_flight)
    yield from finished()
