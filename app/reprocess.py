"""Reprocess: run documents again — one, or a selection (low-confidence pages, older pipeline version).

Every processing is kept in the state store's ``versions`` table, so the previous
version stays in a document's provenance. Low-confidence pages have their cached OCR
dropped and are recognised again; documents made by an older pipeline version are
re-run whole (their old cache entries are keyed by the old version and are not reused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.ocr_cache import cached_page_confidences
from app.process import process_batch
from app.reports import recorded_run, state_counts
from app.runner import PLAIN, Runner
from app.state import INDEXED, QUARANTINED, open_state
from athar import PIPELINE_VERSION
from athar.errors import ConfigurationError, PermanentError
from athar.settings import Settings


class UnknownDocumentError(PermanentError):
    code = "unknown_document"


@dataclass(frozen=True)
class Selection:
    """What to re-run: sha256 -> pages to recognise again (None: the whole document)."""

    pages: dict[str, list[int] | None]


def select(
    settings: Settings,
    *,
    sha256s: list[str] | None = None,
    below_confidence: float | None = None,
    older_versions: bool = False,
    include_quarantined: bool = False,
    every_indexed: bool = False,
    keep_ocr: bool = False,
) -> Selection:
    """Choose documents/pages to re-run. Short sha256 prefixes (>= 8 characters) are accepted.

    ``keep_ocr`` re-analyses and re-indexes the chosen documents from their cached OCR (after a
    change to the NLP stage or the index): no page is recognised again unless its OCR is missing.
    """
    if keep_ocr and below_confidence is not None:
        raise ConfigurationError(
            "--below-confidence re-recognises pages; it cannot be combined with --keep-ocr.",
            code="conflicting_options",
        )
    store = open_state(settings)
    known = store.documents()
    chosen: dict[str, list[int] | None] = {}
    if every_indexed:
        chosen.update((d.sha256, None) for d in known if d.state == INDEXED)
    for wanted in sha256s or []:
        matches = [d.sha256 for d in known if len(wanted) >= 8 and d.sha256.startswith(wanted.lower())]
        if len(matches) != 1:
            raise UnknownDocumentError(
                f"no single stored document starts with {wanted!r}; see `athar status` for sha256s."
            )
        chosen[matches[0]] = None
    if older_versions:
        for d in known:
            if d.state == INDEXED and d.pipeline_version != PIPELINE_VERSION:
                chosen[d.sha256] = None
    if below_confidence is not None:
        for d in known:
            if d.state != INDEXED or d.sha256 in chosen:
                continue
            low = [
                p
                for p, c in cached_page_confidences(settings, d.sha256).items()
                if c < below_confidence
            ]
            if low:
                chosen[d.sha256] = low
    if include_quarantined:
        for d in known:
            if d.state == QUARANTINED:
                chosen.setdefault(d.sha256, None)
    if keep_ocr:
        chosen = {sha256: [] for sha256 in chosen}  # forget no cached page
    return Selection(pages=chosen)


def reprocess(
    settings: Settings,
    *,
    sha256s: list[str] | None = None,
    below_confidence: float | None = None,
    older_versions: bool = False,
    include_quarantined: bool = False,
    every_indexed: bool = False,
    keep_ocr: bool = False,
    runner: Runner = PLAIN,
) -> dict[str, Any]:
    """Re-run a selection of documents (see :func:`select`) as one recorded run; returns counts per
    resulting state."""
    selection = select(
        settings,
        sha256s=sha256s,
        below_confidence=below_confidence,
        older_versions=older_versions,
        include_quarantined=include_quarantined,
        every_indexed=every_indexed,
        keep_ocr=keep_ocr,
    )
    with recorded_run(settings, "reprocess", runner.run_id(), runner.publish) as summaries:
        summaries.extend(
            process_batch(list(selection.pages), settings, force_pages=selection.pages, runner=runner)
        )
    return {"documents": len(summaries), **state_counts(summaries)}
