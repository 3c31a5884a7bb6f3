"""Plain functions the Prefect flows are thin wrappers over (testable without Prefect).

The OCR result of every page is persisted as JSON under
``data_dir/cache/ocr/<sha256>/p<page>-<key>.json``, where ``key`` depends on the
pipeline version and the settings that change recognition. A crashed or killed
run therefore resumes without recognising finished pages again, and a new
pipeline version (or model, or DPI) never reuses an old page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.state import StateStore
from athar import PIPELINE_VERSION
from athar.errors import AtharError, SearchRequestError, SearchUnavailableError
from athar.log import short
from athar.records import (
    Analysis,
    ExtractedDocument,
    OcrPage,
    OcrWord,
    PageFailure,
    PageImage,
    Preprocessing,
    SourceDocument,
)
from athar.settings import Settings

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 60.0  # pages under this mean word confidence are listed in run reports


# ------------------------------------------------------------------ OCR cache


def ocr_cache_key(settings: Settings) -> str:
    """Short hash of what changes a page's recognition: pipeline version, language, model dir, DPI,
    and the content of the models and of Tesseract's word list."""
    from ocr.tesseract import model_path

    models = [_file_digest(str(model_path(lang, settings.tessdata_dir))) for lang in settings.lang.split("+")]
    basis = json.dumps(
        [
            PIPELINE_VERSION,
            settings.lang,
            settings.digit_pass,
            settings.tessdata_dir,
            settings.dpi,
            _file_digest(settings.user_words) if settings.user_words else None,
            models,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:12]


def _file_digest(path: str) -> str:
    """sha256 of a file's content, recomputed only when its size or modification time changes."""
    try:
        stat = Path(path).stat()
    except OSError:
        return "missing"
    return _content_digest(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _content_digest(path: str, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def ocr_cache_dir(settings: Settings, sha256: str) -> Path:
    """Folder of a document's cached OCR pages."""
    return settings.data_dir / "cache" / "ocr" / sha256


def ocr_cache_path(settings: Settings, sha256: str, page: int) -> Path:
    """Cached OcrPage JSON for one page under the current cache key."""
    return ocr_cache_dir(settings, sha256) / f"p{page:05d}-{ocr_cache_key(settings)}.json"


def ocr_page_from_json(data: dict[str, Any]) -> OcrPage:
    """Rebuild an OcrPage from its ``to_json`` form."""
    words = tuple(
        OcrWord(
            text=w["text"],
            conf=float(w["conf"]),
            bbox=(int(w["bbox"][0]), int(w["bbox"][1]), int(w["bbox"][2]), int(w["bbox"][3])),
            line=int(w.get("line", 0)),
            block=int(w.get("block", 0)),
        )
        for w in data.get("words", ())
    )
    pre = data.get("preprocessing") or {}
    return OcrPage(
        sha256=data["sha256"],
        page=int(data["page"]),
        text=data["text"],
        words=words,
        confidence=float(data["confidence"]),
        preprocessing=Preprocessing(
            rotation=int(pre.get("rotation", 0)),
            skew_angle=float(pre.get("skew_angle", 0.0)),
            binarization=str(pre.get("binarization", "none")),
            denoise=bool(pre.get("denoise", False)),
            candidates=dict(pre.get("candidates", {})),
            digit_pass=dict(pre.get("digit_pass", {})),
        ),
        engine=data["engine"],
        model=data["model"],
        width=int(data.get("width", 0)),
        height=int(data.get("height", 0)),
        dpi=int(data.get("dpi", 300)),
        hocr=data.get("hocr"),
    )


def read_cached_page(settings: Settings, sha256: str, page: int) -> OcrPage | None:
    """The cached OCR of a page, or None if absent or unreadable (then it is recognised again)."""
    path = ocr_cache_path(settings, sha256, page)
    try:
        return ocr_page_from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        log.warning("cached OCR of %s page %d is unreadable; recognising it again", short(sha256), page)
        return None


def write_cached_page(settings: Settings, page: OcrPage) -> Path:
    """Persist a page's OCR atomically (a crash never leaves half a JSON file)."""
    path = ocr_cache_path(settings, page.sha256, page.page)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".page-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(page.to_json(), out, ensure_ascii=False)
    os.replace(tmp, path)
    return path


def forget_cached_pages(settings: Settings, sha256: str, pages: list[int] | None = None) -> int:
    """Delete cached OCR (all pages, or some) of a document under the current key; returns how many."""
    removed = 0
    folder = ocr_cache_dir(settings, sha256)
    targets = (
        [ocr_cache_path(settings, sha256, p) for p in pages]
        if pages is not None
        else sorted(folder.glob(f"p*-{ocr_cache_key(settings)}.json"))
    )
    for path in targets:
        if path.exists():
            path.unlink()
            removed += 1
    return removed


def cached_page_confidences(settings: Settings, sha256: str) -> dict[int, float]:
    """Page -> mean confidence of a document's cached pages under the current key."""
    result = {}
    for path in sorted(ocr_cache_dir(settings, sha256).glob(f"p*-{ocr_cache_key(settings)}.json")):
        page = read_cached_page(settings, sha256, int(path.name[1:6]))
        if page is not None:
            result[page.page] = page.confidence
    return result


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
