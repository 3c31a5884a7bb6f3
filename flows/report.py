"""Run bookkeeping for Prefect: the flow run's id and the run's table artifact."""

from __future__ import annotations

import uuid

from app.reports import DocumentSummary, report_rows


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
