"""What the pages and the API show, gathered from the index, the state store and the OCR kept.

Searches go through ``index.query`` — the same functions as `athar search` and `athar person` — so
the CLI and the API return the same results for the same query. The lookups here (one document,
one page, the persons of a page) are plain id/term reads of the indices ``index.load`` writes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, is_dataclass
from typing import Any

from app.state import open_state
from app.status import status_report
from athar.errors import PermanentError
from athar.settings import Settings, prefect_ui_url

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_QUERY_CHARS = 10_000


class BadParameterError(PermanentError):
    code = "bad_parameter"


class DocumentNotFoundError(PermanentError):
    code = "document_not_found"


def plain(value: Any) -> Any:
    """JSON-compatible form of a query result (record with ``to_json``, dataclass, dict or list)."""
    if hasattr(value, "to_json"):
        return plain(value.to_json())
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def check_sha256(value: str) -> str:
    """A document id as given in a URL, validated (64 lowercase hex digits)."""
    if not SHA256.match(value or ""):
        raise BadParameterError("A document id is the 64-character hex sha256 of the original file.")
    return value


def clean_text(name: str, value: str | None, *, required: bool = False) -> str | None:
    """Trimmed text parameter; an error when required and empty or longer than allowed."""
    text = (value or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameterError(f"{name} is longer than {MAX_QUERY_CHARS} characters; shorten it.")
    if not text:
        if required:
            raise BadParameterError(f"{name} is empty; type what to search for.")
        return None
    return text


# ------------------------------------------------------------------ searches


def run_search(
    client: Any,
    settings: Settings,
    query: str,
    *,
    doc_type: str | None,
    date_from: str | None,
    date_to: str | None,
    place: str | None,
    size: int,
    offset: int,
) -> dict[str, Any]:
    """Full-text search through ``index.query.search`` (the `athar search` function)."""
    from index.query import search

    result = search(
        client,
        query,
        settings=settings,
        doc_type=doc_type,
        date_from=date_from,
        date_to=date_to,
        place=place,
        size=size,
        offset=offset,
    )
    return plain(result)


def run_person(
    client: Any,
    settings: Settings,
    name: str,
    *,
    mother: str | None,
    born: str | None,
    place: str | None,
    size: int,
) -> dict[str, Any]:
    """Person search through ``index.query.person`` (the `athar person` function)."""
    from index.query import person

    hits = person(client, name, settings=settings, mother=mother, born=born, place=place, size=size)
    return {"hits": plain(hits)}  # the shape `athar person --json` prints


def result_count(result: dict[str, Any]) -> int:
    """Total hits of a search result (``total`` when given, else the number of hits)."""
    total = result.get("total")
    if isinstance(total, dict):
        total = total.get("value")
    if isinstance(total, int):
        return total
    return len(result.get("hits") or [])


# ------------------------------------------------------------------ lookups


def _hits(client: Any, index: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    from index.client import engine_errors

    with engine_errors():
        response = client.search(index=index, body=body)
    return [h["_source"] for h in response["hits"]["hits"]]


def document_entry(client: Any, settings: Settings, sha256: str) -> dict[str, Any]:
    """The ``documents`` entry of one document, with its pages' numbers and confidences."""
    from index.schema import alias_name

    found = _hits(
        client,
        alias_name(settings, "documents"),
        {"query": {"term": {"sha256": sha256}}, "size": 1},
    )
    if not found:
        raise DocumentNotFoundError("No indexed document has this sha256; check the link or index it first.")
    pages = _hits(
        client,
        alias_name(settings, "pages"),
        {
            "query": {"term": {"sha256": sha256}},
            "_source": ["page", "confidence"],
            "sort": [{"page": "asc"}],
            "size": 10_000,
        },
    )
    return {**found[0], "pages": [{"page": p["page"], "confidence": p.get("confidence")} for p in pages]}


def page_entry(client: Any, settings: Settings, sha256: str, page: int) -> dict[str, Any]:
    """The ``pages`` entry of one page plus the person records found on it."""
    from index.schema import alias_name

    found = _hits(
        client,
        alias_name(settings, "pages"),
        {"query": {"bool": {"filter": [{"term": {"sha256": sha256}}, {"term": {"page": page}}]}}, "size": 1},
    )
    if not found:
        raise DocumentNotFoundError(f"Page {page} of this document is not in the index.")
    persons = _hits(
        client,
        alias_name(settings, "persons"),
        {
            "query": {"bool": {"filter": [{"term": {"sha256": sha256}}, {"term": {"page": page}}]}},
            "sort": [{"start": "asc"}],
            "size": 500,
        },
    )
    keep = ("name", "mother", "birth_date", "birth_place", "national_id", "events", "start", "end")
    return {**found[0], "persons": [{k: p.get(k) for k in keep} for p in persons]}


def provenance(settings: Settings, sha256: str) -> dict[str, Any]:
    """State, drops (original names, buckets, times) and processing versions from the state store."""
    store = open_state(settings)
    state = store.document(sha256)
    return {
        "state": state.state if state else None,
        "first_seen": state.first_seen if state else None,
        "drops": [
            {k: d[k] for k in ("object_key", "bucket", "received_at", "disposition", "pipeline_version")}
            for d in store.drops(sha256)
        ],
        "versions": [
            {"pipeline_version": v["pipeline_version"], "processed_at": v["processed_at"]}
            for v in store.versions(sha256)
        ],
    }


class OriginalFailedError(PermanentError):
    """The original failed its fixity check: it is not served until it is restored."""

    code = "original_corrupted"


def failed_originals(settings: Settings) -> set[str]:
    """sha256 of the originals recorded as failing their fixity check."""
    from app.fixity import integrity_failures

    return set(integrity_failures(settings))


def record_failed_original(settings: Settings, sha256: str) -> None:
    """Record an original found altered while serving it (shown by status, flagged in search)."""
    from app.fixity import check_one

    check_one(settings, open_state(settings), sha256)


def refuse_failed_original(settings: Settings, sha256: str) -> None:
    """Refuse to serve (bytes or a page drawn from them) an original that failed its check."""
    if sha256 in failed_originals(settings):
        raise OriginalFailedError(
            "This document's original failed its fixity check (missing or altered), so it is not served;"
            " its text may not match the scan. An operator must restore it from a backup or drop the"
            " good file into the inbox again (see `athar verify`)."
        )


def flag_failed_originals(settings: Settings, hits: list[dict[str, Any]]) -> None:
    """Mark search hits whose original failed its fixity check (``"integrity_failed": true``; other
    hits stay exactly what `athar search`/`athar person` return)."""
    failed = failed_originals(settings)
    for hit in hits:
        if hit.get("sha256") in failed:
            hit["integrity_failed"] = True


def operator_status(settings: Settings, runs: int = 10) -> dict[str, Any]:
    """Counts per state, recent runs, quarantined documents, originals failing their fixity check and
    inbox objects not taken in (codes, sha256 and object names, never content)."""
    report = status_report(settings, runs)
    return {
        "counts": report["counts"],
        "runs": report["runs"],
        "quarantined": report["quarantined"],
        "integrity_failures": report["integrity_failures"],
        "skipped_objects": report["skipped_objects"],
        "prefect_ui": prefect_ui_url(),
    }
