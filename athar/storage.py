"""The watched bucket, the content-addressed originals store and the state store.

* :class:`Bucket` — an fsspec URL (``./inbox`` or ``s3://bucket/prefix``) listed for new objects.
* :func:`store_original` — copies bytes into ``data_dir/originals/ab/cd/<sha256>``: write-once,
  verified by re-reading, read-only mode. Object names are kept as data, never used as local paths.
* :class:`StateStore` — SQLite (``data_dir/athar.db``): documents and their states, drops (one
  per object seen in the bucket), processing versions (provenance) and flow runs.
* :func:`intake` — one object: store the original, record the drop, and only then let it leave
  the inbox (``after_intake="move"`` to ``processed/``, or ``"keep"`` and remember key + etag).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from athar import PIPELINE_VERSION
from athar.errors import ConfigurationError, PermanentError, StorageError
from athar.log import short
from athar.settings import Settings

log = logging.getLogger(__name__)

PROCESSED_PREFIX = "processed"
CHUNK = 1024 * 1024

RECEIVED = "received"
PROCESSING = "processing"
INDEXED = "indexed"
QUARANTINED = "quarantined"
STATES = (RECEIVED, PROCESSING, INDEXED, QUARANTINED)


class OriginalCorruptedError(PermanentError):
    """The stored copy does not hash to its name: the disk or the copy is faulty."""

    code = "original_corrupted"


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------- bucket


@dataclass(frozen=True)
class BucketObject:
    """One object in the watched bucket; ``key`` is relative to the bucket root (data, not a path)."""

    key: str
    size: int
    fingerprint: str  # etag (S3) or size+mtime (local): changes when the object is replaced


class Bucket:
    """An fsspec-backed watched bucket."""

    def __init__(self, url: str, settings: Settings) -> None:
        import fsspec

        self.url = url
        self.is_local = not url.startswith("s3://")
        if url.startswith("s3://"):
            client_kwargs: dict[str, Any] = {}
            if settings.s3_endpoint:
                client_kwargs["endpoint_url"] = settings.s3_endpoint
            if settings.s3_region:
                client_kwargs["region_name"] = settings.s3_region
            options: dict[str, Any] = {"client_kwargs": client_kwargs}
            if settings.s3_key or settings.s3_secret:
                options["key"] = settings.s3_key
                options["secret"] = settings.s3_secret
            self.fs = fsspec.filesystem("s3", **options)
            self.root = url[len("s3://") :].rstrip("/")
        elif "://" in url and not url.startswith("file://"):
            raise ConfigurationError(f"bucket URL {url!r}: use a local folder or s3://bucket/prefix.")
        else:
            local = url[len("file://") :] if url.startswith("file://") else url
            path = Path(local).expanduser().resolve()
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigurationError(
                    f"inbox folder {local!r} cannot be created ({exc.strerror})."
                ) from None
            self.fs = fsspec.filesystem("file")
            self.root = str(path)

    def _full(self, key: str) -> str:
        return f"{self.root}/{key}"

    def list_objects(self) -> list[BucketObject]:
        """Every object under the bucket root, except ``processed/`` and hidden/partial files."""
        try:
            self.fs.invalidate_cache()
            found = self.fs.find(self.root, detail=True)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StorageError(
                f"cannot list the bucket {self.url} ({exc}); check it exists and is reachable."
            ) from None
        objects = []
        prefix = self.root.rstrip("/") + "/"
        for full, info in sorted(found.items()):
            if info.get("type") == "directory":
                continue
            key = full[len(prefix) :] if full.startswith(prefix) else full
            parts = key.split("/")
            if parts[0] == PROCESSED_PREFIX or any(p.startswith(".") for p in parts):
                continue
            if key.endswith((".part", ".tmp", ".crdownload")):
                continue
            etag = info.get("ETag") or info.get("etag")
            mtime = info.get("mtime") or info.get("LastModified") or info.get("created")
            fingerprint = str(etag).strip('"') if etag else f"{info.get('size')}:{mtime}"
            objects.append(BucketObject(key=key, size=int(info.get("size") or 0), fingerprint=fingerprint))
        return objects

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[IO[bytes]]:
        """Read one object as a binary stream."""
        try:
            with self.fs.open(self._full(key), "rb") as handle:
                yield handle
        except FileNotFoundError:
            raise StorageError(
                f"object vanished from the bucket before intake (key sha {_key_id(key)})."
            ) from None

    def move_to_processed(self, key: str, sha256: str) -> str:
        """Move an object to ``processed/<key>`` (suffixed with the sha256 if that name is taken)."""
        target = f"{PROCESSED_PREFIX}/{key}"
        if self.fs.exists(self._full(target)):
            target = f"{PROCESSED_PREFIX}/{key}.{sha256[:12]}"
        try:
            self._make_parent(target)
            self.fs.mv(self._full(key), self._full(target))
        except OSError as exc:
            raise StorageError(
                f"could not move a stored object to processed/ ({exc}); it stays in the inbox."
            ) from None
        return target

    def _make_parent(self, key: str) -> None:
        if self.is_local:
            self.fs.makedirs(self._full(key).rsplit("/", 1)[0], exist_ok=True)

    def put(self, key: str, data: bytes) -> None:
        """Write an object (used by tests and the benchmark to drop files)."""
        self._make_parent(key)
        self.fs.pipe_file(self._full(key), data)


def _key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def open_bucket(settings: Settings, url: str | None = None) -> Bucket:
    """The watched bucket from ``url`` or ``settings.inbox``."""
    return Bucket(url or settings.inbox, settings)


# ------------------------------------------------------------ originals store


def original_path(settings: Settings, sha256: str) -> Path:
    """Where the original with this sha256 lives: ``originals/ab/cd/<sha256>``."""
    return settings.originals_dir / sha256[:2] / sha256[2:4] / sha256


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_original(stream: IO[bytes], settings: Settings) -> tuple[str, Path, bool]:
    """Copy a stream into the originals store; returns (sha256, path, newly_stored).

    Write-once: existing content is never rewritten. The new copy is verified by
    re-reading it before it is renamed into place, and made read-only.
    """
    settings.originals_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=settings.originals_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        final = original_path(settings, sha256)
        if final.exists():
            verify_original(settings, sha256)
            return sha256, final, False
        if sha256_file(tmp) != sha256:
            raise StorageError("the copy of an original did not verify; retrying the intake.")
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)
        os.replace(tmp, final)
        return sha256, final, True
    finally:
        tmp.unlink(missing_ok=True)


def verify_original(settings: Settings, sha256: str) -> Path:
    """Re-hash a stored original; raises if it is missing or altered."""
    path = original_path(settings, sha256)
    if not path.exists():
        raise OriginalCorruptedError(f"original {short(sha256)} is missing from {settings.originals_dir}.")
    if sha256_file(path) != sha256:
        raise OriginalCorruptedError(
            f"original {short(sha256)} no longer matches its sha256; restore it from a backup."
        )
    return path


# ---------------------------------------------------------------- state store

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
    updated TEXT NOT NULL
);
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


class StateStore:
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
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
        _SCHEMA_READY.add(key)

    @classmethod
    def for_settings(cls, settings: Settings) -> StateStore:
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
        self, sha256: str, state: str, *, code: str | None = None, message: str | None = None
    ) -> None:
        """Move a document to ``state``; ``code``/``message`` explain a quarantine."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        with self._connect() as db:
            db.execute(
                "UPDATE documents SET state=?, code=?, message=?, updated=? WHERE sha256=?",
                (state, code, message, now_iso(), sha256),
            )

    def record_result(self, sha256: str, summary: dict[str, Any]) -> None:
        """Mark a document indexed and keep this processing version in its provenance."""
        stamp = now_iso()
        with self._connect() as db:
            db.execute(
                "UPDATE documents SET state=?, code=NULL, message=NULL, pipeline_version=?, pages=?,"
                " mean_confidence=?, persons=?, updated=? WHERE sha256=?",
                (
                    INDEXED,
                    summary.get("pipeline_version", PIPELINE_VERSION),
                    summary.get("pages"),
                    summary.get("mean_confidence"),
                    summary.get("persons"),
                    stamp,
                    sha256,
                ),
            )
            db.execute(
                "INSERT INTO versions (sha256, pipeline_version, processed_at, summary) VALUES (?,?,?,?)",
                (sha256, summary.get("pipeline_version", PIPELINE_VERSION), stamp, json.dumps(summary)),
            )

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


# --------------------------------------------------------------------- intake


@dataclass(frozen=True)
class IntakeResult:
    """What happened to one bucket object: stored as ``sha256``; ``new`` if first time this content."""

    sha256: str
    path: str
    new: bool
    key: str
    disposition: str


def new_objects(bucket: Bucket, state: StateStore) -> list[BucketObject]:
    """Objects not yet taken in (in "move" mode everything outside processed/ is new)."""
    return [o for o in bucket.list_objects() if not state.seen(bucket.url, o.key, o.fingerprint)]


def intake(bucket: Bucket, obj: BucketObject, state: StateStore, settings: Settings) -> IntakeResult:
    """Store one object as an original, record the drop, then move or keep it per ``after_intake``."""
    started = time.monotonic()
    with bucket.open(obj.key) as stream:
        sha256, path, newly_stored = store_original(stream, settings)
    new_document = state.add_document(sha256, path.stat().st_size)
    disposition = "kept"
    state.add_drop(sha256, bucket.url, obj, disposition)
    if settings.after_intake == "move":
        try:
            disposition = bucket.move_to_processed(obj.key, sha256)
        except StorageError as exc:
            # the original is safe in the store and the drop is remembered: the object just stays
            disposition = "kept (move failed)"
            log.warning("intake %s: [%s] object left in the inbox", short(sha256), exc.code)
        state.set_drop_disposition(bucket.url, obj.key, obj.fingerprint, disposition)
    log.info(
        "intake %s: %s document, %d bytes, stored=%s, %.2fs",
        short(sha256),
        "new" if new_document else "known",
        obj.size,
        newly_stored,
        time.monotonic() - started,
    )
    return IntakeResult(sha256=sha256, path=str(path), new=new_document, key=obj.key, disposition=disposition)


def intake_all(bucket: Bucket, state: StateStore, settings: Settings) -> list[IntakeResult]:
    """Take in every new object of the bucket; an object that fails stays in the inbox for next time."""
    results = []
    for obj in new_objects(bucket, state):
        try:
            results.append(intake(bucket, obj, state, settings))
        except StorageError as exc:
            log.warning("intake of object %s postponed: [%s]", _key_id(obj.key), exc.code)
    return results
