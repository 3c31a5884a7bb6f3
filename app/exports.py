"""Exports of stored documents, with their corrections applied: what the CLI and the web app call.

Per document: ALTO and hOCR of a page, a IIIF manifest, a searchable PDF, a signed BagIt evidence
package; per dossier, a signed BagIt package of all its documents with its timeline and judgements.
Across the archive: persons (CSV, XLSX) from the person index, one row per mention, with the box of
the person's words from the OCR kept; training pairs from every corrected line.
"""

from __future__ import annotations

import bisect
import functools
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app import corrections
from app.ocr_cache import latest_cached_page, read_cached_page
from app.originals import verify_original
from app.page_images import export_image
from app.state import open_state
from athar import PIPELINE_VERSION
from athar.errors import PermanentError
from athar.log import short
from athar.records import BBox, OcrPage
from athar.settings import Settings
from export import alto, bag, hocr, iiif, pdf, persons, training
from export import corrections as overlay
from export.geometry import iou, union

log = logging.getLogger(__name__)

SCROLL_PAGE = 1000  # persons fetched per request of a scroll
PERSON_FIELDS_OUT = (
    "name",
    "mother",
    "birth_date",
    "birth_place",
    "national_id",
    "doc_type",
    "source",
    "page",
)
SOURCE_FIELDS = [*PERSON_FIELDS_OUT, "sha256", "start", "end"]


class ExportError(PermanentError):
    code = "export_failed"


def base_url(settings: Settings) -> str:
    """Where the web app is reached (links, IIIF ids): ATHAR_PUBLIC_URL, else the local web app."""
    return (settings.public_url or f"http://127.0.0.1:{settings.web_port}").rstrip("/")


def _page(settings: Settings, sha256: str, page: int) -> OcrPage:
    _, corrected, _, _ = corrections.current(settings, sha256)
    if page not in corrected:
        raise ExportError(f"document {short(sha256)} has no page {page} (pages 1-{max(corrected)}).")
    return corrected[page]


def export_alto(settings: Settings, sha256: str, page: int, out: Path) -> Path:
    """ALTO XML 4.3 of one page."""
    out.write_bytes(alto.alto_xml(_page(settings, sha256, page), image_name=f"{sha256}-p{page}"))
    return out


def export_hocr(settings: Settings, sha256: str, page: int, out: Path) -> Path:
    """hOCR of one page."""
    out.write_text(
        hocr.hocr_html(_page(settings, sha256, page), image_name=f"{sha256}-p{page}"), encoding="utf-8"
    )
    return out


def manifest(settings: Settings, sha256: str) -> dict[str, Any]:
    """The IIIF Presentation 3 manifest of a document."""
    _, corrected, analysis, _ = corrections.current(settings, sha256)
    return iiif.manifest(sha256, list(corrected.values()), analysis, base_url=base_url(settings))


def export_iiif(settings: Settings, sha256: str, out: Path) -> Path:
    out.write_text(json.dumps(manifest(settings, sha256), ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def pdf_bytes(settings: Settings, sha256: str) -> bytes:
    """A searchable PDF of the document (scans + invisible corrected text)."""
    _, corrected, _, _ = corrections.current(settings, sha256)
    pages = [(p, export_image(settings, p)) for p in corrected.values()]
    return pdf.searchable_pdf(pages, title=f"Athar {sha256}")


def export_pdf(settings: Settings, sha256: str, out: Path) -> Path:
    out.write_bytes(pdf_bytes(settings, sha256))
    return out


def provenance(settings: Settings, sha256: str) -> dict[str, Any]:
    """The chain: intake (drops), each processing with its engine and model, every correction, in order."""
    store = open_state(settings)
    state = store.document(sha256)
    engine = corrections.engine_pages(settings, sha256)
    return {
        "sha256": sha256,
        "size": state.size if state else None,
        "first_seen": state.first_seen if state else None,
        "intake": [
            {k: d[k] for k in ("bucket", "object_key", "received_at", "disposition", "pipeline_version")}
            for d in store.drops(sha256)
        ],
        "engines": sorted({f"{p.engine}; {p.model}" for p in engine.values()}),
        "history": corrections.history(settings, sha256),
        "exported_by": f"athar {PIPELINE_VERSION}",
    }


Payload = dict[str, bytes | Path | Callable[[], bytes]]


def _document_payload(settings: Settings, sha256: str, prefix: str = "") -> Payload:
    """The original and every export of one document (corrections applied), under ``prefix``; the
    exports are made as the package is written (:func:`export.bag.write_bag`), one at a time."""
    original = verify_original(settings, sha256)
    _, corrected, analysis, _ = corrections.current(settings, sha256)
    payload: Payload = {f"{prefix}original/{sha256}": original}
    for number, page in corrected.items():
        payload[f"{prefix}exports/alto/page-{number:04d}.xml"] = functools.partial(
            alto.alto_xml, page, image_name=f"{sha256}-p{number}"
        )
        payload[f"{prefix}exports/hocr/page-{number:04d}.html"] = hocr.hocr_html(page).encode("utf-8")
        payload[f"{prefix}exports/text/page-{number:04d}.txt"] = page.text.encode("utf-8")
    payload[f"{prefix}exports/iiif-manifest.json"] = json.dumps(
        iiif.manifest(sha256, list(corrected.values()), analysis, base_url=base_url(settings)),
        ensure_ascii=False,
    ).encode("utf-8")
    payload[f"{prefix}exports/document.pdf"] = lambda: pdf.searchable_pdf(
        [(p, export_image(settings, p)) for p in corrected.values()], title=f"Athar {sha256}"
    )
    return payload


def export_bag(settings: Settings, sha256: str, out: Path) -> dict[str, Any]:
    """A BagIt evidence package of one document (signed when ATHAR_SIGNING_KEY is set)."""
    payload = _document_payload(settings, sha256)
    info = {"External-Identifier": f"sha256:{sha256}", "External-Description": "Athar evidence package"}
    return bag.write_bag(
        out, payload, provenance(settings, sha256), info=info, signing_key=settings.signing_key
    )


def is_dossier_id(wanted: str) -> bool:
    """Whether ``wanted`` names a dossier (``D`` + 12 hex digits, as `athar dossiers` prints) rather
    than a document (a sha256 or a prefix of one: hex digits only)."""
    text = wanted.strip()
    return len(text) == 13 and text[0] == "D" and all(ch in "0123456789abcdef" for ch in text[1:])


def dossier_record(settings: Settings, dossier_id: str) -> dict[str, Any]:
    """A dossier as the evidence package holds it: its timeline (as `athar dossier ID --json`), the
    judgements on its mentions (with pairs across dossiers, so a "different" is kept too), the
    pairs still waiting for a reviewer, and the documents it rests on."""
    from app import dossiers
    from link.cluster import pair_id

    found = dossiers.dossier(settings, dossier_id)
    data = found.to_json()
    for link in data.get("links", []):
        link["pair"] = pair_id(link["a"], link["b"])
    members = {m.id for m in found.mentions}
    store = dossiers.open_store(settings)
    judged = [
        {"pair": pair_id(j.a, j.b), "a": j.a, "b": j.b, "verdict": j.verdict, "by": j.by, "at": j.at}
        for j in store.all_judgements()
        if j.a in members or j.b in members
    ]
    waiting = [
        item.to_json()
        for item in dossiers.review_queue(settings)
        if item.a.id in members or item.b.id in members
    ]
    documents = sorted({m.sha256 for m in found.mentions})
    return {"dossier": data, "judgements": judged, "pending_review": waiting, "documents": documents}


def export_dossier_bag(settings: Settings, dossier_id: str, out: Path) -> dict[str, Any]:
    """A BagIt evidence package of one dossier: every document it rests on (original bytes and its
    exports, under ``documents/<sha256>/``), the dossier's timeline, its judgements and the pairs
    still to review; the provenance chain of every document. Signed when ATHAR_SIGNING_KEY is set."""
    record = dossier_record(settings, dossier_id)
    payload: Payload = {
        "dossier/timeline.json": json.dumps(record["dossier"], ensure_ascii=False, indent=1).encode(),
        "dossier/judgements.json": json.dumps(record["judgements"], ensure_ascii=False, indent=1).encode(),
        "dossier/pending-review.json": json.dumps(
            record["pending_review"], ensure_ascii=False, indent=1
        ).encode(),
    }
    chain = []
    for sha256 in record["documents"]:
        payload.update(_document_payload(settings, sha256, prefix=f"documents/{sha256}/"))
        chain.append(provenance(settings, sha256))
    found = record["dossier"]
    info = {
        "External-Identifier": f"dossier:{found['dossier']}",
        "External-Description": f"Athar evidence package of a dossier ({len(chain)} documents)",
    }
    summary = bag.write_bag(
        out,
        payload,
        {
            "dossier": found["dossier"],
            "documents": chain,
            "judgements": record["judgements"],
            "exported_by": f"athar {PIPELINE_VERSION}",
        },
        info=info,
        signing_key=settings.signing_key,
    )
    return {**summary, "dossier": found["dossier"], "documents": len(chain)}


def export_training(settings: Settings, out: Path) -> list[str]:
    """Training pairs from every corrected line of every document with corrections."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; give a directory for the training pairs (--out DIR).")
    names: list[str] = []
    for sha256 in open_state(settings).corrected_documents():
        try:
            _, corrected, _, _ = corrections.current(settings, sha256)
        except PermanentError as exc:
            log.warning("training export: document %s skipped [%s]", short(sha256), exc.code)
            continue
        chosen = [p for p in corrected.values() if training.corrected_lines(p)]
        names += training.write_pairs(((p, export_image(settings, p)) for p in chosen), out)
    return names


# ------------------------------------------------------------------ persons


def _hits(client: Any, settings: Settings, filters: dict[str, str | None]) -> Iterator[dict[str, Any]]:
    from index.client import engine_errors
    from index.query import person_query
    from index.schema import alias_name

    index = alias_name(settings, "persons")
    name = filters.get("name")
    if name:
        body = {
            "query": person_query(
                name, mother=filters.get("mother"), born=filters.get("born"), place=filters.get("place")
            ),
            "size": 10_000,
            "_source": SOURCE_FIELDS,
        }  # the person search's query and ranking: every hit, best first (at most 10,000)
        with engine_errors():
            yield from (h["_source"] for h in client.search(index=index, body=body)["hits"]["hits"])
        return
    from opensearchpy.helpers import scan

    # every entry, in a scroll (a consistent snapshot, a page of SCROLL_PAGE at a time), sorted by
    # document and page: the rows of one document come together, so its OCR is read once
    query = {"query": {"match_all": {}}, "sort": ["sha256", "page", "start"], "_source": SOURCE_FIELDS}
    with engine_errors():
        found = scan(client, index=index, query=query, size=SCROLL_PAGE, preserve_order=True)
        yield from (h["_source"] for h in found)


_DONE = object()


def _prefetched(items: Iterator[dict[str, Any]], depth: int = 2) -> Iterator[dict[str, Any]]:
    """``items``, read ahead on a thread in batches of SCROLL_PAGE (at most ``depth`` batches held):
    the search engine prepares the next page of a scroll while this process writes rows, so the time
    is the slower of the two rather than their sum; memory stays bounded."""
    batches: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            batch: list[dict[str, Any]] = []
            for item in items:
                batch.append(item)
                if len(batch) >= SCROLL_PAGE:
                    if not put(batch):
                        return
                    batch = []
            if batch:
                put(batch)
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a scroll left early is cleared

    reader = threading.Thread(target=read, name="export-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            got = batches.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield from got
    finally:
        stop.set()
        reader.join(timeout=5)


def person_rows(settings: Settings, client: Any, **filters: str | None) -> Iterator[persons.PersonRow]:
    """One row per person mention in the index, with the box of its words (from the OCR kept).

    Rows come sorted by document and page, so each page's OCR is read once, and only the pages that
    hold persons; a document with corrections is read whole with its corrections applied (the few
    that have any are listed in one query up front).
    """
    corrected_docs = set(open_state(settings).corrected_documents())

    @functools.lru_cache(maxsize=4)
    def corrected_doc(sha256: str) -> dict[int, OcrPage]:
        try:
            return corrections.corrected_pages(settings, sha256)
        except PermanentError:
            return {}

    @functools.lru_cache(maxsize=16)
    def page_of(sha256: str, number: int) -> tuple[OcrPage | None, list[int], list[int]]:
        """The page (corrections applied), its words' start and end offsets in its text."""
        if sha256 in corrected_docs:
            page = corrected_doc(sha256).get(number)
        else:
            page = read_cached_page(settings, sha256, number) or latest_cached_page(settings, sha256, number)
        spans = page.word_spans() if page else []
        return page, [a for a, _ in spans], [b for _, b in spans]

    @functools.lru_cache(maxsize=256)
    def roles(sha256: str) -> tuple[tuple[int, BBox, str], ...]:
        if sha256 not in corrected_docs:
            return ()
        found = overlay.in_force(corrections.load(settings, sha256))
        return tuple((c.target.page, c.target.bbox, c.text) for c in found if c.target.field == "role")

    base = base_url(settings)
    for src in _prefetched(_hits(client, settings, filters)):
        sha256, number = src["sha256"], int(src.get("page") or 0)
        page, starts, ends = page_of(sha256, number)
        start, end = int(src.get("start") or 0), int(src.get("end") or 0)
        first, last = bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)
        words = range(first, last)  # spans are in text order: the words with a < end and b > start
        box = union([page.words[i].bbox for i in words]) if page else (0, 0, 0, 0)
        mine = roles(sha256)
        role = next((r for p, b, r in mine if p == number and iou(b, box) >= overlay.MIN_IOU), None)
        yield persons.PersonRow(
            sha256=sha256, page=number, name=src.get("name") or "", mother=src.get("mother"),
            birth_date=src.get("birth_date"), birth_place=src.get("birth_place"),
            national_id=src.get("national_id"), role=role, doc_type=src.get("doc_type"),
            source=src.get("source"), scan_url=f"{base}/doc/{sha256}?page={number}", bbox=box,
            corrected=bool(page and any(page.words[i].conf >= overlay.HUMAN_CONF for i in words)),
        )  # fmt: skip


def export_persons(
    settings: Settings, out: Path, fmt: str, client: Any | None = None, **filters: str | None
) -> int:
    """Write persons to ``out`` as csv or xlsx; returns the number of rows."""
    if client is None:
        from index.client import make_client

        client = make_client(settings)
    return persons.write(person_rows(settings, client, **filters), out, fmt)
