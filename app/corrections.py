"""Corrections: record, revert and list them, and re-index the document they belong to.

Corrections are an overlay (:mod:`export.corrections`): appended to the state store, never
changing the engine's reading (the OCR cache). Every way a document is analysed and indexed —
processing, `athar reprocess`, a correction — goes through :func:`apply_document`, so the index,
person search and the exports always show the corrected text, and a new OCR version gets the
corrections re-aligned by box overlap (those whose box is gone are flagged, never dropped).

A correction re-analyses and re-indexes only its own document, from its cached OCR plus the
overlay (no page is read again), and refreshes the index before returning, so it is searchable
as soon as the call returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from app import steps
from app.ocr_cache import latest_cached_page, read_cached_page
from app.originals import verify_original
from app.reports import summarize
from app.state import INDEXED, now_iso, open_state
from athar.errors import PermanentError
from athar.log import short
from athar.records import Analysis, ExtractedDocument, OcrPage
from athar.settings import Settings
from export import corrections as overlay
from export.corrections import Correction, CorrectionError, Target

log = logging.getLogger(__name__)

MIN_PREFIX = 8  # characters of a sha256 a user may give instead of all 64


class UnknownDocumentError(PermanentError):
    code = "unknown_document"


def resolve(settings: Settings, wanted: str) -> str:
    """The full sha256 of a stored document from all or the first 8+ characters of it."""
    wanted = wanted.strip().lower()
    matches = [
        d.sha256
        for d in open_state(settings).documents()
        if len(wanted) >= MIN_PREFIX and d.sha256.startswith(wanted)
    ]
    if len(matches) != 1:
        raise UnknownDocumentError(
            f"no single stored document starts with {wanted[:64]!r}; see `athar status` for sha256s."
        )
    return matches[0]


def engine_pages(settings: Settings, sha256: str) -> dict[int, OcrPage]:
    """The engine's reading of every page (the OCR cache: current key first, else the latest kept)."""
    state = open_state(settings).document(sha256)
    count = state.pages if state and state.pages else 0
    pages: dict[int, OcrPage] = {}
    number = 1
    while number <= count or (not count and (number == 1 or number - 1 in pages)):
        page = read_cached_page(settings, sha256, number) or latest_cached_page(settings, sha256, number)
        if page is not None:
            pages[number] = page
        number += 1
    if not pages:
        raise UnknownDocumentError(f"document {short(sha256)} has no OCR yet; process it first.")
    return pages


def load(settings: Settings, sha256: str) -> list[Correction]:
    """Every correction of a document, in version order (reverts included)."""
    return [Correction.from_json(r) for r in open_state(settings).corrections(sha256)]


def apply_document(
    settings: Settings,
    sha256: str,
    pages: tuple[OcrPage, ...],
    analyze: Callable[[list[OcrPage]], Analysis],
) -> tuple[tuple[OcrPage, ...], Analysis, list[int]]:
    """Corrected pages, their analysis with person corrections, and the versions that did not apply
    (flagged: the word, line or person is gone from this OCR version)."""
    found = load(settings, sha256)
    if not found:
        return pages, analyze(list(pages)), []
    corrected = tuple(overlay.apply_to_page(p, found) for p in pages)
    by_number = {p.page: p for p in corrected}
    analysis, missing = overlay.apply_to_analysis(analyze(list(corrected)), by_number, found)
    lost = [c.version for c in overlay.flagged(found, {p.page: p for p in pages})] + missing
    if lost:
        log.warning("document %s: %d corrections flagged (their words are gone)", short(sha256), len(lost))
    return corrected, analysis, sorted(lost)


def corrected_pages(settings: Settings, sha256: str) -> dict[int, OcrPage]:
    """The document's pages with its corrections applied (no analysis: cheap)."""
    found = load(settings, sha256)
    return {n: overlay.apply_to_page(p, found) for n, p in engine_pages(settings, sha256).items()}


def _analyzer(settings: Settings) -> Callable[[list[OcrPage]], Analysis]:
    return lambda pages: steps.analyze(pages, settings)


def current(
    settings: Settings, sha256: str
) -> tuple[dict[int, OcrPage], dict[int, OcrPage], Analysis, list[int]]:
    """Engine pages, corrected pages, the corrected analysis and the flagged versions of a document."""
    engine = engine_pages(settings, sha256)
    corrected, analysis, lost = apply_document(settings, sha256, tuple(engine.values()), _analyzer(settings))
    return engine, {p.page: p for p in corrected}, analysis, lost


def reindex(settings: Settings, sha256: str) -> dict[str, Any]:
    """Re-analyse and re-index one document from its cached OCR plus its corrections; refreshed."""
    store = open_state(settings)
    path = verify_original(settings, sha256)
    document = steps.with_drop_source(steps.inspect_original(path, settings), store)
    engine = engine_pages(settings, sha256)
    pages, analysis, lost = apply_document(settings, sha256, tuple(engine.values()), _analyzer(settings))
    doc = ExtractedDocument(document, pages, (), analysis)
    refused = steps.index_documents([doc], settings).get(sha256)
    if refused is not None:
        raise refused
    steps.refresh_index(settings)
    summary = {**summarize(doc, INDEXED).to_json(), "trigger": "correction", "flagged": lost}
    store.record_result(sha256, summary)
    return summary


def correct(
    settings: Settings,
    sha256: str,
    target: Target,
    text: str,
    *,
    by: str,
    why: str | None = None,
    reindex_now: bool = True,
) -> Correction:
    """Record a correction of ``target`` (see :func:`word` etc.) and re-index the document."""
    value = overlay.check_value(target, text)
    if not by.strip():
        raise CorrectionError("say who made the correction (--by NAME).")
    engine, corrected, analysis, _ = current(settings, sha256)
    before = _before(target, engine, corrected, analysis, load(settings, sha256))
    record = Correction(
        sha256=sha256, version=0, target=target, text=value, before=before, by=by.strip()[:200],
        at=now_iso(), why=(why or "").strip()[:2000] or None,
    )  # fmt: skip
    stored = Correction.from_json(open_state(settings).add_correction(sha256, record.to_json()))
    log.info(
        "document %s: correction %d recorded (%s on page %d)",
        short(sha256),
        stored.version,
        target.kind,
        target.page,
    )
    if reindex_now:
        reindex(settings, sha256)
    return stored


def _before(
    target: Target,
    engine: dict[int, OcrPage],
    corrected: dict[int, OcrPage],
    analysis: Analysis,
    found: list[Correction],
) -> str:
    """What the target showed before this correction: an earlier correction's text, else the reading."""
    same = [
        c for c in overlay.in_force(found)
        if (c.target.kind, c.target.page, c.target.index, c.target.field)
        == (target.kind, target.page, target.index, target.field)
    ]  # fmt: skip
    if same:
        return same[-1].text
    if target.kind == overlay.PERSON:
        persons = [p for p in analysis.persons if p.page == target.page]
        person = persons[target.index] if target.index < len(persons) else None
        return overlay.current_value(target, corrected[target.page], person)
    return overlay.current_value(target, engine[target.page])


def word(settings: Settings, sha256: str, page: int, index: int) -> Target:
    """The target of word ``index`` of ``page`` as `athar extract` prints the engine's words."""
    engine = engine_pages(settings, sha256)
    if page not in engine:
        raise CorrectionError(f"document {short(sha256)} has no page {page} (pages 1-{max(engine)}).")
    return overlay.word_target(engine[page], index)


def person(settings: Settings, sha256: str, page: int, index: int, field: str) -> Target:
    """The target of a field of the ``index``-th person on ``page`` (as the document view lists them)."""
    _, corrected, analysis, _ = current(settings, sha256)
    persons = [p for p in analysis.persons if p.page == page]
    if not 0 <= index < len(persons):
        raise CorrectionError(f"page {page} has {len(persons)} persons; there is no person {index}.")
    return overlay.person_target(persons[index], index, field, corrected)


def revert(settings: Settings, sha256: str, version: int, *, by: str, why: str | None = None) -> Correction:
    """Revert correction ``version`` (a new version on top; nothing is deleted) and re-index."""
    found = {c.version: c for c in load(settings, sha256)}
    if version not in found or found[version].reverts is not None:
        raise CorrectionError(f"document {short(sha256)} has no correction {version} to revert.")
    old = found[version]
    record = Correction(
        sha256=sha256, version=0, target=old.target, text="", before=old.text,
        by=by.strip()[:200] or "unknown", at=now_iso(), why=(why or "").strip()[:2000] or None,
        reverts=version,
    )  # fmt: skip
    stored = Correction.from_json(open_state(settings).add_correction(sha256, record.to_json()))
    reindex(settings, sha256)
    return stored


def history(settings: Settings, sha256: str) -> list[dict[str, Any]]:
    """Engine readings (each processing, with its engine and model) and corrections, in time order."""
    store = open_state(settings)
    engine = engine_pages(settings, sha256)
    first = next(iter(engine.values()))
    entries: list[dict[str, Any]] = []
    for v in store.versions(sha256):
        if v.get("trigger") == "correction":
            continue
        entries.append({
            "at": v["processed_at"], "kind": "reading", "pipeline_version": v["pipeline_version"],
            "engine": first.engine, "model": first.model, "pages": v.get("pages"),
            "mean_confidence": v.get("mean_confidence"),
        })  # fmt: skip
    found = load(settings, sha256)
    lost = set(overlay.flagged(found, engine))
    for c in found:
        entries.append({"kind": "revert" if c.reverts else "correction", **c.to_json(), "flagged": c in lost})
    entries.sort(key=lambda e: (e["at"], e.get("version", 0)))
    return entries
