"""Process stored documents: original -> pages -> OCR (process pool) -> analysis -> index.

Plain Python; the faces decide how the three kinds of step run through a :class:`Runner` (plain
threads and a retry loop by default, Prefect task runs in :mod:`flows.process`). A batch is three
kinds of step, not one per page:

* one ``ocr`` task renders the pages of every document in turn and feeds them to a persistent
  ``ProcessPoolExecutor`` of ``Settings.jobs`` spawned processes (Tesseract single-threaded,
  ``OMP_THREAD_LIMIT=1``), at most ``2 × jobs`` pages in flight across document boundaries, so
  both cores stay busy and memory stays flat (:mod:`app.feed`);
* meanwhile, in the flow thread, an ``analyze`` task analyses each document as soon as its OCR is
  done, until its group holds :func:`group_pages` pages (or the batch ends), then one ``index`` task
  loads the group in one bulk request; the next pages are recognised all the while. Groups double
  in size along a batch (up to 4 times the first), so the first documents are searchable soon and
  a batch of hundreds of pages costs few task runs and bulk loads.

Why not a task per page: measured here, a Prefect task run costs about 10 ms of CPU in the flow
process and 50 ms in the API server, against about 0.5 to 1 s of OCR per A5 page on the same cores.
(Prefect's ``ProcessPoolTaskRunner`` costs even more, about 0.7 s per task.) Every page is still
traceable: its OCR is persisted (the cache under ``data_dir/cache/ocr``, so a killed run resumes
without recognising finished pages again) and logged with sha256 and page number, and each
document is one row of the run's artifact. Only :class:`~athar.errors.RetryableError` is retried,
with backoff: a page's recognition (a dead worker process included) by the feed, indexing by
the runner; a document whose analysis fails with one is left ``received`` for the next run.
Permanent failures quarantine the document with their code and message.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from app import dossiers, steps, watchlist
from app.claims import Claims
from app.corrections import after_index as queue_for_review
from app.corrections import apply_document
from app.feed import DocumentJob, PageFeed
from app.fixity import check_one
from app.ocr_cache import forget_cached_pages, read_cached_page
from app.originals import OriginalCorruptedError, verify_original
from app.reports import DocumentSummary, recorded_run, summarize
from app.runner import PLAIN, Runner
from app.state import INDEXED, LEASE_LOST, QUARANTINED, RECEIVED, open_state
from athar.errors import AtharError, PermanentError, RetryableError
from athar.log import short
from athar.records import ExtractedDocument, PageFailure
from athar.settings import Settings

log = logging.getLogger(__name__)


_EXECUTORS: dict[int, ProcessPoolExecutor] = {}
_EXECUTORS_LOCK = threading.Lock()


def ocr_executor(jobs: int) -> ProcessPoolExecutor:
    """The process pool that runs recognition (one per size, kept for the life of this process)."""
    with _EXECUTORS_LOCK:
        pool = _EXECUTORS.get(jobs)
        if pool is None:
            from ocr.pipeline import new_executor

            pool = new_executor(jobs)
            for _ in range(jobs):  # spawn (and import the OCR stage) now, while the first pages render
                pool.submit(os.getpid)
            _EXECUTORS[jobs] = pool
        return pool




def warm_up(settings: Settings) -> None:
    """Start what a batch needs before its first page is ready (idempotent, returns at once).

    The OCR processes are spawned (they import the OCR stage), and a background thread creates
    the indices if needed and loads the NLP stage, while intake and the first pages are read.
    """
    ocr_executor(max(1, settings.jobs))
    key = (settings.search_url, settings.index_prefix)
    with _EXECUTORS_LOCK:
        if key in _WARMING:
            return
        thread = threading.Thread(
            target=_quietly, args=(steps.prepare_index, settings), daemon=True, name="athar-warm-index"
        )
        _WARMING[key] = thread
    thread.start()
    if not _NLP_WARMING.is_set():
        _NLP_WARMING.set()
        threading.Thread(
            target=_quietly, args=(steps.warm_analysis, settings), daemon=True, name="athar-warm-nlp"
        ).start()


_WARMING: dict[tuple[str, str], threading.Thread] = {}
_NLP_WARMING = threading.Event()


def _warmed(settings: Settings) -> None:
    """Wait for :func:`warm_up`'s thread (the index task must not race it creating the indices)."""
    thread = _WARMING.get((settings.search_url, settings.index_prefix))
    if thread is not None:
        thread.join()


def _pool_broken(jobs: int, pool: ProcessPoolExecutor) -> None:
    """Forget a broken OCR pool (the next page gets a fresh one)."""
    with _EXECUTORS_LOCK:
        if _EXECUTORS.get(jobs) is pool:
            del _EXECUTORS[jobs]
    pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class _Outcome:
    """What the OCR task hands over for one document: a finished job, or an error for the whole document."""

    sha256: str
    job: DocumentJob | None = None
    error: AtharError | None = None


class DocumentStream:
    """The sha256s of a batch, read lazily (e.g. while the watcher is still taking objects in).

    Each document is claimed before it is handed on; one another worker holds is skipped.
    """

    def __init__(self, sha256s: Iterable[str], claims: Claims) -> None:
        self._source = iter(sha256s)
        self.claims = claims
        self.taken: list[str] = []
        self.skipped: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for sha256 in self._source:
            if sha256 in self.taken or sha256 in self.skipped:
                continue
            if not self.claims.take(sha256):
                log.info("document %s: claimed by another worker; skipped", short(sha256))
                self.skipped.append(sha256)
                continue
            self.taken.append(sha256)
            yield sha256


def ocr_batch(
    sha256s: DocumentStream,
    settings: Settings,
    force_pages: dict[str, list[int] | None] | None,
    outcomes: queue.SimpleQueue[_Outcome | None],
) -> dict[str, int]:
    """Render and recognise the pages of every document; each document goes to ``outcomes`` when done.

    Pages go to the shared OCR process pool as they are rendered (at most 2 × jobs in flight,
    across document boundaries). Pages with cached OCR are not recognised again; retryable
    page errors are retried with backoff. Returns counts (pages recognised, reused).
    """
    store = open_state(settings)
    jobs = max(1, settings.jobs)
    feed = PageFeed(
        lambda: ocr_executor(jobs),
        settings,
        jobs=jobs,
        delays=list(settings.retry_delays),
        on_done=lambda job: outcomes.put(_Outcome(job.sha256, job=job)),
        on_pool_broken=lambda pool: _pool_broken(jobs, pool),
    )
    counts = {"pages": 0, "reused": 0}
    try:
        for sha256 in sha256s:  # each one claimed (state processing) by the stream
            if force_pages and sha256 in force_pages:
                forget_cached_pages(settings, sha256, force_pages[sha256])
            try:
                path = verify_original(settings, sha256)
                document = steps.with_drop_source(steps.inspect_original(path, settings), store)
                job = DocumentJob(sha256, document)
                for item in steps.page_images(job.document, path, settings):
                    if isinstance(item, PageFailure):
                        job.failures.append(item)
                        continue
                    cached = read_cached_page(settings, sha256, item.page)
                    if cached is not None:
                        job.pages.append(cached)
                        job.reused += 1
                    else:
                        feed.add(job, item)
                    counts["pages"] += 1
            except AtharError as exc:  # the whole document (pages already in flight finish unused)
                if isinstance(exc, OriginalCorruptedError):  # shown by status, flagged in search
                    check_one(settings, store, sha256)
                outcomes.put(_Outcome(sha256, error=exc))
                continue
            log.info(
                "document %s: %d pages rendered, %d with cached OCR",
                short(sha256),
                len(job.pages) + job.pending,
                job.reused,
            )
            counts["reused"] += job.reused
            feed.finish(job)
        feed.drain()
    finally:
        outcomes.put(None)
    return counts


@dataclass
class _Group:
    """What an ``analyze`` task hands on: analysed documents, documents that failed, end of the batch."""

    extracted: list[tuple[ExtractedDocument, int]] = field(default_factory=list)  # (document, pages reused)
    failed: list[_Outcome] = field(default_factory=list)
    ended: bool = False


def analyze_task(
    first: _Outcome, outcomes: queue.SimpleQueue[_Outcome | None], settings: Settings, limit: int
) -> _Group:
    """Entities and persons of each document as soon as its OCR is done, until the group has ``limit`` pages.

    A document's own failure (whole-document error, no readable page, analysis error) does not
    stop the others; it is handed on in ``failed``.
    """
    group = _Group()
    pages = 0
    item: _Outcome | None = first
    while item is not None:
        job = item.job
        if item.error is not None or job is None or not job.pages:
            group.failed.append(item)
        else:
            engine = tuple(sorted(job.pages, key=lambda p: p.page))
            try:  # the corrections on top of the engine's reading (re-aligned by boxes to this OCR)
                ordered, analysis, _ = apply_document(
                    settings, job.sha256, engine, lambda pages: steps.analyze(pages, settings)
                )
            except AtharError as exc:
                group.failed.append(_Outcome(job.sha256, error=exc))
            else:
                failures = tuple(sorted(job.failures, key=lambda f: f.page))
                doc = ExtractedDocument(job.document, ordered, failures, analysis)
                group.extracted.append((doc, job.reused))
                pages += len(ordered)
        if pages >= limit:
            return group
        item = outcomes.get()
    group.ended = True
    return group


def _lost(sha256: str, pages: int = 0) -> DocumentSummary:
    """Another worker took the document over (this one's lease expired): nothing of this run is kept."""
    return DocumentSummary(sha256=sha256, state=LEASE_LOST, pages=pages, failures=(LEASE_LOST,))


def _quarantine(store: Claims, sha256: str, error: AtharError) -> DocumentSummary:
    if not store.set_state(sha256, QUARANTINED, code=error.code, message=error.message):
        return _lost(sha256)
    log.warning("document %s quarantined: [%s]", short(sha256), error.code)
    return DocumentSummary(sha256=sha256, state=QUARANTINED, failures=(error.code,))


def _postpone(store: Claims, sha256: str, error: AtharError, pages: int = 0) -> DocumentSummary:
    """A retryable failure: left in ``received`` for the next run (finished pages stay cached)."""
    if not store.set_state(sha256, RECEIVED, code=error.code, message=error.message):
        return _lost(sha256, pages)
    log.warning("document %s postponed: [%s]", short(sha256), error.code)
    return DocumentSummary(sha256=sha256, state=RECEIVED, pages=pages, failures=(error.code,))


def _settle(outcome: _Outcome, store: Claims) -> DocumentSummary:
    """The summary of a document that failed as a whole (postponed if retryable, else quarantined)."""
    if outcome.error is not None:
        if isinstance(outcome.error, RetryableError):
            return _postpone(store, outcome.sha256, outcome.error)
        return _quarantine(store, outcome.sha256, outcome.error)
    job = outcome.job
    assert job is not None
    failures = sorted(job.failures, key=lambda f: f.page)
    first = failures[0] if failures else None
    code = first.code if first else "no_pages"
    message = first.message if first else "the document has no readable page; re-scan it."
    if first and first.retryable:
        return _postpone(store, job.sha256, RetryableError(message, code=code))
    return _quarantine(store, job.sha256, PermanentError(message, code=code))


def group_pages(settings: Settings) -> int:
    """Pages of finished documents analysed and indexed together in a batch's first group.

    Each group costs two task runs and one bulk load plus one prune query (measured: about 120 ms of
    CPU in the Prefect server and the search node together, beyond the cost of its entries), so
    groups of a few pages keep that overhead small while a document waits for at most a few more
    pages of OCR before it is indexed. The next groups double up to :data:`MAX_GROUP_FACTOR` times
    this (the batch's last group may be smaller): on 96 one-page documents, 5 groups instead of 12
    save about 0.8 CPU-s, while a document waits for at most 16 × jobs pages of OCR.
    """
    return 4 * max(1, settings.jobs)


MAX_GROUP_FACTOR = 4


def process_batch(
    sha256s: Iterable[str],
    settings: Settings,
    *,
    force_pages: dict[str, list[int] | None] | None = None,
    runner: Runner = PLAIN,
    pending_only: bool = False,
) -> list[DocumentSummary]:
    """Process stored documents inside the current flow; returns one summary per document.

    One ``ocr`` task renders and recognises the pages of every document (see :func:`ocr_batch`);
    meanwhile an ``analyze`` task in this thread analyses each document as soon as its pages are
    done, until the group has :func:`group_pages` pages (doubling along the batch), then one ``index``
    task loads the group (one bulk load), so analysis and indexing overlap the recognition of the next pages.
    ``sha256s`` is read lazily by the ``ocr`` task (duplicates are processed once), so documents
    may still be arriving. ``force_pages`` maps a sha256 to pages (None: all pages) whose cached
    OCR is dropped first. Each document is claimed first (:class:`app.claims.Claims`, renewed while
    the batch runs); one another worker holds is skipped (no summary). ``pending_only`` claims only
    received documents and expired claims (a handed-on document another worker already finished
    is not processed twice).
    """
    if isinstance(sha256s, Sequence) and not sha256s:
        return []
    store = open_state(settings)
    with Claims(store, settings, pending_only=pending_only) as claims:
        return _process(DocumentStream(sha256s, claims), settings, claims, force_pages, runner)


def _process(
    documents: DocumentStream,
    settings: Settings,
    store: Claims,
    force_pages: dict[str, list[int] | None] | None,
    runner: Runner,
) -> list[DocumentSummary]:
    warm_up(settings)
    summaries: dict[str, DocumentSummary] = {}
    outcomes: queue.SimpleQueue[_Outcome | None] = queue.SimpleQueue()
    ocr = runner.background("ocr", functools.partial(ocr_batch, documents, settings, force_pages, outcomes))
    limit = group_pages(settings)
    while (item := outcomes.get()) is not None:
        group = runner.step("analyze", functools.partial(analyze_task, item, outcomes, settings, limit))
        limit = min(2 * limit, MAX_GROUP_FACTOR * group_pages(settings))
        for failed in group.failed:
            summaries[failed.sha256] = _settle(failed, store)
        for summary in _index(group.extracted, settings, store, runner):
            summaries[summary.sha256] = summary
        if group.ended:
            break
    ocr()  # an unexpected error of the OCR task fails the run (documents stay pending)
    if any(s.state == INDEXED for s in summaries.values()):
        _quietly(steps.refresh_index, settings)
        indexed = [s for s in documents.taken if summaries[s].state == INDEXED]
        runner.step("saved-searches", lambda: watchlist.after_batch(settings, indexed))
    return [summaries[s] for s in documents.taken]


def _index(
    group: list[tuple[ExtractedDocument, int]], settings: Settings, store: Claims, runner: Runner
) -> list[DocumentSummary]:
    """Index a group of analysed documents in one ``index`` task and record the outcome of each.

    Documents whose claim was taken over meanwhile are not written (their lease is checked first);
    index entries have content-derived ids, so a write that races a takeover rewrites, never duplicates.
    """
    held = set(store.still_held([doc.document.sha256 for doc, _ in group]))
    lost = [_lost(doc.document.sha256, len(doc.pages)) for doc, _ in group if doc.document.sha256 not in held]
    group = [(doc, reused) for doc, reused in group if doc.document.sha256 in held]
    if not group:
        return lost
    began = time.perf_counter()
    extracted = [doc for doc, _ in group]
    _warmed(settings)
    try:
        refused = runner.retried(
            "index", lambda: steps.index_documents(extracted, settings), settings.retry_delays
        )
    except RetryableError as exc:  # retries exhausted (e.g. the search node is down): next watch cycle
        return lost + [_postpone(store, e.document.sha256, exc, len(e.pages)) for e in extracted]
    except PermanentError as exc:
        return lost + [_quarantine(store, e.document.sha256, exc) for e in extracted]
    out: list[DocumentSummary] = lost
    indexed: list[ExtractedDocument] = []
    for doc, reused in group:
        sha256 = doc.document.sha256
        error = refused.get(sha256)
        if error is not None:
            out.append(_quarantine(store, sha256, error))
            continue
        summary = summarize(doc, INDEXED, ocr_reused=reused)
        if not store.record_result(sha256, summary.to_json()):
            out.append(_lost(sha256, len(doc.pages)))
            continue
        indexed.append(doc)
        shutil.rmtree(settings.pages_dir / sha256, ignore_errors=True)  # rendered pages; the original stays
        log.info(
            "document %s indexed: %d pages, %d failed pages", short(sha256), len(doc.pages), len(doc.failures)
        )
        out.append(summary)
    log.info("%d documents indexed in %.2fs", len(extracted), time.perf_counter() - began)
    if indexed:
        runner.step("link", lambda: dossiers.after_index(settings, indexed))  # incremental: app/dossiers.py
        queue_for_review(settings, indexed)  # their words to check (app/corrections.py; never raises)
    return out


def _quietly(fn: Any, settings: Settings) -> None:
    """Run a best-effort helper; its failure shows up later where it matters (the index task)."""
    try:
        fn(settings)
    except Exception as exc:
        log.debug("%s skipped: %s", getattr(fn, "__name__", "helper"), type(exc).__name__)


def process_document(
    sha256: str,
    settings: Settings,
    *,
    force_pages: list[int] | None = None,
    all_pages: bool = False,
    pending_only: bool = False,
    runner: Runner = PLAIN,
) -> dict[str, Any]:
    """Process one stored document (by sha256) as a recorded run; ``force_pages``/``all_pages`` drop
    their cached OCR first; ``pending_only`` (a document handed on by the watcher) processes it only
    if no other worker has taken it. Returns the document's summary (state ``skipped`` if not taken)."""
    with recorded_run(settings, "process-document", runner.run_id(), runner.publish) as summaries:
        force: dict[str, list[int] | None] | None = None
        if all_pages or force_pages:
            force = {sha256: None if all_pages else list(force_pages or [])}
        summaries.extend(
            process_batch([sha256], settings, force_pages=force, runner=runner, pending_only=pending_only)
        )
    return summaries[0].to_json() if summaries else {"sha256": sha256, "state": "skipped"}
