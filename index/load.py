"""Bulk loading of extracted and analysed documents into the three indices.

Ids derive from content — document ``sha256``; page ``sha256:page``; person
``sha256:page:start-end`` — so loading the same document again overwrites its
entries instead of duplicating them; entries a previous run wrote that the new
run no longer produces (e.g. a person span the NLP stage now reads differently)
are pruned afterwards. Loading streams in chunks sent on a few threads; requests
and entries refused with 429 or 5xx are retried with backoff; what still fails
is listed in the :class:`LoadReport`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from athar.arabic import name_keys, normalize_arabic, skeleton
from athar.log import short
from athar.records import Analysis, ExtractedDocument, Mention, OcrPage, Person
from athar.settings import Settings
from index.client import engine_errors, translate
from index.schema import KINDS, alias_name, ensure_indices_once

log = logging.getLogger(__name__)

PLACE_TYPES = ("LOCATION", "FACILITY")


@dataclass(frozen=True)
class LoadFailure:
    """One entry the engine refused, with its id (never its content)."""

    kind: str
    id: str
    status: int
    reason: str


@dataclass(frozen=True)
class LoadReport:
    """Counts of what was loaded and what failed."""

    documents: int = 0
    pages: int = 0
    persons: int = 0
    pruned: int = 0
    failures: tuple[LoadFailure, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "pages": self.pages,
            "persons": self.persons,
            "pruned": self.pruned,
            "failures": [f.__dict__ for f in self.failures],
            "seconds": round(self.seconds, 3),
        }


@functools.cache
def pipeline_version() -> str:
    """The installed athar package version (provenance of every indexed entry; read once per process)."""
    try:
        return metadata.version("athar")
    except metadata.PackageNotFoundError:
        return "unknown"


def page_id(sha256: str, page: int) -> str:
    return f"{sha256}:{page}"


def person_id(sha256: str, person: Person) -> str:
    """Content-derived id of a person record: its document, page and text span."""
    if person.end > person.start:
        return f"{sha256}:{person.page}:{person.start}-{person.end}"
    digest = hashlib.sha256(person.name.encode("utf-8")).hexdigest()[:16]
    return f"{sha256}:{person.page}:n{digest}"


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _dates(mentions: Iterable[Mention]) -> list[str]:
    return sorted({m.value for m in mentions if m.type == "DATE" and m.value})


def _places(mentions: Iterable[Mention]) -> list[str]:
    out: list[str] = []
    for m in mentions:
        if m.type in PLACE_TYPES:
            for value in (normalize_arabic(m.text), m.value):
                if value and value not in out:
                    out.append(value)
    return out


def document_source(doc: ExtractedDocument, *, ingested_at: str) -> dict[str, Any]:
    """The ``documents`` entry of one document."""
    analysis = doc.analysis or Analysis()
    first = doc.pages[0] if doc.pages else None
    status = "indexed" if not doc.failures else ("partial" if doc.pages else "failed")
    return {
        "sha256": doc.document.sha256,
        "source": doc.document.source,
        "media_type": doc.document.media_type,
        "size": doc.document.size,
        "page_count": doc.document.page_count,
        "pages_indexed": len(doc.pages),
        "pages_failed": len(doc.failures),
        "doc_type": analysis.doc_type,
        "doc_type_confidence": analysis.doc_type_confidence,
        "persons": len(analysis.persons),
        "status": status,
        "ingested_at": ingested_at,
        "pipeline_version": pipeline_version(),
        "engine": first.engine if first else None,
        "model": first.model if first else None,
        "dates": _dates(analysis.entities),
        "places": _places(analysis.entities),
    }


def page_source(doc: ExtractedDocument, page: OcrPage, *, ingested_at: str) -> dict[str, Any]:
    """The ``pages`` entry of one page (full text plus the dates and places found on it)."""
    analysis = doc.analysis or Analysis()
    mentions = [m for m in analysis.entities if m.page == page.page]
    return {
        "sha256": doc.document.sha256,
        "source": doc.document.source,
        "doc_type": analysis.doc_type,
        "page": page.page,
        "text": page.text,
        "confidence": page.confidence,
        "image": getattr(page, "image", None),
        "hocr": page.hocr,
        "engine": page.engine,
        "model": page.model,
        "dates": _dates(mentions),
        "places": _places(mentions),
        "ingested_at": ingested_at,
    }


def person_source(doc: ExtractedDocument, person: Person, *, ingested_at: str) -> dict[str, Any]:
    """The ``persons`` entry of one person record."""
    keys = person.name_keys or name_keys(person.name)
    analysis = doc.analysis or Analysis()
    return {
        "sha256": doc.document.sha256,
        "source": doc.document.source,
        "doc_type": analysis.doc_type,
        "page": person.page,
        "start": person.start,
        "end": person.end,
        "name": person.name,
        "name_norm": keys.normalized,
        "name_skeleton": keys.skeleton,
        "name_latin": list(keys.latin),
        "first": person.first,
        "father": person.father,
        "grandfather": person.grandfather,
        "family": person.family,
        "mother": person.mother,
        "mother_skeleton": skeleton(person.mother) if person.mother else None,
        "birth_date": person.birth_date,
        "birth_date_text": person.birth_date,
        "birth_year": _year(person.birth_date),
        "birth_place": person.birth_place,
        "national_id": person.national_id,
        "title": person.title,
        "role": person.role,
        "facility": person.facility,
        "events": [
            {"type": e.type, "date": e.date, "date_text": e.date, "place": e.place} for e in person.events
        ],
        "ingested_at": ingested_at,
    }


def actions(
    settings: Settings, documents: Iterable[ExtractedDocument], *, ingested_at: str, counts: dict[str, int]
) -> Iterator[dict[str, Any]]:
    """Bulk ``index`` actions for documents, their pages and their persons (counted in ``counts``)."""
    doc_alias, page_alias, person_alias = (alias_name(settings, k) for k in ("documents", "pages", "persons"))
    for doc in documents:
        sha = doc.document.sha256
        counts["documents"] += 1
        yield {"_index": doc_alias, "_id": sha, "_source": document_source(doc, ingested_at=ingested_at)}
        for page in doc.pages:
            counts["pages"] += 1
            yield {
                "_index": page_alias,
                "_id": page_id(sha, page.page),
                "_source": page_source(doc, page, ingested_at=ingested_at),
            }
        for person in (doc.analysis or Analysis()).persons:
            counts["persons"] += 1
            yield {
                "_index": person_alias,
                "_id": person_id(sha, person),
                "_source": person_source(doc, person, ingested_at=ingested_at),
            }
        log.debug("queued %s for indexing", short(sha))


def _kind(index: str, settings: Settings) -> str:
    for kind in ("documents", "pages", "persons"):
        if index.startswith(alias_name(settings, kind)):
            return kind
    return index


@dataclass
class _Sent:
    """What one bulk request left undone: refused entries, and entries whose alias does not exist."""

    failures: list[LoadFailure] = field(default_factory=list)
    no_alias: list[dict[str, Any]] = field(default_factory=list)


def _alias_missing(info: dict[str, Any]) -> bool:
    error = info.get("error")
    return (
        int(info.get("status", 0)) == 404
        and isinstance(error, dict)
        and (error.get("type") == "index_not_found_exception")
    )


def _send(client: Any, settings: Settings, chunk: list[dict[str, Any]], max_retries: int) -> _Sent:
    """One bulk request for ``chunk``, retrying the request or its items on 429/5xx.

    Every entry is written with ``require_alias``, so an engine that lost the indices refuses it
    (listed in ``no_alias``) instead of creating an index without the mappings.
    """
    from opensearchpy import exceptions as ox

    sent = _Sent()
    for attempt in range(max_retries + 1):
        body: list[dict[str, Any]] = []
        for action in chunk:
            body.append({"index": {"_index": action["_index"], "_id": action["_id"], "require_alias": True}})
            body.append(action["_source"])
        try:
            response = client.bulk(body=body, request_timeout=120)
        except (ox.ConnectionError, ox.TransportError) as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 0
            retryable = isinstance(exc, ox.ConnectionError) or status == 429 or status >= 500
            if not retryable or attempt == max_retries:
                raise translate(exc) from None
            time.sleep(min(10.0, 0.5 * 2**attempt))
            continue
        again: list[dict[str, Any]] = []
        for action, item in zip(chunk, response["items"], strict=True):
            info = next(iter(item.values()))
            status = int(info.get("status", 0))
            if status < 300:
                continue
            if (status == 429 or status >= 500) and attempt < max_retries:
                again.append(action)
                continue
            if _alias_missing(info):
                sent.no_alias.append(action)
                continue
            error = info.get("error")
            reason = error.get("type", "error") if isinstance(error, dict) else str(error)
            sent.failures.append(
                LoadFailure(_kind(action["_index"], settings), action["_id"], status, reason[:200])
            )
        if not again:
            return sent
        log.warning("retrying %d entries the engine could not take (429/5xx)", len(again))
        time.sleep(min(10.0, 0.5 * 2**attempt))
        chunk = again
    return sent  # not reached: the last attempt returns or raises


def _chunks(stream: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for action in stream:
        chunk.append(action)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load(
    client: Any,
    settings: Settings,
    documents: Iterable[ExtractedDocument],
    *,
    refresh: bool = False,
    chunk_size: int = 500,
    max_retries: int = 4,
    prune: bool = True,
    workers: int = 2,
) -> LoadReport:
    """Index documents, pages and persons; returns counts and the entries that failed.

    Bulk requests of ``chunk_size`` entries go out on ``workers`` threads while the next ones are
    prepared. ``refresh`` makes the result (writes and prunes) searchable before returning; without it the
    engine shows it within its refresh interval. ``prune`` removes entries of the same documents left by
    an earlier run that this run did not rewrite. The templates and indices are checked once per process
    (:func:`~index.schema.ensure_indices_once`); entries are written with ``require_alias``, so if the
    engine has lost the indices since, they are created again and the refused entries sent once more.
    """
    began = time.monotonic()
    ensure_indices_once(client, settings)
    ingested_at = datetime.now(UTC).isoformat(timespec="microseconds")
    counts = {"documents": 0, "pages": 0, "persons": 0}
    shas: list[str] = []

    def tracked(docs: Iterable[ExtractedDocument]) -> Iterator[ExtractedDocument]:
        for doc in docs:
            shas.append(doc.document.sha256)
            yield doc

    failures: list[LoadFailure] = []
    no_alias: list[dict[str, Any]] = []

    def collect(sent: _Sent) -> None:
        failures.extend(sent.failures)
        no_alias.extend(sent.no_alias)

    stream = actions(settings, tracked(documents), ingested_at=ingested_at, counts=counts)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="athar-bulk") as pool:
        in_flight: deque[Future[_Sent]] = deque()
        try:
            for chunk in _chunks(stream, chunk_size):
                in_flight.append(pool.submit(_send, client, settings, chunk, max_retries))
                while len(in_flight) > workers:
                    collect(in_flight.popleft().result())
            while in_flight:
                collect(in_flight.popleft().result())
        finally:
            for future in in_flight:
                future.cancel()
    if no_alias:
        log.warning("%d entries found no index alias; creating the indices again", len(no_alias))
        ensure_indices_once(client, settings, again=True)
        for chunk in _chunks(no_alias, chunk_size):
            sent = _send(client, settings, chunk, max_retries)
            failures.extend(sent.failures)
            failures.extend(
                LoadFailure(_kind(a["_index"], settings), a["_id"], 404, "index_not_found_exception")
                for a in sent.no_alias
            )
    pruned = 0
    with engine_errors():
        if prune and shas:
            pruned = _prune(client, settings, shas, ingested_at)
        if refresh:
            client.indices.refresh(index=",".join(alias_name(settings, k) for k in KINDS))
    report = LoadReport(
        documents=counts["documents"],
        pages=counts["pages"],
        persons=counts["persons"],
        pruned=pruned,
        failures=tuple(failures),
        seconds=time.monotonic() - began,
    )
    log.info(
        "indexed %d documents, %d pages, %d persons (%d failed, %d pruned)",
        report.documents,
        report.pages,
        report.persons,
        len(failures),
        pruned,
    )
    return report


def _prune(client: Any, settings: Settings, shas: list[str], ingested_at: str) -> int:
    """Delete pages/persons of these documents written before this run (left over from older runs)."""
    deleted = 0
    for start in range(0, len(shas), 1000):
        batch = shas[start : start + 1000]
        result = client.delete_by_query(
            index=",".join(alias_name(settings, k) for k in ("pages", "persons")),
            body={
                "query": {
                    "bool": {
                        "filter": [
                            {"terms": {"sha256": batch}},
                            {"range": {"ingested_at": {"lt": ingested_at}}},
                        ]
                    }
                }
            },
            conflicts="proceed",  # entries rewritten meanwhile stay; no forced refresh: see load()
            request_timeout=600,
        )
        deleted += int(result.get("deleted", 0))
    return deleted
