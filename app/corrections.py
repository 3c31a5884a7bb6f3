"""Corrections: record, revert and list them, and re-index the document they belong to.

Corrections are an overlay (:mod:`export.corrections`): appended to the state store, never
changing the engine's reading (the OCR cache). Every way a document is analysed and indexed —
processing, `athar reprocess`, a correction — goes through :func:`apply_document`, so the index,
person search and the exports always show the corrected text, and a new OCR version gets the
corrections re-aligned by box overlap (those whose box is gone are flagged, never dropped).

A correction re-analyses and re-indexes only its own document, from its cached OCR plus the
overlay (no page is read again), links its person records again (dossiers updated in the same
call) and refreshes the index before returning, so it is searchable as soon as the call returns.
"""

from __future__ import annotations

import contextlib
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
from export.geometry import line_box, lines

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
    linked = relink(settings, doc)
    refresh_review(settings, sha256, {p.page: p for p in pages}, analysis, engine)
    steps.refresh_index(settings)
    summary = {
        **summarize(doc, INDEXED).to_json(), "trigger": "correction", "flagged": lost, "linked": linked,
    }  # fmt: skip
    store.record_result(sha256, summary)
    return summary


def relink(settings: Settings, doc: ExtractedDocument) -> bool:
    """Link a re-indexed document's person records again, at once (no `athar link` needed).

    Records whose fields a correction changed are forgotten by the dossier store and linked again
    (the linker keeps stored records as they are); records with new spans are linked, records gone
    are forgotten (:func:`app.dossiers.link_documents`); then every record of the document gets its
    dossier id back in the persons index (re-indexing wrote the entries anew). Returns False, and
    leaves the document to `athar link`, when linking fails: the correction itself stands.
    """
    from app import dossiers
    from index.client import make_client
    from index.persons import set_dossiers
    from link.engine import recluster

    try:
        store = dossiers.open_store(settings)
        fresh = {m.id: m for m in dossiers.mentions_of(doc)}
        changed = [i for i, m in store.mentions(fresh).items() if fresh[i] != m]
        if changed:
            recluster(store, store.remove_mentions(changed))
        client = make_client(settings)
        dossiers.link_documents(settings, [doc], client=client)
        moved = {**getattr(store, "assigned", {}), **store.dossiers_of(fresh)}  # the re-clustered ones too
        set_dossiers(client, settings, moved)
    except Exception as exc:  # a linking fault must not undo a correction: it is recorded and indexed
        log.warning(
            "document %s corrected but not linked again (%s); run `athar link`",
            short(doc.document.sha256),
            getattr(exc, "code", type(exc).__name__),
        )
        return False
    return True


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
    if target.kind == overlay.PERSON:  # the person's current field needs the analysis
        engine, corrected, analysis, _ = current(settings, sha256)
    else:  # a word or a line: the reading and the corrections say what it showed (no analysis)
        engine, corrected, analysis = engine_pages(settings, sha256), {}, Analysis()
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


def person_at(settings: Settings, sha256: str, page: int, start: int, end: int, field: str) -> Target:
    """The target of a field of the person whose record spans ``start``-``end`` of the (corrected) page
    text, as the index and the document view give it."""
    _, corrected, analysis, _ = current(settings, sha256)
    persons = [p for p in analysis.persons if p.page == page]
    for index, found in enumerate(persons):
        if (found.start, found.end) == (start, end):
            return overlay.person_target(found, index, field, corrected)
    raise CorrectionError(f"page {page} has no person at {start}-{end}; reload the page.")


def line(settings: Settings, sha256: str, page: int, number: int) -> Target:
    """The target of line ``number`` of ``page`` (the engine's line numbering)."""
    engine = engine_pages(settings, sha256)
    if page not in engine:
        raise CorrectionError(f"document {short(sha256)} has no page {page}.")
    return overlay.line_target(engine[page], number)


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


def word_view(settings: Settings, sha256: str, page: int) -> list[dict[str, Any]]:
    """The engine's words of a page with what a person corrected each to (for the document view)."""
    engine = engine_pages(settings, sha256)
    if page not in engine:
        return []
    found = [c for c in overlay.in_force(load(settings, sha256)) if c.target.page == page]
    placed = overlay.align(found, {page: engine[page]})
    fixed: dict[int, Correction] = {}
    for c in found:
        place = placed.get(c.version)
        if c.target.kind == overlay.WORD and place is not None and place.index is not None:
            fixed[place.index] = c
    return [
        {
            "index": i, "text": w.text, "conf": w.conf, "bbox": list(w.bbox), "line": w.line,
            "corrected": fixed[i].text if i in fixed else None,
            "by": fixed[i].by if i in fixed else None, "version": fixed[i].version if i in fixed else None,
        }
        for i, w in enumerate(engine[page].words)
    ]  # fmt: skip


def line_view(settings: Settings, sha256: str, page: int) -> list[dict[str, Any]]:
    """The engine's lines of a page (number, box, text) with their corrected text where a person
    changed a word of them or the whole line (for the document view's line forms)."""
    engine = engine_pages(settings, sha256)
    if page not in engine:
        return []
    found = load(settings, sha256)
    corrected = overlay.apply_to_page(engine[page], found)
    now = {n: " ".join(corrected.words[i].text for i in ids) for n, ids in lines(corrected.words).items()}
    out = []
    for number, ids in sorted(lines(engine[page].words).items()):
        text = " ".join(engine[page].words[i].text for i in ids)
        out.append({
            "line": number, "text": text, "bbox": list(line_box(engine[page], number)),
            "corrected": now.get(number) if now.get(number, text) != text else None,
        })  # fmt: skip
    return out


# What a fix matters for, most first: the mother's name finds a family's missing person best, then the
# name, then the birth date (year), then the rest of a person's row, then other dates and places.
PRIORITY = {"mother": 0, "name": 1, "birth_date": 2, "person": 3, "date": 4, "place": 5, "other": 6}
LOW_CONFIDENCE = 70.0  # words read below this are worth a look (upright pages read at 78-93 on average)
BACKFILLED = "backfilled"  # the review store's flag: every document indexed before it existed is scanned
BACKFILL_PER_REQUEST = 20  # such documents scanned per listing of the queue, until none is left


def _roles(page: OcrPage, analysis: Analysis) -> dict[int, str]:
    """Word index -> what it is part of (mother, name, birth_date, person, date, place) on a page."""
    spans = page.word_spans()
    roles: dict[int, str] = {}

    def mark(start: int, end: int, role: str, tokens: set[str] | None = None) -> None:
        for i, (a, b) in enumerate(spans):
            inside = a < end and b > start and (tokens is None or page.words[i].text in tokens)
            if inside and PRIORITY[role] < PRIORITY.get(roles.get(i, "other"), 99):
                roles[i] = role

    for person in (p for p in analysis.persons if p.page == page.page):
        mark(person.start, person.end, "person")
        mark(person.start, person.end, "name", set(person.name.split()))
        if person.mother:
            mark(person.start, person.end, "mother", set(person.mother.split()))
        if person.birth_date:
            mark(person.start, person.end, "birth_date", {person.birth_date, person.birth_date[:4]})
    for m in (m for m in analysis.entities if m.page == page.page):
        mark(
            m.start,
            m.end,
            "date" if m.type == "DATE" else "place" if m.type in ("LOCATION", "FACILITY") else "other",
        )
    return roles


def review_rows(
    engine: dict[int, OcrPage], corrected: dict[int, OcrPage], analysis: Analysis
) -> list[dict[str, Any]]:
    """A document's words worth a look: read below LOW_CONFIDENCE, not corrected yet, each with what
    it is part of (its priority). Word indices are the engine's (what a correction targets)."""
    items: list[dict[str, Any]] = []
    for number, page in corrected.items():
        if number not in engine:
            continue
        roles = _roles(page, analysis)
        by_box = {
            w.bbox: roles.get(i, "other") for i, w in enumerate(page.words) if w.conf < overlay.HUMAN_CONF
        }
        for i, word in enumerate(engine[number].words):
            role = by_box.get(word.bbox)
            if role is None or word.conf >= LOW_CONFIDENCE:
                continue  # corrected already, or read well enough
            items.append(
                {"page": number, "word": i, "text": word.text, "conf": word.conf, "bbox": list(word.bbox),
                 "role": role, "priority": PRIORITY[role], "width": page.width, "height": page.height}
            )  # fmt: skip
    return items


def _review_store(settings: Settings) -> Any:
    from app.review_store import ReviewStore

    return ReviewStore(settings.data_dir / "athar.db")


def refresh_review(
    settings: Settings,
    sha256: str,
    corrected: dict[int, OcrPage],
    analysis: Analysis,
    engine: dict[int, OcrPage] | None = None,
) -> int:
    """Put a document's words to review in the queue (replacing its earlier ones); returns how many."""
    engine = engine if engine is not None else engine_pages(settings, sha256)
    return int(_review_store(settings).replace(sha256, review_rows(engine, corrected, analysis)))


def after_index(settings: Settings, docs: list[ExtractedDocument]) -> None:
    """The processing path's hook: documents just indexed get their words to review queued (a failure
    leaves a document to the queue's backfill)."""
    for doc in docs:
        sha256 = doc.document.sha256
        try:
            refresh_review(settings, sha256, {p.page: p for p in doc.pages}, doc.analysis or Analysis())
        except Exception as exc:  # the document is indexed: the queue must not undo that
            log.warning("document %s: review queue not updated (%s)", short(sha256), type(exc).__name__)
            with contextlib.suppress(Exception):
                _review_store(settings).set_flag(BACKFILLED, False)  # the backfill will scan it


def backfill_review(settings: Settings, budget: int | None = BACKFILL_PER_REQUEST) -> int:
    """Scan indexed documents the queue does not hold yet (newest first, at most ``budget``; None:
    all of them); returns how many are left. Once none is left the store remembers it, and listing
    the queue no longer reads the document list."""
    store = _review_store(settings)
    if store.flag(BACKFILLED):
        return 0
    scanned = store.scanned()
    missing = [
        d for d in sorted(open_state(settings).documents(INDEXED), key=lambda d: d.updated, reverse=True)
        if d.sha256 not in scanned
    ]  # fmt: skip
    chosen = missing if budget is None else missing[:budget]
    for doc in chosen:
        try:
            engine, corrected, analysis, _ = current(settings, doc.sha256)
        except PermanentError as exc:
            log.info("review queue: document %s skipped [%s]", short(doc.sha256), exc.code)
            store.replace(doc.sha256, [])
            continue
        store.replace(doc.sha256, review_rows(engine, corrected, analysis))
    left = len(missing) - len(chosen)
    if not left:
        store.set_flag(BACKFILLED)
    return left


def review_queue(
    settings: Settings, limit: int = 50, offset: int = 0, *, backfill: int | None = BACKFILL_PER_REQUEST
) -> list[dict[str, Any]]:
    """Low-confidence words not yet corrected, of every indexed document, most important first
    (mothers, names, birth dates, the rest of a person's record, dates, places), then by confidence:
    ``limit`` of them from ``offset``. One indexed query; see :mod:`app.review_store`."""
    backfill_review(settings, backfill)
    return list(_review_store(settings).page(max(0, limit), max(0, offset)))


def review_size(settings: Settings) -> dict[str, int]:
    """Words in the queue, and documents not scanned into it yet."""
    store = _review_store(settings)
    left = 0 if store.flag(BACKFILLED) else backfill_review(settings, 0)
    return {"words": int(store.count()), "unscanned": left}
