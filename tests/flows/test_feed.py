"""The page feed on real spawned worker processes: a worker that dies, retryable and permanent page errors."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from app.feed import DocumentJob, PageFeed
from athar.errors import PermanentError, RetryableError
from athar.records import OcrPage, PageImage, Preprocessing, SourceDocument
from athar.settings import Settings
from ocr.pipeline import new_executor

SHA = "ab" * 32


def fake_recognize(image: PageImage, settings: Settings) -> OcrPage:
    """Stand-in for the OCR (run in the worker): page 2 kills its worker once, page 3 fails twice
    with a retryable error, page 4 is unreadable; markers next to the page file count the attempts."""
    marker = Path(image.path).with_suffix(".tried")
    tries = len(marker.read_text()) if marker.exists() else 0
    marker.write_text("x" * (tries + 1))
    if image.page == 2 and tries == 0:
        os._exit(1)  # the worker process dies, as when the kernel kills it for memory
    if image.page == 3 and tries < 2:
        raise RetryableError("engine busy", code="tesseract_timeout")
    if image.page == 4:
        raise PermanentError("unreadable page", code="corrupt_image")
    return OcrPage(image.sha256, image.page, f"page {image.page}", (), 90.0, Preprocessing(), "fake", "none")


def _document(pages: int) -> SourceDocument:
    return SourceDocument("scan.pdf", SHA, 1, "application/pdf", pages)


def test_dead_worker_and_retryable_pages_are_retried_permanent_ones_fail(
    tmp_path: Path, settings: Settings
) -> None:
    pools: list[ProcessPoolExecutor] = []
    broken: list[ProcessPoolExecutor] = []

    def pool() -> ProcessPoolExecutor:
        if not pools or pools[-1] in broken:
            pools.append(new_executor(2))
        return pools[-1]

    def forget(dead: ProcessPoolExecutor) -> None:
        if dead not in broken:
            broken.append(dead)
            dead.shutdown(wait=False, cancel_futures=True)

    done: list[DocumentJob] = []
    feed = PageFeed(
        pool,
        settings,
        jobs=2,
        delays=[0.0, 0.0, 0.0],
        on_done=done.append,
        on_pool_broken=forget,
        work=fake_recognize,
    )
    job = DocumentJob(SHA, _document(5))
    try:
        for page in range(1, 6):
            path = tmp_path / f"p{page}.png"
            path.write_bytes(b"")
            feed.add(job, PageImage(SHA, page, str(path), 300, 10, 10))
        feed.finish(job)
        feed.drain()
    finally:
        for p in pools:
            p.shutdown(cancel_futures=True)

    assert done == [job]
    assert sorted(p.page for p in job.pages) == [1, 2, 3, 5]
    assert [(f.page, f.code, f.retryable) for f in job.failures] == [(4, "corrupt_image", False)]
    assert len(broken) >= 1  # the dead worker's pool was replaced
    # two retryable failures, then read (one more try if the dead worker's pool took page 3 down with it)
    assert len((tmp_path / "p3.tried").read_text()) >= 3


def test_retryable_page_that_keeps_failing_becomes_a_retryable_failure(
    tmp_path: Path, settings: Settings
) -> None:
    executor = new_executor(1)
    done: list[DocumentJob] = []
    feed = PageFeed(
        lambda: executor,
        settings,
        jobs=1,
        delays=[0.0],
        on_done=done.append,
        on_pool_broken=lambda _: None,
        work=fake_recognize,
    )
    job = DocumentJob(SHA, _document(1))
    path = tmp_path / "p3.png"  # page 3 needs three tries; one retry is allowed
    path.write_bytes(b"")
    try:
        feed.add(job, PageImage(SHA, 3, str(path), 300, 10, 10))
        feed.finish(job)
        feed.drain()
    finally:
        executor.shutdown()
    assert done == [job] and not job.pages
    assert [(f.page, f.code, f.retryable) for f in job.failures] == [(3, "tesseract_timeout", True)]
