"""Run reports: one summary per document (counts and codes, never content), the table rows of a
run's report, and the run's row in the state store."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from app.state import open_state
from athar import PIPELINE_VERSION
from athar.log import short
from athar.records import ExtractedDocument
from athar.settings import Settings

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 60.0  # pages under this mean word confidence are listed in run reports


@dataclass(frozen=True)
class DocumentSummary:
    """One row of a run report: counts and codes only, never content."""

    sha256: str
    state: str
    pages: int = 0
    mean_confidence: float | None = None
    persons: int = 0
    low_confidence_pages: tuple[int, ...] = ()
    failures: tuple[str, ...] = ()  # "code" or "p<page>:code"
    ocr_reused: int = 0
    doc_type: str | None = None  # a category (prison_register, ...), never content

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "state": self.state,
            "pages": self.pages,
            "mean_confidence": self.mean_confidence,
            "persons": self.persons,
            "low_confidence_pages": list(self.low_confidence_pages),
            "failures": list(self.failures),
            "ocr_reused": self.ocr_reused,
            "doc_type": self.doc_type,
            "pipeline_version": PIPELINE_VERSION,
        }


def summarize(extracted: ExtractedDocument, state: str, ocr_reused: int = 0) -> DocumentSummary:
    """Counts for the state store and the run artifact."""
    pages = extracted.pages
    mean = round(sum(p.confidence for p in pages) / len(pages), 1) if pages else None
    return DocumentSummary(
        sha256=extracted.document.sha256,
        state=state,
        pages=len(pages),
        mean_confidence=mean,
        persons=len(extracted.analysis.persons) if extracted.analysis else 0,
        low_confidence_pages=tuple(p.page for p in pages if p.confidence < LOW_CONFIDENCE),
        failures=tuple(f"p{f.page}:{f.code}" for f in extracted.failures),
        ocr_reused=ocr_reused,
        doc_type=extracted.analysis.doc_type if extracted.analysis else None,
    )


def report_rows(summaries: list[DocumentSummary]) -> list[dict[str, Any]]:
    """Table rows for a Prefect artifact (one per document, plus a total row)."""
    rows: list[dict[str, Any]] = [
        {
            "document": short(s.sha256),
            "state": s.state,
            "pages": s.pages,
            "mean confidence": s.mean_confidence,
            "persons found": s.persons,
            "low-confidence pages": ", ".join(str(p) for p in s.low_confidence_pages),
            "failures": ", ".join(s.failures),
        }
        for s in summaries
    ]
    scored = [s for s in summaries if s.mean_confidence is not None]
    total_pages = sum(s.pages for s in scored)
    mean = (
        round(sum((s.mean_confidence or 0.0) * s.pages for s in scored) / total_pages, 1)
        if total_pages
        else None
    )
    rows.append(
        {
            "document": f"total: {len(summaries)}",
            "state": f"{sum(s.state == 'indexed' for s in summaries)} indexed",
            "pages": sum(s.pages for s in summaries),
            "mean confidence": mean,
            "persons found": sum(s.persons for s in summaries),
            "low-confidence pages": str(sum(len(s.low_confidence_pages) for s in summaries)),
            "failures": str(sum(len(s.failures) for s in summaries)),
        }
    )
    return rows


@contextlib.contextmanager
def recorded_run(
    settings: Settings,
    flow_name: str,
    run_id: str,
    publish: Callable[[list[DocumentSummary], str], None] | None = None,
) -> Iterator[list[DocumentSummary]]:
    """Record the run in the state store; the caller appends summaries; ``publish`` them at the end."""
    store = open_state(settings)
    store.start_run(run_id, flow_name)
    summaries: list[DocumentSummary] = []
    status = "failed"
    try:
        yield summaries
        status = "completed"
    finally:
        store.finish_run(run_id, status, run_counts(summaries))
        if summaries and publish is not None:
            try:
                publish(summaries, flow_name)
            except Exception as exc:  # the report must never fail the run
                log.warning("could not publish the run report: %s", type(exc).__name__)


def run_counts(summaries: list[DocumentSummary]) -> dict[str, int]:
    """A run's totals for the runs table: documents, pages, persons, reused OCR, documents per state."""
    counts: dict[str, int] = {}
    for s in summaries:
        counts[s.state] = counts.get(s.state, 0) + 1
    return {
        "documents": len(summaries),
        "pages": sum(s.pages for s in summaries),
        "persons": sum(s.persons for s in summaries),
        "ocr_reused": sum(s.ocr_reused for s in summaries),
        **counts,
    }


def state_counts(summaries: list[DocumentSummary]) -> dict[str, int]:
    """Documents per resulting state."""
    states: dict[str, int] = {}
    for s in summaries:
        states[s.state] = states.get(s.state, 0) + 1
    return states
