"""Run bookkeeping for Prefect: the flow run's id and the run's table artifact."""

from __future__ import annotations

import logging
import uuid

from app.reports import DocumentSummary, report_rows

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


def mark_crashed(run_ids: list[str]) -> None:
    """Mark flow runs whose process was killed as Crashed in Prefect (they would stay "Running")."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    with get_client(sync_client=True) as client:
        for run_id in run_ids:
            try:
                flow_run_id = uuid.UUID(run_id)
            except ValueError:
                continue  # a plain run: only the state store knew it
            try:
                client.set_flow_run_state(
                    flow_run_id, Crashed(message="its process was killed; found by the next run"), force=True
                )
            except Exception as exc:  # the run may be unknown to this server: the state store still says it
                log.warning("could not mark flow run %s crashed: %s", run_id[:8], type(exc).__name__)
