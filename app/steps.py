"""The steps of processing one document, each a plain function over the stages.

The stages are imported lazily inside each step, so importing the application layer stays
cheap (the web app and `athar status` never load the OCR or NLP stage).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.ocr_cache import read_cached_page, write_cached_page
from app.state import StateStore
from athar.errors import AtharError, SearchRequestError, SearchUnavailableError
from athar.log import short
from athar.records import (
    Analysis,
    ExtractedDocument,
    OcrPage,
    PageFailure,
    PageImage,
    SourceDocument,
)
from athar.settings import Settings

log = logging.getLogger(__name__)


# ------------------------------------------------------------------ the steps


def inspect_original(path: Path, settings: Settings) -> SourceDocument:
    """Check a stored original (ocr.intake.inspect); raises PermanentError for unusable files."""
    from ocr.intake import inspect

    return inspect(path, settings)


def with_drop_source(document: SourceDocument, store: StateStore) -> SourceDocument:
    """Show where the scan was dropped (bucket URL + object name, as data) instead of the store path."""
    drops = store.drops(document.sha256)
    if not drops:
        return document
    first = drops[0]
    return replace(document, source=f"{first['bucket'].rstrip('/')}/{first['object_key']}")


def page_images(
    document: SourceDocument, path: Path, settings: Settings
) -> Iterator[PageImage | PageFailure]:
    """Rasterise pages one at a time to files under ``pages_dir/<sha256>`` (a bad page is a PageFailure)."""
    from ocr.rasterize import iter_page_images

    return iter_page_images(document, path, settings.pages_dir / document.sha256, settings)


def recognize_cached(image: PageImage, settings: Settings) -> OcrPage:
    """OCR one page, or return its cached result; the result is persisted before returning."""
    cached = read_cached_page(settings, image.sha256, image.page)
    if cached is not None:
        log.info("page %d of %s: cached OCR reused", image.page, short(image.sha256))
        return cached
    from ocr.recognize import recognize_page

    page = recognize_page(image, settings)
    write_cached_page(settings, page)
    log.info("page %d of %s: recognised, confidence %.1f", image.page, short(image.sha256), page.confidence)
    return page


def page_failure(image: PageImage, error: AtharError) -> PageFailure:
    """The record of a page that could not be recognised."""
    return PageFailure(
        sha256=image.sha256,
        page=image.page,
        code=error.code,
        message=error.message,
        retryable=error.retryable,
    )


def analyze(pages: list[OcrPage], settings: Settings) -> Analysis:
    """Entities and persons of a document's pages (nlp.analyze.analyze_pages)."""
    from nlp.analyze import analyze_pages

    return analyze_pages(pages, settings)


def index_documents(extracted: list[ExtractedDocument], settings: Settings) -> dict[str, AtharError | None]:
    """Load documents into the search index in one bulk load; returns each one's permanent refusal or None.

    The engine being unreachable, or refusing entries with a server error (5xx, 429), raises
    RetryableError for the whole group (ids derive from content: sending it again overwrites).
    Other refusals are the document's own PermanentError (it is quarantined with the reason code).
    Not refreshed here: the engine refreshes every second by itself and process_batch refreshes
    once at the end of a batch.
    """
    from index.client import make_client
    from index.load import load

    report = load(make_client(settings), settings, extracted, refresh=False)
    refused: dict[str, list[Any]] = {}
    for failure in report.failures:
        refused.setdefault(failure.id.split(":", 1)[0], []).append(failure)
    result: dict[str, AtharError | None] = {}
    for doc in extracted:
        sha256 = doc.document.sha256
        failures = refused.get(sha256)
        if not failures:
            result[sha256] = None
            continue
        first = failures[0]
        message = (
            f"the search engine refused {len(failures)} entries (first: {first.kind} {first.status} "
            f"{first.reason}); check the engine logs, then run `athar reprocess {short(sha256)}`."
        )
        if any(f.status >= 500 or f.status == 429 for f in failures):
            raise SearchUnavailableError(message)
        result[sha256] = SearchRequestError(message)
    return result


def warm_analysis(settings: Settings) -> None:
    """Load the NLP stage (imports, tables, models) before the first document needs it."""
    from nlp.analyze import analyze_text

    analyze_text("سجل", settings)


def prepare_index(settings: Settings) -> None:
    """Templates and indices in place, once per process (done early, in the background, so the first
    document does not wait; the loads of this process then skip the check)."""
    from index.client import make_client
    from index.schema import ensure_indices_once

    ensure_indices_once(make_client(settings), settings)


def refresh_index(settings: Settings) -> None:
    """Make everything indexed so far searchable now."""
    from index.client import engine_errors, make_client
    from index.schema import alias_name

    with engine_errors():
        make_client(settings).indices.refresh(
            index=",".join(alias_name(settings, k) for k in ("documents", "pages", "persons"))
        )


def media_type(head: bytes) -> str | None:
    """Media type sniffed from a file's first bytes (ocr.intake.sniff_media_type), None if unsupported."""
    from ocr.intake import sniff_media_type

    return sniff_media_type(head)
