"""The state store: documents and their states, drops (one per object seen in the bucket),
processing versions (provenance) and flow runs.

:class:`StateStore` is the interface the rest of the application uses; :func:`open_state` picks the
backend for the settings: :class:`SqliteStateStore`, the embedded one (``data_dir/athar.db``), or
:class:`app.state_pg.PostgresStateStore`, the one shared by many machines
(``ATHAR_STATE_URL=postgresql://…``). Both run the same queries (:mod:`app.state_sql`, where claims
and leases are described); each backend holds only its schema, its connections and its dialect.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from app.state_schema import (
    INDEXED,
    LEASE_LOST,
    PROCESSING,
    QUARANTINED,
    RECEIVED,
    STATES,
    DocumentState,
    now_iso,
    schema,
)
from app.state_sql import SqlStateStore
from athar.errors import StorageError
from athar.private import private_dir
from athar.settings import Settings

__all__ = [
    "INDEXED",
    "LEASE_LOST",
    "PROCESSING",
    "QUARANTINED",
    "RECEIVED",
    "STATES",
    "DocumentState",
    "SqliteStateStore",
    "StateStore",
    "now_iso",
    "open_state",
    "worker_name",
]

_SCHEMA_READY: set[str] = set()  # databases whose tables this process created or found
_SCHEMA = schema(
    big="INTEGER",
    real="REAL",
    serial="INTEGER PRIMARY KEY AUTOINCREMENT",
    append_only="""
CREATE TRIGGER IF NOT EXISTS corrections_no_update BEFORE UPDATE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
CREATE TRIGGER IF NOT EXISTS corrections_no_delete BEFORE DELETE ON corrections
BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;""",
)


class SqliteStateStore(SqlStateStore):
    """SQLite store of documents, drops, processing versions and runs. Safe across processes and threads.

    Each thread that uses a store gets its own connection, opened on first use and kept for the
    life of the store (SQLite connections must not be shared between threads); every method is
    one transaction, committed before it returns.
    """

    NOW = "((julianday('now') - 2440587.5) * 86400.0)"  # epoch seconds, to the millisecond
    DUPLICATE = sqlite3.IntegrityError

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


# What the application asks of a state store: every backend is a SqlStateStore (same queries).
StateStore = SqlStateStore

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
