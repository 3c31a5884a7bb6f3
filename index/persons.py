"""Person entries as the linker reads them, and the dossier id each one carries.

* :func:`person_ids` streams ``(id, sha256)`` of every person entry (scroll, ids only);
* :func:`person_sources` fetches the entries of some ids;
* :func:`set_dossiers` writes each entry's ``dossier`` (partial updates), so person search can say
  which dossier a record belongs to and group namesakes by dossier. The dossier store is the truth;
  this field is its copy in the index, written after every linking.
* :func:`page_texts` fetches pages' text and image (the review queue shows the words on both scans).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from athar.settings import Settings
from index.client import engine_errors
from index.schema import alias_name

_SCROLL = "2m"
_PAGE = 2000  # entries per scroll page / mget / bulk request
_FIELD_READY: set[tuple[str, str]] = set()
_FIELD_LOCK = threading.Lock()


def person_ids(
    client: Any, settings: Settings, sha256s: Iterable[str] | None = None
) -> Iterator[tuple[str, str]]:
    """``(id, sha256)`` of every person entry (or of these documents' entries)."""
    query: dict[str, Any] = {"match_all": {}}
    if sha256s is not None:
        query = {"terms": {"sha256": sorted(set(sha256s))}}
    with engine_errors():
        response = client.search(
            index=alias_name(settings, "persons"),
            body={"query": query, "_source": ["sha256"], "size": _PAGE, "sort": ["_doc"]},
            scroll=_SCROLL,
        )
    scroll_id = response.get("_scroll_id")
    try:
        while True:
            hits = response["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield str(hit["_id"]), str(hit["_source"].get("sha256") or "")
            with engine_errors():
                response = client.scroll(scroll_id=scroll_id, scroll=_SCROLL)
            scroll_id = response.get("_scroll_id", scroll_id)
    finally:
        if scroll_id:
            with engine_errors():
                client.clear_scroll(scroll_id=scroll_id, ignore=[404])


def person_sources(client: Any, settings: Settings, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored entries (``_source``) of these person ids; ids not found are left out."""
    wanted = list(ids)
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _PAGE):
        with engine_errors():
            response = client.mget(
                index=alias_name(settings, "persons"), body={"ids": wanted[start : start + _PAGE]}
            )
        for doc in response["docs"]:
            if doc.get("found"):
                out[str(doc["_id"])] = doc["_source"]
    return out


def ensure_dossier_field(client: Any, settings: Settings) -> None:
    """Add the ``dossier`` keyword to a persons index made before it existed (additive, once per process)."""
    key = (settings.search_url, settings.index_prefix)
    with _FIELD_LOCK:
        if key in _FIELD_READY:
            return
        with engine_errors():
            client.indices.put_mapping(
                index=alias_name(settings, "persons"), body={"properties": {"dossier": {"type": "keyword"}}}
            )
        _FIELD_READY.add(key)


def set_dossiers(client: Any, settings: Settings, dossiers: dict[str, str], *, refresh: bool = False) -> int:
    """Write each person entry's dossier id; returns how many entries were updated (missing ones skip)."""
    if not dossiers:
        return 0
    ensure_dossier_field(client, settings)
    alias = alias_name(settings, "persons")
    items = sorted(dossiers.items())
    updated = 0
    for start in range(0, len(items), _PAGE):
        body: list[dict[str, Any]] = []
        for person, dossier in items[start : start + _PAGE]:
            body.append({"update": {"_index": alias, "_id": person, "retry_on_conflict": 3}})
            body.append({"doc": {"dossier": dossier}})
        with engine_errors():
            response = client.bulk(body=body, request_timeout=120)
        updated += sum(int(next(iter(i.values())).get("status", 0)) < 300 for i in response["items"])
    if refresh:
        with engine_errors():
            client.indices.refresh(index=alias)
    return updated


def page_texts(
    client: Any, settings: Settings, pages: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, Any]]:
    """Text, image and hOCR paths of these (sha256, page) pages."""
    keys = sorted(set(pages))
    out: dict[tuple[str, int], dict[str, Any]] = {}
    if not keys:
        return out
    with engine_errors():
        response = client.mget(
            index=alias_name(settings, "pages"),
            body={"ids": [f"{sha}:{page}" for sha, page in keys]},
            _source=["sha256", "page", "text", "image", "hocr", "source"],
        )
    for doc in response["docs"]:
        if doc.get("found"):
            src = doc["_source"]
            out[(str(src["sha256"]), int(src["page"]))] = src
    return out
