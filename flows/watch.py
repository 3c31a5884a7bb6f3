"""`watch_bucket`: take new objects of the watched bucket into the originals store and process them.

Processing starts with the first stored object: the OCR of one document overlaps the intake of
the next (each object is stored, verified and its drop recorded before it is processed).

Documents left in ``received`` (a retryable failure, e.g. the search node was down) or
``processing`` (a crashed or killed run) are picked up again; their finished pages come
from the OCR cache.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from prefect import flow

from app.bucket import Bucket, open_bucket
from app.intake import IntakeResult, intake, new_objects
from app.state import PROCESSING, RECEIVED, StateStore, open_state
from athar.errors import AtharError, StorageError
from athar.settings import Settings, load_settings
from flows import report
from flows.process import POOL, process_batch, process_task_runner, warm_up

log = logging.getLogger(__name__)

DEFAULT_BATCH = 50  # documents per run; the rest wait for the next run


def pending_documents(store: StateStore, limit: int = DEFAULT_BATCH) -> list[str]:
    """Documents still to process: received first, then ones a crashed run left in processing."""
    docs = store.documents(RECEIVED) + store.documents(PROCESSING)
    return [d.sha256 for d in docs][:limit]


def has_work(settings: Settings, bucket_url: str | None = None) -> bool:
    """Cheap check (no flow run): new objects in the bucket or documents pending."""
    store = open_state(settings)
    if pending_documents(store, 1):
        return True
    return bool(new_objects(open_bucket(settings, bucket_url), store))


@flow(name="watch-bucket", validate_parameters=False, task_runner=POOL)
def watch_bucket(
    bucket_url: str | None = None, settings: Settings | None = None, max_documents: int = DEFAULT_BATCH
) -> dict[str, Any]:
    """Intake every new object of the bucket, then process pending documents in one batch."""
    settings = settings or load_settings()
    if not has_work(settings, bucket_url):
        return {"objects": 0}  # scheduled runs with nothing to do leave no run record
    with one_watch_at_a_time(settings) as alone:
        if not alone:
            log.info("watch: another watch run is taking this data directory's scans; this one stops")
            return {"objects": 0, "skipped": "another watch run is in progress"}
        return _watch(settings, bucket_url, max_documents)


@contextlib.contextmanager
def one_watch_at_a_time(settings: Settings) -> Iterator[bool]:
    """True while this process holds the data directory's watch lock, False if another run holds it.

    `athar up`'s watcher and a run of the `watch-bucket` deployment started from the UI would
    otherwise take the same pending documents twice. (A lock file with flock: local disks; workers on
    several machines rely on the deployment's concurrency limit instead.)
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "watch.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _watch(settings: Settings, bucket_url: str | None, max_documents: int) -> dict[str, Any]:
    store = open_state(settings)
    warm_up(settings)  # OCR processes, indices and NLP get ready while the objects are taken in
    bucket = open_bucket(settings, bucket_url)
    intaken: list[IntakeResult] = []
    with report.recorded_run(settings, "watch-bucket") as summaries:
        pending = pending_documents(store, max_documents)
        log.info("watch: %d documents pending from earlier runs", len(pending))
        summaries.extend(
            process_batch(_batch(pending, bucket, store, settings, intaken, max_documents), settings)
        )
        log.info(
            "watch: %d objects taken in (%d new documents), %d documents processed",
            len(intaken),
            sum(r.new for r in intaken),
            len(summaries),
        )
    states: dict[str, int] = {}
    for s in summaries:
        states[s.state] = states.get(s.state, 0) + 1
    return {"objects": len(intaken), "new_documents": sum(r.new for r in intaken), **states}


def _batch(
    pending: list[str],
    bucket: Bucket,
    store: StateStore,
    settings: Settings,
    intaken: list[IntakeResult],
    limit: int,
) -> Iterator[str]:
    """Documents pending from earlier runs, then each new document as soon as it is taken in.

    Every new object is taken in (stored, drop recorded) even past ``limit`` documents; those
    stay ``received`` for the next run. An object that fails intake stays in the inbox.
    """
    yield from pending
    count = len(pending)
    for obj in new_objects(bucket, store):
        try:
            result = intake(bucket, obj, store, settings)
        except StorageError as exc:
            log.warning("intake of an object postponed: [%s]", exc.code)
            continue
        intaken.append(result)
        if result.new and count < limit:
            count += 1
            yield result.sha256


def run_watch_bucket(settings: Settings, bucket_url: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run :func:`watch_bucket` once with a process pool sized from ``settings``."""
    configured = watch_bucket.with_options(task_runner=process_task_runner(settings))
    result: dict[str, Any] = configured(bucket_url, settings, **kwargs)
    return result


def watch_forever(
    settings: Settings,
    bucket_url: str | None = None,
    *,
    interval: float = 10.0,
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
