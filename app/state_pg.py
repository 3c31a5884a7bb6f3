"""The PostgreSQL backend of the state store, shared by workers on many machines (``ATHAR_STATE_URL``).

The same tables and semantics as :class:`app.state.SqliteStateStore`. Claims are one statement
each: :meth:`PostgresStateStore.claim_pending` picks rows with ``FOR UPDATE SKIP LOCKED`` (two
claimers never wait for, nor take, the same document) and leases are timed by the database's
clock, so workers' clocks need not agree.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.state import INDEXED, PROCESSING, RECEIVED, STATES, DocumentState, now_iso
from athar import PIPELINE_VERSION
from athar.errors import StorageError

if TYPE_CHECKING:
    import psycopg

    from app.bucket import BucketObject

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    state TEXT NOT NULL,
    code TEXT,
    message TEXT,
    pipeline_version TEXT,
    pages INTEGER,
    mean_confidence DOUBLE PRECISION,
    persons INTEGER,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    worker TEXT,
    lease_until DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state, first_seen);
CREATE TABLE IF NOT EXISTS drops (
    id BIGSERIAL PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES documents(sha256),
    bucket TEXT NOT NULL,
    object_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    size BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    disposition TEXT NOT NULL,
    pipeline_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drops_seen ON drops(bucket, object_key, fingerprint);
CREATE TABLE IF NOT EXISTS versions (
    id BIGSERIAL PRIMARY KEY,
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
CREATE OR REPLACE FUNCTION athar_corrections_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'corrections are append-only'; END $$;
DROP TRIGGER IF EXISTS corrections_append_only ON corrections;
CREATE TRIGGER corrections_append_only BEFORE UPDATE OR DELETE ON corrections
FOR EACH ROW EXECUTE FUNCTION athar_corrections_append_only();
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    summary TEXT
);
"""
_NOW = "extract(epoch from clock_timestamp())"
_PENDING = f"(state='received' OR (state='processing' AND (lease_until IS NULL OR lease_until < {_NOW})))"
_OWN = "(state='processing' AND worker=%(worker)s)"
_NOT_HELD_BY_OTHERS = (
    f"NOT (state='processing' AND lease_until IS NOT NULL AND lease_until >= {_NOW} AND worker <> %(worker)s)"
)


def _held_by(worker: str | None) -> tuple[str, tuple[str, ...]]:
    """The guard of a write that ends ``worker``'s claim (none without a worker)."""
    return ("", ()) if worker is None else (" AND state='processing' AND worker=%s", (worker,))


_VERSION_TRIES = 20  # numbering a correction: tries when other writers take the same version
_SCHEMA_LOCK = 72_616_872  # pg_advisory_xact_lock key: one process creates the tables at a time


class PostgresStateStore:
    """State store on PostgreSQL; one connection per thread, every method one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        with self._connect() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            db.execute(_SCHEMA)

    def _connection(self) -> psycopg.Connection[Any]:
        db = getattr(self._local, "db", None)
        if db is None or db.closed:
            import psycopg
            from psycopg.rows import dict_row

            try:
                db = psycopg.connect(self.url, row_factory=dict_row, connect_timeout=10)
            except psycopg.OperationalError as exc:
                raise StorageError(
                    f"cannot reach the state database ({type(exc).__name__}); check ATHAR_STATE_URL "
                    "and that PostgreSQL runs."
                ) from None
            self._local.db = db
        return db

    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        import psycopg

        try:
            db = self._connection()
            with db.transaction():
                yield db
        except psycopg.OperationalError as exc:
            self.close()
            raise StorageError(f"the state database failed ({type(exc).__name__}); retry.") from None

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()

    # documents
    def add_document(self, sha256: str, size: int) -> bool:
        stamp = now_iso()
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO documents (sha256, size, state, first_seen, updated) VALUES (%s,%s,%s,%s,%s)"
                " ON CONFLICT (sha256) DO NOTHING",
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
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        held, params = _held_by(worker)
        with self._connect() as db:
            cur = db.execute(
                "UPDATE documents SET state=%s, code=%s, message=%s, updated=%s, worker=NULL,"
                f" lease_until=NULL WHERE sha256=%s{held}",
                (state, code, message, now_iso(), sha256, *params),
            )
            return cur.rowcount == 1 or worker is None

    def record_result(self, sha256: str, summary: dict[str, Any], *, worker: str | None = None) -> bool:
        stamp = now_iso()
        version = summary.get("pipeline_version", PIPELINE_VERSION)
        held, params = _held_by(worker)
        with self._connect() as db:
            cur = db.execute(
                "UPDATE documents SET state=%s, code=NULL, message=NULL, pipeline_version=%s, pages=%s,"
                " mean_confidence=%s, persons=%s, updated=%s, worker=NULL, lease_until=NULL"
                f" WHERE sha256=%s{held}",
                (
                    INDEXED,
                    version,
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
                "INSERT INTO versions (sha256, pipeline_version, processed_at, summary) VALUES (%s,%s,%s,%s)",
                (sha256, version, stamp, json.dumps(summary)),
            )
        return True

    # claims
    def claim(self, sha256: str, worker: str, lease_seconds: float, *, pending_only: bool = False) -> bool:
        guard = f"({_PENDING} OR {_OWN})" if pending_only else _NOT_HELD_BY_OTHERS
        with self._connect() as db:
            cur = db.execute(
                f"UPDATE documents SET state=%(state)s, worker=%(worker)s, lease_until={_NOW} + %(lease)s,"
                f" updated=%(stamp)s WHERE sha256=%(sha256)s AND {guard}",
                {
                    "state": PROCESSING,
                    "worker": worker,
                    "lease": lease_seconds,
                    "stamp": now_iso(),
                    "sha256": sha256,
                },
            )
            return cur.rowcount == 1

    def claim_pending(self, worker: str, lease_seconds: float, limit: int) -> list[str]:
        with self._connect() as db:
            rows = db.execute(
                f"UPDATE documents SET state=%(state)s, worker=%(worker)s, lease_until={_NOW} + %(lease)s,"
                " updated=%(stamp)s WHERE sha256 IN (SELECT sha256 FROM documents WHERE "
                f"{_PENDING} ORDER BY first_seen, sha256 LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
                " RETURNING sha256, first_seen",
                {
                    "state": PROCESSING,
                    "worker": worker,
                    "lease": lease_seconds,
                    "stamp": now_iso(),
                    "limit": limit,
                },
            ).fetchall()
        return [r["sha256"] for r in sorted(rows, key=lambda r: (r["first_seen"], r["sha256"]))]

    def pending(self, limit: int) -> list[str]:
        with self._connect() as db:
            rows = db.execute(
                f"SELECT sha256 FROM documents WHERE {_PENDING} ORDER BY first_seen, sha256 LIMIT %s",
                (limit,),
            ).fetchall()
        return [r["sha256"] for r in rows]

    def renew(self, sha256s: list[str], worker: str, lease_seconds: float) -> list[str]:
        if not sha256s:
            return []
        with self._connect() as db:
            rows = db.execute(
                f"UPDATE documents SET lease_until={_NOW} + %s WHERE sha256 = ANY(%s) AND state=%s"
                " AND worker=%s RETURNING sha256",
                (lease_seconds, list(sha256s), PROCESSING, worker),
            ).fetchall()
        held = {r["sha256"] for r in rows}
        return [s for s in sha256s if s in held]

    def document(self, sha256: str) -> DocumentState | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM documents WHERE sha256=%s", (sha256,)).fetchone()
        return DocumentState(**row) if row else None

    def documents(self, state: str | None = None) -> list[DocumentState]:
        query = (
            "SELECT * FROM documents" + (" WHERE state=%s" if state else "") + " ORDER BY first_seen, sha256"
        )
        with self._connect() as db:
            rows = db.execute(query, (state,) if state else ()).fetchall()
        return [DocumentState(**r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._connect() as db:
            rows = db.execute("SELECT state, COUNT(*) AS n FROM documents GROUP BY state").fetchall()
        found = {r["state"]: r["n"] for r in rows}
        return {s: found.get(s, 0) for s in STATES}

    def versions(self, sha256: str) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT pipeline_version, processed_at, summary FROM versions WHERE sha256=%s ORDER BY id",
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
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM drops WHERE bucket=%s AND object_key=%s AND fingerprint=%s"
                " AND disposition NOT LIKE 'processed/%%'",
                (bucket, key, fingerprint),
            ).fetchone()
        return row is not None

    def add_drop(self, sha256: str, bucket: str, obj: BucketObject, disposition: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO drops (sha256, bucket, object_key, fingerprint, size, received_at, disposition,"
                " pipeline_version) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
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
        with self._connect() as db:
            db.execute(
                "UPDATE drops SET disposition=%s WHERE bucket=%s AND object_key=%s AND fingerprint=%s",
                (disposition, bucket, key, fingerprint),
            )

    def drops(self, sha256: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM drops" + (" WHERE sha256=%s" if sha256 else "") + " ORDER BY id"
        with self._connect() as db:
            rows = db.execute(query, (sha256,) if sha256 else ()).fetchall()
        return [dict(r) for r in rows]

    # runs
    def start_run(self, run_id: str, flow: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO runs (id, flow, started, status) VALUES (%s,%s,%s,%s) ON CONFLICT (id) DO UPDATE"
                " SET flow=EXCLUDED.flow, started=EXCLUDED.started, status=EXCLUDED.status,"
                " finished=NULL, summary=NULL",
                (run_id, flow, now_iso(), "running"),
            )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET finished=%s, status=%s, summary=%s WHERE id=%s",
                (now_iso(), status, json.dumps(summary), run_id),
            )

    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM runs ORDER BY started DESC LIMIT %s", (limit,)).fetchall()
        return [{**r, "summary": json.loads(r["summary"]) if r["summary"] else None} for r in rows]

    def mark_crashed(self, flow: str) -> list[str]:
        with self._connect() as db:
            rows = db.execute(
                "UPDATE runs SET status='crashed', finished=%s WHERE flow=%s AND status='running'"
                " RETURNING id",
                (now_iso(), flow),
            ).fetchall()
        return [r["id"] for r in rows]

    # objects of the bucket that are not taken in
    def sync_skipped(self, bucket: str, skipped: dict[str, str], present: set[str]) -> list[str]:
        with self._connect() as db:
            known = {
                r["object_key"]: r["reason"]
                for r in db.execute("SELECT object_key, reason FROM skipped WHERE bucket=%s", (bucket,))
            }
            for key in set(known) - set(skipped) - present:
                db.execute("DELETE FROM skipped WHERE bucket=%s AND object_key=%s", (bucket, key))
            new = [k for k, reason in skipped.items() if known.get(k) != reason]
            for key in new:
                self._put_skipped(db, bucket, key, "", skipped[key])
        return new

    @staticmethod
    def _put_skipped(
        db: psycopg.Connection[Any], bucket: str, key: str, fingerprint: str, reason: str
    ) -> None:
        db.execute(
            "INSERT INTO skipped (bucket, object_key, fingerprint, reason, first_seen)"
            " VALUES (%s,%s,%s,%s,%s)"
            " ON CONFLICT (bucket, object_key) DO UPDATE SET fingerprint=EXCLUDED.fingerprint,"
            " reason=EXCLUDED.reason, first_seen=EXCLUDED.first_seen",
            (bucket, key, fingerprint, reason, now_iso()),
        )

    def add_skipped(self, bucket: str, key: str, fingerprint: str, reason: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT fingerprint, reason FROM skipped WHERE bucket=%s AND object_key=%s", (bucket, key)
            ).fetchone()
            if row and (row["fingerprint"], row["reason"]) == (fingerprint, reason):
                return False
            self._put_skipped(db, bucket, key, fingerprint, reason)
        return True

    def clear_skipped(self, bucket: str, key: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM skipped WHERE bucket=%s AND object_key=%s", (bucket, key))

    def skipped_versions(self, bucket: str) -> dict[str, str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT object_key, fingerprint FROM skipped WHERE bucket=%s", (bucket,)
            ).fetchall()
        return {r["object_key"]: r["fingerprint"] for r in rows}

    def skipped(self) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM skipped ORDER BY first_seen, object_key").fetchall()
        return [dict(r) for r in rows]

    # fixity
    def record_integrity_failure(self, sha256: str, problem: str) -> bool:
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO integrity (sha256, problem, detected) VALUES (%s,%s,%s) ON CONFLICT DO NOTHING",
                (sha256, problem, now_iso()),
            )
            return cur.rowcount == 1

    def clear_integrity_failure(self, sha256: str) -> bool:
        with self._connect() as db:
            return db.execute("DELETE FROM integrity WHERE sha256=%s", (sha256,)).rowcount == 1

    def integrity_failures(self) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM integrity ORDER BY detected, sha256").fetchall()
        return [dict(r) for r in rows]

    # corrections (append-only: a trigger refuses updates and deletes)
    def add_correction(self, sha256: str, record: dict[str, Any]) -> dict[str, Any]:
        import psycopg

        for _ in range(_VERSION_TRIES):
            try:
                with self._connect() as db:
                    row = db.execute(
                        "SELECT COALESCE(MAX(version), 0) AS v FROM corrections WHERE sha256=%s", (sha256,)
                    ).fetchone()
                    stored = {**record, "sha256": sha256, "version": int(row["v"] if row else 0) + 1}
                    db.execute(
                        "INSERT INTO corrections (sha256, version, at, record) VALUES (%s,%s,%s,%s)",
                        (sha256, stored["version"], stored.get("at") or now_iso(), json.dumps(stored)),
                    )
                return stored
            except psycopg.errors.UniqueViolation:
                continue  # another worker took this version number: take the next one
        raise StorageError("the corrections table is too busy to number a new correction; retry.")

    def corrections(self, sha256: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT record FROM corrections" + (" WHERE sha256=%s" if sha256 else "")
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY sha256, version", (sha256,) if sha256 else ()).fetchall()
        return [json.loads(r["record"]) for r in rows]

    def corrected_documents(self) -> list[str]:
        with self._connect() as db:
            rows = db.execute("SELECT DISTINCT sha256 FROM corrections ORDER BY sha256").fetchall()
        return [r["sha256"] for r in rows]
