"""The SQL of the state store, shared by its backends (:mod:`app.state` SQLite, :mod:`app.state_pg`
PostgreSQL): every query is written once, in SQLite's ``?`` style, for the SQL both engines speak
(upserts with ``ON CONFLICT``, ``RETURNING``); a backend supplies its schema, its connections and a
few dialect hooks (:class:`SqlStateStore`'s class attributes and :meth:`SqlStateStore._sql`).

Claims make each document processed by one worker at a time: :meth:`SqlStateStore.claim` takes a
document (one UPDATE guarded by the lease) unless another worker holds a live lease on it;
:meth:`~SqlStateStore.claim_pending` takes up to ``limit`` documents that are ``received`` or whose
lease expired (a dead worker's); :meth:`~SqlStateStore.renew` extends the leases a worker still
holds. Moving a document to any other state (:meth:`~SqlStateStore.set_state`,
:meth:`~SqlStateStore.record_result`) ends the claim; given the worker, only while it still holds it.
Leases are timed by the database's clock, so workers' clocks need not agree.
"""

from __future__ import annotations

import contextlib
import json
import threading
from typing import TYPE_CHECKING, Any, ClassVar

from app.state_schema import INDEXED, PROCESSING, RECEIVED, STATES, DocumentState, now_iso
from athar import PIPELINE_VERSION
from athar.errors import StorageError

if TYPE_CHECKING:
    from app.bucket import BucketObject

_VERSION_TRIES = 20  # attempts at numbering a correction when processes correct the same document at once


# A document another worker may take: ``received``, or ``processing`` with an expired (or no) lease.
# {now}: the database clock. A worker's own live claim is not pending (it is being worked on).
_PENDING = "(state='received' OR (state='processing' AND (lease_until IS NULL OR lease_until < {now})))"
_OWN = "(state='processing' AND worker=?)"  # parameter: the worker
# Any document except one another worker holds with a live lease (reprocessing takes indexed ones too).
_NOT_HELD_BY_OTHERS = (
    "NOT (state='processing' AND lease_until IS NOT NULL AND lease_until >= {now} AND worker <> ?)"
)
_TAKE = "UPDATE documents SET state=?, worker=?, lease_until={now} + ?, updated=?"
_SKIPPED_UPSERT = (
    "INSERT INTO skipped (bucket, object_key, fingerprint, reason, first_seen) VALUES (?,?,?,?,?)"
    " ON CONFLICT (bucket, object_key) DO UPDATE SET fingerprint=excluded.fingerprint,"
    " reason=excluded.reason, first_seen=excluded.first_seen"
)


def _held_by(worker: str | None) -> tuple[str, tuple[str, ...]]:
    """The guard of a write that ends ``worker``'s claim (none without a worker)."""
    return ("", ()) if worker is None else (" AND state='processing' AND worker=?", (worker,))


class SqlStateStore:
    """Documents, drops, processing versions, runs, skipped objects, integrity failures and
    corrections in SQL; every method is one transaction, committed before it returns.

    A backend provides :meth:`_connect` (a context manager yielding a connection inside one
    transaction, rows readable as mappings), :meth:`close`, and the dialect hooks below.
    """

    NOW: ClassVar[str]  # SQL expression: the database's clock in epoch seconds
    LOCK_ROWS: ClassVar[str] = ""  # appended to the claim's row selection (PostgreSQL: SKIP LOCKED)
    DUPLICATE: type[Exception]  # the driver's unique-key violation
    _local: threading.local  # this thread's connection (``db``), opened on first use

    def _sql(self, query: str) -> str:
        """``query`` in the driver's parameter style (SQLite: as written)."""
        return query

    def _connect(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()

    def _run(self, db: Any, query: str, params: Any = ()) -> Any:
        return db.execute(self._sql(query.format(now=self.NOW)), params)

    def _one(self, query: str, params: Any = ()) -> Any:
        """Run one statement as its own transaction; returns its cursor's rows (if any) and count."""
        with self._connect() as db:
            cur = self._run(db, query, params)
            return (cur.fetchall() if cur.description else []), cur.rowcount

    def _rows(self, query: str, params: Any = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._one(query, params)[0]]

    # documents
    def add_document(self, sha256: str, size: int) -> bool:
        """Register a document as received; False if it was already known."""
        stamp = now_iso()
        return bool(
            self._one(
                "INSERT INTO documents (sha256, size, state, first_seen, updated) VALUES (?,?,?,?,?)"
                " ON CONFLICT (sha256) DO NOTHING",
                (sha256, size, RECEIVED, stamp, stamp),
            )[1]
            == 1
        )

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
        _, count = self._one(
            "UPDATE documents SET state=?, code=?, message=?, updated=?, worker=NULL, lease_until=NULL"
            f" WHERE sha256=?{held}",
            (state, code, message, now_iso(), sha256, *params),
        )
        return count == 1 or worker is None

    def record_result(self, sha256: str, summary: dict[str, Any], *, worker: str | None = None) -> bool:
        """Mark a document indexed and keep this processing version in its provenance.

        ``worker`` (a worker ending its claim): only if that worker still holds the claim. A worker
        that stalled past its lease, while another worker took the document over, writes nothing
        and gets False (its lease was lost): the new holder's result and provenance stand.
        """
        stamp = now_iso()
        version = summary.get("pipeline_version", PIPELINE_VERSION)
        held, params = _held_by(worker)
        with self._connect() as db:
            cur = self._run(
                db,
                "UPDATE documents SET state=?, code=NULL, message=NULL, pipeline_version=?, pages=?,"
                " mean_confidence=?, persons=?, updated=?, worker=NULL, lease_until=NULL"
                f" WHERE sha256=?{held}",
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
            self._run(
                db,
                "INSERT INTO versions (sha256, pipeline_version, processed_at, summary) VALUES (?,?,?,?)",
                (sha256, version, stamp, json.dumps(summary)),
            )
        return True

    # claims
    def claim(self, sha256: str, worker: str, lease_seconds: float, *, pending_only: bool = False) -> bool:
        """Take a document for ``worker`` (state ``processing``) unless another worker's lease is live.

        ``pending_only``: only a ``received`` document, an expired claim or ``worker``'s own claim
        (not an indexed or quarantined one: a worker that lost its claim while it stalled does not
        take the document again once the new holder finished it). True if ``worker`` now holds it.
        """
        guard = f"({_PENDING} OR {_OWN})" if pending_only else _NOT_HELD_BY_OTHERS
        _, count = self._one(
            f"{_TAKE} WHERE sha256=? AND {guard}",
            (PROCESSING, worker, lease_seconds, now_iso(), sha256, worker),
        )
        return bool(count == 1)

    def claim_pending(self, worker: str, lease_seconds: float, limit: int) -> list[str]:
        """Take up to ``limit`` pending documents (received, or a dead worker's expired claim), oldest
        first. One statement: two claimers never take the same document."""
        rows, _ = self._one(
            f"{_TAKE} WHERE sha256 IN (SELECT sha256 FROM documents WHERE {_PENDING}"
            f" ORDER BY first_seen, sha256 LIMIT ?{self.LOCK_ROWS}) RETURNING sha256, first_seen",
            (PROCESSING, worker, lease_seconds, now_iso(), limit),
        )
        return [r["sha256"] for r in sorted(rows, key=lambda r: (r["first_seen"], r["sha256"]))]

    def pending(self, limit: int) -> list[str]:
        """Up to ``limit`` documents a worker could claim now (received, or an expired claim)."""
        rows = self._rows(
            f"SELECT sha256 FROM documents WHERE {_PENDING} ORDER BY first_seen, sha256 LIMIT ?", (limit,)
        )
        return [r["sha256"] for r in rows]

    def renew(self, sha256s: list[str], worker: str, lease_seconds: float) -> list[str]:
        """Extend ``worker``'s claims on these documents; returns the ones it still holds."""
        if not sha256s:
            return []
        marks = ",".join("?" * len(sha256s))
        rows = self._rows(
            f"UPDATE documents SET lease_until={{now}} + ? WHERE sha256 IN ({marks}) AND state=?"
            " AND worker=? RETURNING sha256",
            (lease_seconds, *sha256s, PROCESSING, worker),
        )
        held = {r["sha256"] for r in rows}
        return [s for s in sha256s if s in held]

    def document(self, sha256: str) -> DocumentState | None:
        """One document's row, or None."""
        rows = self._rows("SELECT * FROM documents WHERE sha256=?", (sha256,))
        return DocumentState(**rows[0]) if rows else None

    def documents(self, state: str | None = None) -> list[DocumentState]:
        """All documents (optionally in one state), oldest first."""
        where = " WHERE state=?" if state else ""
        rows = self._rows(
            f"SELECT * FROM documents{where} ORDER BY first_seen, sha256", (state,) if state else ()
        )
        return [DocumentState(**r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Number of documents per state (every state present, zero if none)."""
        found = {
            r["state"]: r["n"]
            for r in self._rows("SELECT state, COUNT(*) AS n FROM documents GROUP BY state")
        }
        return {s: found.get(s, 0) for s in STATES}

    def versions(self, sha256: str) -> list[dict[str, Any]]:
        """Every processing of a document, oldest first (its provenance history)."""
        rows = self._rows(
            "SELECT pipeline_version, processed_at, summary FROM versions WHERE sha256=? ORDER BY id",
            (sha256,),
        )
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
        rows = self._rows(
            "SELECT 1 AS one FROM drops WHERE bucket=? AND object_key=? AND fingerprint=?"
            " AND disposition NOT LIKE 'processed/%'",
            (bucket, key, fingerprint),
        )
        return bool(rows)

    def add_drop(self, sha256: str, bucket: str, obj: BucketObject, disposition: str) -> None:
        """Record that ``obj`` was found in ``bucket`` and stored as ``sha256``."""
        self._one(
            "INSERT INTO drops (sha256, bucket, object_key, fingerprint, size, received_at, disposition,"
            " pipeline_version) VALUES (?,?,?,?,?,?,?,?)",
            (sha256, bucket, obj.key, obj.fingerprint, obj.size, now_iso(), disposition, PIPELINE_VERSION),
        )

    def set_drop_disposition(self, bucket: str, key: str, fingerprint: str, disposition: str) -> None:
        """Update where a drop went after intake (e.g. ``processed/<key>``)."""
        self._one(
            "UPDATE drops SET disposition=? WHERE bucket=? AND object_key=? AND fingerprint=?",
            (disposition, bucket, key, fingerprint),
        )

    def drops(self, sha256: str | None = None) -> list[dict[str, Any]]:
        """Drops (of one document, or all), oldest first."""
        where = " WHERE sha256=?" if sha256 else ""
        return self._rows(f"SELECT * FROM drops{where} ORDER BY id", (sha256,) if sha256 else ())

    # runs
    def start_run(self, run_id: str, flow: str) -> None:
        """Record that a flow run started."""
        self._one(
            "INSERT INTO runs (id, flow, started, status) VALUES (?,?,?,?) ON CONFLICT (id) DO UPDATE"
            " SET flow=excluded.flow, started=excluded.started, status=excluded.status,"
            " finished=NULL, summary=NULL",
            (run_id, flow, now_iso(), "running"),
        )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        """Record how a flow run ended, with its counts."""
        self._one(
            "UPDATE runs SET finished=?, status=?, summary=? WHERE id=?",
            (now_iso(), status, json.dumps(summary), run_id),
        )

    def last_runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The most recent runs, newest first."""
        rows = self._rows("SELECT * FROM runs ORDER BY started DESC LIMIT ?", (limit,))
        return [{**r, "summary": json.loads(r["summary"]) if r["summary"] else None} for r in rows]

    def mark_crashed(self, flow: str) -> list[str]:
        """Runs of ``flow`` still "running" become "crashed"; their ids. Call only when no run of
        ``flow`` can be alive (e.g. while holding the data directory's watch lock)."""
        rows = self._rows(
            "UPDATE runs SET status='crashed', finished=? WHERE flow=? AND status='running' RETURNING id",
            (now_iso(), flow),
        )
        return sorted(r["id"] for r in rows)

    # objects of the bucket that are not taken in (symlinks, sockets, unreadable files, ...)
    def sync_skipped(self, bucket: str, skipped: dict[str, str], present: set[str]) -> list[str]:
        """After listing ``bucket``: ``skipped`` (key -> reason) are the objects the listing refuses,
        ``present`` the keys it takes. Rows of objects that are gone are dropped; returns the keys
        newly skipped (to be reported once)."""
        with self._connect() as db:
            rows = self._run(
                db, "SELECT object_key, reason FROM skipped WHERE bucket=?", (bucket,)
            ).fetchall()
            known = {r["object_key"]: r["reason"] for r in rows}
            for key in set(known) - set(skipped) - present:
                self._run(db, "DELETE FROM skipped WHERE bucket=? AND object_key=?", (bucket, key))
            new = [k for k, reason in skipped.items() if known.get(k) != reason]
            for key in new:
                self._run(db, _SKIPPED_UPSERT, (bucket, key, "", skipped[key], now_iso()))
        return new

    def add_skipped(self, bucket: str, key: str, fingerprint: str, reason: str) -> bool:
        """Record that this version of an object cannot be taken in; False if already recorded."""
        with self._connect() as db:
            row = self._run(
                db, "SELECT fingerprint, reason FROM skipped WHERE bucket=? AND object_key=?", (bucket, key)
            ).fetchone()
            if row and (row["fingerprint"], row["reason"]) == (fingerprint, reason):
                return False
            self._run(db, _SKIPPED_UPSERT, (bucket, key, fingerprint, reason, now_iso()))
        return True

    def clear_skipped(self, bucket: str, key: str) -> None:
        """The object was taken in after all."""
        self._one("DELETE FROM skipped WHERE bucket=? AND object_key=?", (bucket, key))

    def skipped_versions(self, bucket: str) -> dict[str, str]:
        """Key -> fingerprint of the skipped objects of ``bucket`` (not retried until they change)."""
        rows = self._rows("SELECT object_key, fingerprint FROM skipped WHERE bucket=?", (bucket,))
        return {r["object_key"]: r["fingerprint"] for r in rows}

    def skipped(self) -> list[dict[str, Any]]:
        """Every skipped object: bucket, object_key, reason, first_seen."""
        return self._rows("SELECT * FROM skipped ORDER BY first_seen, object_key")

    # fixity
    def record_integrity_failure(self, sha256: str, problem: str) -> bool:
        """An original that is missing or no longer hashes to its name; False if already recorded."""
        _, count = self._one(
            "INSERT INTO integrity (sha256, problem, detected) VALUES (?,?,?) ON CONFLICT DO NOTHING",
            (sha256, problem, now_iso()),
        )
        return bool(count == 1)

    def clear_integrity_failure(self, sha256: str) -> bool:
        """The original verifies again (repaired); False if none was recorded."""
        return bool(self._one("DELETE FROM integrity WHERE sha256=?", (sha256,))[1] == 1)

    def integrity_failures(self) -> list[dict[str, Any]]:
        """Every original known to fail its check: sha256, problem, detected."""
        return self._rows("SELECT * FROM integrity ORDER BY detected, sha256")

    # corrections (append-only: the table refuses UPDATE and DELETE)
    def add_correction(self, sha256: str, record: dict[str, Any]) -> dict[str, Any]:
        """Append a correction as the document's next version; returns the record with its version."""
        for _ in range(_VERSION_TRIES):
            try:
                with self._connect() as db:
                    row = self._run(
                        db, "SELECT COALESCE(MAX(version), 0) AS v FROM corrections WHERE sha256=?", (sha256,)
                    ).fetchone()
                    stored = {**record, "sha256": sha256, "version": int(row["v"] if row else 0) + 1}
                    self._run(
                        db,
                        "INSERT INTO corrections (sha256, version, at, record) VALUES (?,?,?,?)",
                        (sha256, stored["version"], stored.get("at") or now_iso(), json.dumps(stored)),
                    )
                return stored
            except self.DUPLICATE:
                continue  # another process took this version number: take the next one
        raise StorageError("the corrections table is too busy to number a new correction; retry.")

    def corrections(self, sha256: str | None = None) -> list[dict[str, Any]]:
        """Corrections (of one document, or all), in version order."""
        where = " WHERE sha256=?" if sha256 else ""
        rows = self._rows(
            f"SELECT record FROM corrections{where} ORDER BY sha256, version", (sha256,) if sha256 else ()
        )
        return [json.loads(r["record"]) for r in rows]

    def corrected_documents(self) -> list[str]:
        """sha256s of the documents that have corrections."""
        return [r["sha256"] for r in self._rows("SELECT DISTINCT sha256 FROM corrections ORDER BY sha256")]
