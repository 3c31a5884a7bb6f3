"""The state store: documents and their states, drops (one per object seen in the bucket),
processing versions (provenance) and flow runs.

Every SQL statement of Athar lives in this module and :mod:`app.state_pg`. :class:`StateStore` is
the interface the rest of the application uses; :class:`SqliteStateStore` is the embedded backend
(``data_dir/athar.db``), :class:`app.state_pg.PostgresStateStore` the shared one for many machines
(``ATHAR_STATE_URL=postgresql://…``), and :func:`open_state` picks the backend for the settings.

Claims make each document processed by one worker at a time: :meth:`claim` takes a document
(atomically: one UPDATE guarded by the lease) unless another worker holds a live lease on it;
:meth:`claim_pending` takes up to ``limit`` documents that are ``received`` or whose lease expired
(a dead worker's); :meth:`renew` extends the leases a worker still holds. Moving a document to
any other state (:meth:`set_state`, :meth:`record_result`) ends the claim.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from athar import PIPELINE_VERSION
from athar.errors import StorageError
from athar.private import private_dir
from athar.settings import Settings

if TYPE_CHECKING:
    from app.bucket import BucketObject

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


_VERSION_TRIES = 20  # attempts at numbering a correction when processes correct the same document at once
_SCHEMA_READY: set[str] = set()  # databases whose tables this process created or found
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    code TEXT,
    message TEXT,
    pipeline_version TEXT,
    pages INTEGER,
    mean_confidence REAL,
    persons INTEGER,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    worker TEXT,
    lease_until REAL
);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state, first_seen);
CREATE TABLE IF NOT EXISTS drops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL REFERENCES documents(sha256),
    bucket TEXT NOT NULL,
    object_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    size INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    disposition TEXT NOT NULL,
    pipeline_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drops_seen ON drops(bucket, object_key, fingerprint);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE TRIGGER IF NOT EXISTS corrections_no_update BEFORE UPDATE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS corrections_no_delete BEFORE DELETE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    summary TEXT
);
"""


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


class SqliteStateStore:
    """SQLite store of documents, drops, processing versions and runs. Safe across processes and threads.

    Each thread that uses a store gets its own connection, opened on first use and kept for the
    life of the store (SQLite connections must not be shared between threads); every method is
    one transaction, committed before it returns.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        key = str(path)
        if key in _SCHEMA_READY and path.exists():
            return
        private_dir(path.parent)
        with self._connect() as db:
            columns = {r["name"] for r in db.execute("PRAGMA table_info(documents)").fetchall()}
            if columns and "worker" not in columns:  # a store from before claims
                db.execute("ALTER TABLE documents ADD COLUMN worker TEXT")
                db.execute("ALTER TABLE documents ADD COLUMN lease_until REAL")
            db.executescript(_SCHEMA)
        for name in (path.name, path.name + "-wal", path.name + "-shm"):
            with contextlib.suppress(FileNotFoundError, PermissionError):
                (path.parent / name).chmod(0o600)  # names and states: the service account's only
        _SCHEMA_READY.add(key)

    @classmethod
    def for_settings(cls, settings: Settings) -> SqliteStateStore:
        """The store at ``data_dir/athar.db``."""
        return cls(settings.data_dir / "athar.db")

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30)
            db.row_factory = sqlite3.Row
            try:
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:
                db.close()
                raise
            self._local.db = db
        return db

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._connection()
            with db:  # one transaction: committed on success, rolled back on error
                yield db
        except sqlite3.OperationalError as exc:
            self.close()  # a connection that failed is not reused
            raise StorageError(f"state store {self.path} is busy or unreadable ({exc}); retry.") from None

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()

    # documents
    def add_document(self, sha256: str, size: int) -> bool:
        """Register a document as received; False if it was already known."""
        stamp = now_iso()
        with self._connect() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO documents (sha256, size, state, first_seen, updated)"
                " VALUES (?,?,?,?,?)",
                (sha256, size, RECEIVED, stamp, stamp),
            )
            return cur.rowcount == 1

    def set_state(
        self,
        sha256: str,
        state: str,
        *,
        code: str | None = None,
        message: str | None = None,
        worker: str | None = None,
    ) -> bool:
        """Move a document to ``state``; ``code``/``message`` explain a quarantine.

        ``worker``: only while that worker still holds the document's claim (see :meth:`record_result`).
        """
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        held, params = _held_by(worker)
        with self._connect() as db:
            cur = db.execute(
                "UPDATE documents SET state=?, code=?, message=?, updated=?, worker=NULL, lease_until=NULL"
                f" WHERE sha256=?{held}",
                (state, code, message, now_iso(), sha256, *params),
            )
            return cur.rowcount == 1 or worker is None

    def record_result(self, sha256: str, summary: dict[str, Any], *, worker: str | None = None) -> bool:
        """Mark a document indexed and keep this processing version in its provenance.

        ``worker`` (a worker ending its claim): only if that worker still holds the claim. A worker
        that stalled past its lease, while another worker took the document over, writes nothing
        and gets False (its lease was lost): the new holder's result and provenance stand.
        """
        stamp = now_iso()
        held, params = _held_by(worker)
        with self._connect() as db:
            cur = db.execute(
                "UPDATE documents SET state=?, code=NULL, message=NULL, pipeline_version=?, pages=?,"
                " mean_confidence=?, persons=?, updated=?, worker=NULL, lease_until=NULL"
                f" WHERE sha256=?{held}",
                (
                    INDEXED,
                    summary.get("pipeline_version", PIPELINE_VERSION),
                    summary.get("pages"),
                    summary.get("mean_confidence"),
                    summary.get("persons"),
                    stamp,
                    sha256,
                    *params,
                ),
            )
            if cur.rowcount != 1 and worker is not None:
                return False
            db.execute(
                "INSERT INTO versions (sha256, pipeline_version, processed_at, summary) VALUES (?,?,?,?)",
                (sha256, summary.get("pipeline_version", PIPELINE_VERSION), stamp, json.dumps(summary)),
            )
        return True

    # claims
    def claim(self, sha256: str, worker: str, lease_seconds: float, *, pending_only: bool = False) -> bool:
        """Take a document for ``worker`` (state ``processing``) unless another worker's lease is live.

        ``pending_only``: only a ``received`` document, an expired claim or ``worker``'s own claim
        (not an indexed or quarantined one: a worker that lost its claim while it stalled does not
        take the document again once the new holder finished it). True if ``worker`` now holds it.
        """
        now = time.time()
        if pending_only:
            guard, params = f"({_PENDING} OR {_OWN})", (now, worker)
        else:
            guard, params = _NOT_HELD_BY_OTHERS, (now, worker)
        with self._connect() as db:
            cur = db.execute(
                "UPDATE documents SET state=?, worker=?, lease_until=?, updated=?"
                f" WHERE sha256=? AND {guard}",
                (PROCESSING, worker, now + lease_seconds, now_iso(), sha256, *params),
            )
            return cur.rowcount == 1

    def claim_pending(self, worker: str, lease_seconds: float, limit: int) -> list[str]:
        """Take up to ``limit`` pending documents (received, or a dead worker's expired claim), oldest
        first."""
        now = time.time()
        with self._immediate() as db:  # the write lock first: no other claimer reads the same rows
            rows = db.execute(
                f"SELECT sha256 FROM documents WHERE {_PENDING} ORDER BY first_seen, sha256 LIMIT ?",
                (now, limit),
            ).fetchall()
            taken = [r["sha256"] for r in rows]
            db.executemany(
                "UPDATE documents SET state=?, worker=?, lease_until=?, updated=? WHERE sha256=?",
                [(PROCESSING, worker, now + lease_seconds, now_iso(), s) for s in taken],
            )
        return taken

    def pending(self, limit: int) -> list[str]:
        """Up to ``limit`` documents a worker could claim now (received, or an expired claim)."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT sha256 FROM documents WHERE {_PENDING} ORDER BY first_seen, sha256 LIMIT ?",
                (time.time(), limit),
            ).fetchall()
        return [r["sha256"] for r in rows]

    def renew(self, sha256s: list[str], worker: str, lease_seconds: float) -> list[str]:
        """Extend ``worker``'s claims on these documents; returns the ones it still holds."""
        until = time.time() + lease_seconds
        held = []
        with self._connect() as db:
            for sha256 in sha256s:
                cur = db.execute(
                    "UPDATE documents SET lease_until=? WHERE sha256=? AND state=? AND worker=?",
                    (until, sha256, PROCESSING, worker),
                )
                if cur.rowcount == 1:
                    held.append(sha256)
        return held

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the database's write lock at its start (BEGIN IMMEDIATE)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            yield db

    def document(self, sha256: str) -> DocumentState | None:
        """One document's row, or None."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return DocumentState(**dict(row)) if row else None

    def documents(self, state: str | None = None) -> list[DocumentState]:
        """All documents (optionally in one state), oldest first."""
        query = (
            "SELECT * FROM documents" + (" WHERE state=?" if state else "") + " ORDER BY first_seen, sha256"
        )
        with self._connect() as db:
            rows = db.execute(query, (state,) if state else ()).fetchall()
        return [DocumentState(**dict(r)) for r in rows]

    def counts(self) -> dict[str, int]:
        """Number of documents per state (every state present, zero if none)."""
        with self._connect() as db:
            rows = db.execute("SELECT state, COUNT(*) AS n FROM documents GROUP BY state").fetchall()
        found = {r["state"]: r["n"] for r in rows}
        return {s: found.get(s, 0) for s in STATES}

    def versions(self, sha256: str) -> list[dict[str, Any]]:
        """Every processing of a document, oldest first (its provenance history)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT pipeline_version, processed_at, summary FROM versions WHERE sha256=? ORDER BY id",
                (sha256,),
            ).fetchall()
        return [
            {
                "pipeline_version": r["pipeline_version"],
                "processed_at": r["processed_at"],
                **json.loads(r["summary"]),
            }
            for r in rows
        ]

    # drops
    def seen(self, bucket: str, key: str, fingerprint: str) -> bool:
        """Whether this exact object (key + etag/mtime) was taken in and left in place.

        An object that was moved to processed/ and shows up again is a new drop.
        """
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM drops WHERE bucket=? AND object_key=? AND fingerprint=?"
                " AND disposition NOT LIKE 'processed/%'",
                (bucket, key, fingerprint),
            ).fetchone()
        return row is not None

    def add_drop(self, sha256: str, bucket: str, obj: BucketObject, disposition: str) -> None:
        """Record that ``obj`` was found in ``bucket`` and stored as ``sha256``."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO drops (sha256, bucket, object_key, fingerprint, size, received_at, disposition,"
                " pipeline_version) VALUES (?,?,?,?,?,?,?,?)",
                (
                    sha256,
                    bucket,
                    obj.key,
                    obj.fingerprint,
                    obj.size,
                    now_iso(),
                    disposition,
                    PIPELINE_VERSION,
                ),
            )

    def set_drop_disposition(self, bucket: str, key: str, fingerprint: str, disposition: str) -> None:
        """Update where a drop went after intake (e.g. ``processed/<key>``)."""
        with self._connect() as db:
            db.execute(
                "UPDATE drops SET disposition=? WHERE bucket=? AND object_key=? AND fingerprint=?",
                (disposition, bucket, key, fingerprint),
            )

    def drops(self, sha256: str | None = None) -> list[dict[str, Any]]:
        """Drops (of one document, or all), oldest first."""
        query = "SELECT * FROM drops" + (" WHERE sha256=?" if sha256 else "") + " ORDER BY id"
        with self._connect() as db:
            rows = db.execute(query, (sha256,) if sha256 else ()).fetchall()
        return [dict(r) for r in rows]

    # runs
    def start_run(self, run_id: str, flow: str) -> None:
        """Record that a flow run started."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs (id, flow, started, status) VALUES (?,?,?,?)",
                (run_id, flow, now_iso(), "running"),
            )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        """Record how a flow run ended, with its counts."""
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET finished=?, status=?, summary=? WHERE id=?",
                (now_iso(), status, json.dumps(summary), run_id),
            )

    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The most recent runs, newest first."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM runs ORDER BY started DESC LIMIT ?", (limit,)).fetchall()
        return [{**dict(r), "summary": json.loads(r["summary"]) if r["summary"] else None} for r in rows]

    def mark_crashed(self, flow: str) -> list[str]:
        """Runs of ``flow`` still "running" become "crashed"; their ids. Call only when no run of
        ``flow`` can be alive (e.g. while holding the data directory's watch lock)."""
        with self._connect() as db:
            rows = db.execute("SELECT id FROM runs WHERE flow=? AND status='running'", (flow,)).fetchall()
            db.execute(
                "UPDATE runs SET status='crashed', finished=? WHERE flow=? AND status='running'",
                (now_iso(), flow),
            )
        return [r["id"] for r in rows]

    # corrections (append-only: the table refuses UPDATE and DELETE)
    def add_correction(self, sha256: str, record: dict[str, Any]) -> dict[str, Any]:
        """Append a correction as the document's next version; returns the record with its version."""
        for _ in range(_VERSION_TRIES):
            with self._connect() as db:
                row = db.execute(
                    "SELECT COALESCE(MAX(version), 0) AS v FROM corrections WHERE sha256=?", (sha256,)
                ).fetchone()
                stored = {**record, "sha256": sha256, "version": int(row["v"]) + 1}
                try:
                    db.execute(
                        "INSERT INTO corrections (sha256, version, at, record) VALUES (?,?,?,?)",
                        (sha256, stored["version"], stored.get("at") or now_iso(), json.dumps(stored)),
                    )
                except sqlite3.IntegrityError:
                    continue  # another process took this version number: take the next one
                return stored
        raise StorageError("the corrections table is too busy to number a new correction; retry.")

    def corrections(self, sha256: str | None = None) -> list[dict[str, Any]]:
        """Corrections (of one document, or all), in version order."""
        query = "SELECT record FROM corrections" + (" WHERE sha256=?" if sha256 else "")
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY sha256, version", (sha256,) if sha256 else ()).fetchall()
        return [json.loads(r["record"]) for r in rows]

    def corrected_documents(self) -> list[str]:
        """sha256s of the documents that have corrections."""
        with self._connect() as db:
            rows = db.execute("SELECT DISTINCT sha256 FROM corrections ORDER BY sha256").fetchall()
        return [r["sha256"] for r in rows]

    # objects of the bucket that are not taken in (symlinks, sockets, unreadable files, ...)
    def sync_skipped(self, bucket: str, skipped: dict[str, str], present: set[str]) -> list[str]:
        """After listing ``bucket``: ``skipped`` (key -> reason) are the objects the listing refuses,
        ``present`` the keys it takes. Rows of objects that are gone are dropped; returns the keys
        newly skipped (to be reported once)."""
        with self._connect() as db:
            known = {
                r["object_key"]: r["reason"]
                for r in db.execute("SELECT object_key, reason FROM skipped WHERE bucket=?", (bucket,))
            }
            for key in set(known) - set(skipped) - present:
                db.execute("DELETE FROM skipped WHERE bucket=? AND object_key=?", (bucket, key))
            new = [k for k, reason in skipped.items() if known.get(k) != reason]
            for key in new:
                db.execute(
                    "INSERT OR REPLACE INTO skipped (bucket, object_key, fingerprint, reason, first_seen)"
                    " VALUES (?,?,?,?,?)",
                    (bucket, key, "", skipped[key], now_iso()),
                )
        return new

    def add_skipped(self, bucket: str, key: str, fingerprint: str, reason: str) -> bool:
        """Record that this version of an object cannot be taken in; False if already recorded."""
        with self._connect() as db:
            row = db.execute(
                "SELECT fingerprint, reason FROM skipped WHERE bucket=? AND object_key=?", (bucket, key)
            ).fetchone()
            if row and (row["fingerprint"], row["reason"]) == (fingerprint, reason):
                return False
            db.execute(
                "INSERT OR REPLACE INTO skipped (bucket, object_key, fingerprint, reason, first_seen)"
                " VALUES (?,?,?,?,?)",
                (bucket, key, fingerprint, reason, now_iso()),
            )
        return True

    def clear_skipped(self, bucket: str, key: str) -> None:
        """The object was taken in after all."""
        with self._connect() as db:
            db.execute("DELETE FROM skipped WHERE bucket=? AND object_key=?", (bucket, key))

    def skipped_versions(self, bucket: str) -> dict[str, str]:
        """Key -> fingerprint of the skipped objects of ``bucket`` (not retried until they change)."""
        with self._connect() as db:
            rows = db.execute("SELECT object_key, fingerprint FROM skipped WHERE bucket=?", (bucket,))
            return {r["object_key"]: r["fingerprint"] for r in rows}

    def skipped(self) -> list[dict[str, Any]]:
        """Every skipped object: bucket, object_key, reason, first_seen."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM skipped ORDER BY first_seen, object_key").fetchall()
        return [dict(r) for r in rows]

    # fixity
    def record_integrity_failure(self, sha256: str, problem: str) -> bool:
        """An original that is missing or no longer hashes to its name; False if already recorded."""
        with self._connect() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO integrity (sha256, problem, detected) VALUES (?,?,?)",
                (sha256, problem, now_iso()),
            )
            return cur.rowcount == 1

    def clear_integrity_failure(self, sha256: str) -> bool:
        """The original verifies again (repaired); False if none was recorded."""
        with self._connect() as db:
            return db.execute("DELETE FROM integrity WHERE sha256=?", (sha256,)).rowcount == 1

    def integrity_failures(self) -> list[dict[str, Any]]:
        """Every original known to fail its check: sha256, problem, detected."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM integrity ORDER BY detected, sha256").fetchall()
        return [dict(r) for r in rows]


class StateStore(Protocol):
    """What the application asks of a state store (every backend implements this)."""

    def close(self) -> None: ...
    def add_document(self, sha256: str, size: int) -> bool: ...
    def set_state(
        self,
        sha256: str,
        state: str,
        *,
        code: str | None = None,
        message: str | None = None,
        worker: str | None = None,
    ) -> bool: ...
    def record_result(self, sha256: str, summary: dict[str, Any], *, worker: str | None = None) -> bool: ...
    def claim(
        self, sha256: str, worker: str, lease_seconds: float, *, pending_only: bool = False
    ) -> bool: ...
    def claim_pending(self, worker: str, lease_seconds: float, limit: int) -> list[str]: ...
    def pending(self, limit: int) -> list[str]: ...
    def renew(self, sha256s: list[str], worker: str, lease_seconds: float) -> list[str]: ...
    def document(self, sha256: str) -> DocumentState | None: ...
    def documents(self, state: str | None = None) -> list[DocumentState]: ...
    def counts(self) -> dict[str, int]: ...
    def versions(self, sha256: str) -> list[dict[str, Any]]: ...
    def seen(self, bucket: str, key: str, fingerprint: str) -> bool: ...
    def add_drop(self, sha256: str, bucket: str, obj: BucketObject, disposition: str) -> None: ...
    def set_drop_disposition(self, bucket: str, key: str, fingerprint: str, disposition: str) -> None: ...
    def drops(self, sha256: str | None = None) -> list[dict[str, Any]]: ...
    def start_run(self, run_id: str, flow: str) -> None: ...
    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None: ...
    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]: ...
    def mark_crashed(self, flow: str) -> list[str]: ...
    def sync_skipped(self, bucket: str, skipped: dict[str, str], present: set[str]) -> list[str]: ...
    def add_skipped(self, bucket: str, key: str, fingerprint: str, reason: str) -> bool: ...
    def clear_skipped(self, bucket: str, key: str) -> None: ...
    def skipped_versions(self, bucket: str) -> dict[str, str]: ...
    def skipped(self) -> list[dict[str, Any]]: ...
    def record_integrity_failure(self, sha256: str, problem: str) -> bool: ...
    def clear_integrity_failure(self, sha256: str) -> bool: ...
    def integrity_failures(self) -> list[dict[str, Any]]: ...

    def add_correction(self, sha256: str, record: dict[str, Any]) -> dict[str, Any]: ...
    def corrections(self, sha256: str | None = None) -> list[dict[str, Any]]: ...
    def corrected_documents(self) -> list[str]: ...


# A document another worker may take: ``received``, or ``processing`` with an expired (or no) lease.
# Parameter: now (epoch seconds). A worker's own live claim is not pending (it is being worked on).
_PENDING = "(state='received' OR (state='processing' AND (lease_until IS NULL OR lease_until < ?)))"
_OWN = "(state='processing' AND worker=?)"  # parameter: the worker
# Any document except one another worker holds with a live lease (reprocessing takes indexed ones too).
_NOT_HELD_BY_OTHERS = (
    "NOT (state='processing' AND lease_until IS NOT NULL AND lease_until >= ? AND worker <> ?)"
)


def _held_by(worker: str | None) -> tuple[str, tuple[str, ...]]:
    """The guard of a write that ends ``worker``'s claim (none without a worker)."""
    return ("", ()) if worker is None else (" AND state='processing' AND worker=?", (worker,))


_STORES: dict[str, StateStore] = {}
_STORES_LOCK = threading.Lock()


def open_state(settings: Settings) -> StateStore:
    """The state store for these settings: PostgreSQL at ``ATHAR_STATE_URL``, else SQLite in the data dir.

    A PostgreSQL store is kept for the life of the process (one connection per thread).
    """
    if not settings.state_url:
        return SqliteStateStore.for_settings(settings)
    with _STORES_LOCK:
        store = _STORES.get(settings.state_url)
        if store is None:
            from app.state_pg import PostgresStateStore

            store = PostgresStateStore(settings.state_url)
            _STORES[settings.state_url] = store
        return store


def worker_name(settings: Settings) -> str:
    """This process's name as a claimant: ``ATHAR_WORKER_NAME``, else host:pid."""
    return settings.worker_name or f"{socket.gethostname()}:{os.getpid()}"
