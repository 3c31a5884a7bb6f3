"""Watch the bucket: take new objects into the originals store and process them, in one batch.

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
from collections.abc import Iterator
from typing import Any

from app.bucket import Bucket, open_bucket
from app.intake import IntakeResult, intake, intake_all, new_objects
from app.process import process_batch, warm_up
from app.reports import recorded_run, state_counts
from app.runner import PLAIN, Runner
from app.state import PROCESSING, RECEIVED, StateStore, open_state
from athar.errors import AtharError
from athar.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_BATCH = 50  # documents per run; the rest wait for the next run


def pending_documents(store: StateStore, limit: int = DEFAULT_BATCH) -> list[str]:
    """Documents still to process: received first, then ones a crashed run left in processing."""
    docs = store.documents(RECEIVED) + store.documents(PROCESSING)
    return [d.sha256 for d in docs][:limit]


def has_work(settings: Settings, bucket_url: str | None = None) -> bool:
    """Cheap check (no run recorded): new objects in the bucket or (fan-out local) documents pending."""
    store = open_state(settings)
    if settings.fanout == "local" and pending_documents(store, 1):
        return True
    return bool(new_objects(open_bucket(settings, bucket_url), store))


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


def watch_once(
    settings: Settings,
    bucket_url: str | None = None,
    max_documents: int = DEFAULT_BATCH,
    *,
    runner: Runner = PLAIN,
) -> dict[str, Any]:
    """Intake every new object of the bucket, then process pending documents in one recorded run.

    Returns counts: objects taken in, new documents, documents per resulting state. A check with
    nothing to do records no run.
    """
    if not has_work(settings, bucket_url):
        return {"objects": 0}
    with one_watch_at_a_time(settings) as alone:
        if not alone:
            log.info("watch: another watch run is taking this data directory's scans; this one stops")
            return {"objects": 0, "skipped": "another watch run is in progress"}
        # holding the lock, no other watch run is alive: one still "running" was killed
        crashed = open_state(settings).mark_crashed("watch-bucket")
        if crashed:
            log.warning("watch: %d earlier run(s) were killed mid-run; marked crashed", len(crashed))
            runner.crashed(crashed)
        if settings.fanout == "workers":
            return _take_in(settings, bucket_url, runner)
        return _watch(settings, bucket_url, max_documents, runner)


def _take_in(settings: Settings, bucket_url: str | None, runner: Runner) -> dict[str, Any]:
    """Fan-out to workers: only take the objects in; they stay ``received`` for any worker to claim."""
    store = open_state(settings)
    with recorded_run(settings, "watch-bucket", runner.run_id(), runner.publish):
        intaken = intake_all(open_bucket(settings, bucket_url), store, settings)
    log.info("watch: %d objects taken in, handed on to the workers", len(intaken))
    return {"objects": len(intaken), "new_documents": sum(r.new for r in intaken), "fanout": "workers"}


def _watch(settings: Settings, bucket_url: str | None, max_documents: int, runner: Runner) -> dict[str, Any]:
    store = open_state(settings)
    warm_up(settings)  # OCR processes, indices and NLP get ready while the objects are taken in
    bucket = open_bucket(settings, bucket_url)
    intaken: list[IntakeResult] = []
    with recorded_run(settings, "watch-bucket", runner.run_id(), runner.publish) as summaries:
        pending = pending_documents(store, max_documents)
        log.info("watch: %d documents pending from earlier runs", len(pending))
        batch = _batch(pending, bucket, store, settings, intaken, max_documents)
        summaries.extend(process_batch(batch, settings, runner=runner, pending_only=True))
        log.info(
            "watch: %d objects taken in (%d new documents), %d documents processed",
            len(intaken),
            sum(r.new for r in intaken),
            len(summaries),
        )
    return {"objects": len(intaken), "new_documents": sum(r.new for r in intaken), **state_counts(summaries)}


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
        except AtharError as exc:  # one object that cannot be taken in never blocks the others
            log.warning("intake of an object postponed: [%s]", exc.code)
            continue
        except OSError as exc:
            log.warning("intake of an object postponed: [%s]", type(exc).__name__)
            continue
        intaken.append(result)
        if result.new and count < limit:
            count += 1
            yield result.sha256
