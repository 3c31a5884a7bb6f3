"""The state store's tables and rows, one definition for both backends (:mod:`app.state` SQLite,
:mod:`app.state_pg` PostgreSQL): :func:`schema` fills in each engine's column types and its way
of keeping the corrections table append-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

RECEIVED = "received"
PROCESSING = "processing"
INDEXED = "indexed"
QUARANTINED = "quarantined"
STATES = (RECEIVED, PROCESSING, INDEXED, QUARANTINED)
# Not a state of a row: the outcome of a worker whose claim was taken over before it finished (its
# lease expired while it stalled); what it wrote is discarded, the new holder's result stands.
LEASE_LOST = "lease_lost"


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class DocumentState:
    """One row of the documents table."""

    sha256: str
    size: int
    state: str
    code: str | None
    message: str | None
    pipeline_version: str | None
    pages: int | None
    mean_confidence: float | None
    persons: int | None
    first_seen: str
    updated: str
    worker: str | None = None  # who holds the claim while ``processing``
    lease_until: float | None = None  # epoch seconds (the database's clock) the claim lasts until


def schema(*, big: str, real: str, serial: str, append_only: str) -> str:
    """The tables' DDL: ``big``/``real`` the engine's 64-bit integer and float types, ``serial`` an
    auto-numbered primary key, ``append_only`` the statements that refuse UPDATE/DELETE on corrections."""
    return f"""
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    size {big} NOT NULL,
    state TEXT NOT NULL,
    code TEXT,
    message TEXT,
    pipeline_version TEXT,
    pages INTEGER,
    mean_confidence {real},
    persons INTEGER,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    worker TEXT,
    lease_until {real}
);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state, first_seen);
CREATE TABLE IF NOT EXISTS drops (
    id {serial},
    sha256 TEXT NOT NULL REFERENCES documents(sha256),
    bucket TEXT NOT NULL,
    object_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    size {big} NOT NULL,
    received_at TEXT NOT NULL,
    disposition TEXT NOT NULL,
    pipeline_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drops_seen ON drops(bucket, object_key, fingerprint);
CREATE TABLE IF NOT EXISTS versions (
    id {serial},
    sha256 TEXT NOT NULL REFERENCES documents(sha256),
    pipeline_version TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS skipped (
    bucket TEXT NOT NULL,
    object_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (bucket, object_key)
);
CREATE TABLE IF NOT EXISTS integrity (
    sha256 TEXT PRIMARY KEY,
    problem TEXT NOT NULL,
    detected TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
    sha256 TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (sha256, version)
);
{append_only}
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    summary TEXT
);
"""
