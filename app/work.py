"""Workers: take pending documents from the shared state store and process them (fan-out).

With ``ATHAR_FANOUT=workers`` the watcher only takes objects in (store, verify, record: they stay
``received``) and any number of workers, on any machines sharing the state store
(``ATHAR_STATE_URL``), the originals store and the search cluster, claim documents in chunks and
process them. A claim is a lease renewed while the worker works (:mod:`app.claims`): each document
is processed by exactly one worker, and one whose worker died is taken over once its lease expires.

Why workers pull from the state store instead of one Prefect deployment run per document (or a
Dask cluster): a served or pooled deployment run is a new process that pays Prefect's imports, the
OCR processes' start and the NLP stage's load again (about 2.5 CPU-s, see :mod:`flows.serve`),
more than the OCR of a one-page document (0.5 to 1 s); a long-lived worker pays it once, keeps its
OCR pool busy across document boundaries, and is still one Prefect flow run per chunk.
"""

from __future__ import annotations

import logging
from typing import Any

from app.process import group_pages, process_batch
from app.reports import DocumentSummary, recorded_run, state_counts
from app.runner import PLAIN, Runner
from app.state import LEASE_LOST, open_state, worker_name
from athar.settings import Settings

log = logging.getLogger(__name__)


def chunk_size(settings: Settings) -> int:
    """Documents a worker claims at a time: the first analysis group's worth (4 × jobs), so its OCR
    pool stays full across documents while other workers still find work."""
    return group_pages(settings)


def _lost(sha256: str) -> DocumentSummary:
    """A claimed document another worker took over before this one began it (its lease expired)."""
    return DocumentSummary(sha256=sha256, state=LEASE_LOST, failures=(LEASE_LOST,))


def has_pending(settings: Settings) -> bool:
    """Whether any document is received, or held by an expired claim (cheap: one query)."""
    return bool(open_state(settings).pending(1))


def work_once(
    settings: Settings, max_documents: int | None = None, *, runner: Runner = PLAIN
) -> dict[str, Any]:
    """Claim and process chunks of pending documents until none is left (or ``max_documents``).

    One recorded run; returns documents per resulting state. Nothing pending: no run recorded.
    """
    if not has_pending(settings):
        return {"documents": 0}
    store = open_state(settings)
    worker = worker_name(settings)
    limit = max_documents if max_documents is not None else -1
    with recorded_run(settings, "work-pending", runner.run_id(), runner.publish) as summaries:
        while limit != 0:
            size = chunk_size(settings) if limit < 0 else min(limit, chunk_size(settings))
            claimed = store.claim_pending(worker, settings.lease_seconds, size)
            if not claimed:
                break
            limit -= len(claimed) if limit > 0 else 0
            log.info("worker: %d documents claimed", len(claimed))
            # already claimed by this worker: process_batch keeps its own claims (pending_only: a
            # document whose claim was taken over while this worker stalled is not taken back)
            done = process_batch(claimed, settings, runner=runner, pending_only=True)
            finished = {s.sha256 for s in done}
            summaries.extend(done)
            summaries.extend(_lost(s) for s in claimed if s not in finished)
    return {"documents": len(summaries), **state_counts(summaries)}
