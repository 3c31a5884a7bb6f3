"""Run bookkeeping for Prefect: the flow run's id and the run's table artifact."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from app.reports import DocumentSummary, recorded_run, report_rows
from athar.settings import Settings


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
def prefect_run(settings: Settings, flow_name: str) -> Iterator[list[DocumentSummary]]:
    """:func:`app.reports.recorded_run` under the Prefect flow run's id, publishing its artifact."""
    with recorded_run(settings, flow_name, current_run_id(), publish) as summaries:
        yield summaries
