"""Append-only audit log: who searched what, when, and how many results came back; who viewed which
document or page and who downloaded which original.

One JSON object per line in ``Settings.data_dir/audit.log`` (apart from the search index), opened
in append mode for every entry, readable by the owner only. It holds search terms, which can be
names: treat the file as sensitive.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from athar.errors import StorageError

_LOCK = threading.Lock()


def audit_path(data_dir: Path) -> Path:
    """Where the audit log lives."""
    return data_dir / "audit.log"


def record_search(
    path: Path,
    *,
    who: str,
    client: str | None,
    kind: str,
    via: str,
    query: str,
    filters: dict[str, Any],
    count: int | None,
    error: str | None = None,
) -> dict[str, Any]:
    """Append one entry and return it. ``kind`` is "search" or "person"; ``via`` is "api" or "page"."""
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "who": who,
        "client": client,
        "kind": kind,
        "via": via,
        "query": query,
        "filters": {k: v for k, v in filters.items() if v not in (None, "")},
        "count": count,
    }
    if error:
        entry["error"] = error
    _append(path, entry)
    return entry


def record_access(
    path: Path, *, who: str, client: str | None, kind: str, via: str, sha256: str, page: int | None = None
) -> dict[str, Any]:
    """Append one view of stored content: ``kind`` is "document", "page", "image" or "original"."""
    entry: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "who": who,
        "client": client,
        "kind": kind,
        "via": via,
        "sha256": sha256,
    }
    if page is not None:
        entry["page"] = page
    _append(path, entry)
    return entry


def _append(path: Path, entry: dict[str, Any]) -> None:
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
    except OSError as exc:
        raise StorageError(
            f"cannot append to the audit log {path} ({exc.strerror}); check the disk."
        ) from None


def record_event(
    path: Path, *, who: str, client: str | None, kind: str, detail: dict[str, Any]
) -> dict[str, Any]:
    """Append one non-search entry (a correction, a revert): who, when, what (ids and numbers only)."""
    entry = {"at": datetime.now(UTC).isoformat(timespec="milliseconds"), "who": who, "client": client,
             "kind": kind, **detail}  # fmt: skip
    _append(path, entry)
    return entry
