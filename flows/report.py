"""Run bookkeeping: a row in the state store's runs table and a Prefect table artifact per run."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator

from app.state import open_state
from athar.settings import Settings
from flows.steps import DocumentSummary, report_rows

log = logging.getLogger(__name__)


def current_run_id() -> str:
    """The Prefect flow run id, or a fresh id outside a flow."""
    from prefect.runtime import flow_run

    run_id = flow_run.id
    return str(run_id) if run_id else str(uuid.uuid4())


def publish(summaries: list[DocumentSummary], flow_name: str) -> None:
    """Publish the run's table artifact (counts, confidences and codes; never names or text)."""
    from prefect.artifacts import create_table_artifact

    create_table_artifact(
        table=report_rows(summaries),
        key=f"athar-{flow_name}",
        description=f"Athar {flow_name}: documents, pages, mean confidence, persons found, "
        "low-confidence pages and failures (sha256 prefixes only).",
    )


@contextlib.contextmanager
def recorded_run(settings: Settings, flow_name: str) -> Iterator[list[DocumentSummary]]:
    """Record the run in the state store; the caller appends summaries; publish them at the end."""
    store = open_state(settings)
    run_id = current_run_id()
    store.start_run(run_id, flow_name)
    summaries: list[DocumentSummary] = []
    status = "failed"
    try:
        yield summaries
        status = "completed"
    finally:
        counts: dict[str, int] = {}
        for s in summaries:
            counts[s.state] = counts.get(s.state, 0) + 1
        store.finish_run(
            run_id,
            status,
            {
                "documents": len(summaries),
                "pages": sum(s.pages for s in summaries),
                "persons": sum(s.persons for s in summaries),
                "ocr_reused": sum(s.ocr_reused for s in summaries),
                **counts,
            },
        )
        if summaries:
            try:
                publish(summaries, flow_name)
            except Exception as exc:  # the report must never fail the run
                log.warning("could not publish the run artifact: %s", type(exc).__name__)
