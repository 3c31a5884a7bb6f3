"""The PostgreSQL backend of the state store, shared by workers on many machines (``ATHAR_STATE_URL``).

The same tables, queries and semantics as :class:`app.state.SqliteStateStore` (:mod:`app.state_sql`).
Claims pick rows with ``FOR UPDATE SKIP LOCKED`` (two claimers never wait for, nor take, the same
document) and leases are timed by the database's clock, so workers' clocks need not agree.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.state_schema import schema
from app.state_sql import SqlStateStore
from athar.errors import StorageError

if TYPE_CHECKING:
    import psycopg

_SCHEMA = schema(
    big="BIGINT",
    real="DOUBLE PRECISION",
    serial="BIGSERIAL PRIMARY KEY",
    append_only="""
CREATE OR REPLACE FUNCTION athar_corrections_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'corrections are append-only'; END $$;
DROP TRIGGER IF EXISTS corrections_append_only ON corrections;
CREATE TRIGGER corrections_append_only BEFORE UPDATE OR DELETE ON corrections
FOR EACH ROW EXECUTE FUNCTION athar_corrections_append_only();""",
)
_SCHEMA_LOCK = 72_616_872  # pg_advisory_xact_lock key: one process creates the tables at a time


@functools.lru_cache(maxsize=256)
def _pyformat(query: str) -> str:
    """A ``?``-style query in psycopg's style: ``%`` doubled, each ``?`` a ``%s``."""
    return query.replace("%", "%%").replace("?", "%s")


def _unique_violation() -> type[Exception]:
    import psycopg

    return psycopg.errors.UniqueViolation


class PostgresStateStore(SqlStateStore):
    """State store on PostgreSQL; one connection per thread, every method one transaction."""

    NOW = "extract(epoch from clock_timestamp())"
    LOCK_ROWS = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self.DUPLICATE = _unique_violation()  # psycopg is imported only when PostgreSQL is used
        with self._connect() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            db.execute(_SCHEMA)

    def _sql(self, query: str) -> str:
        return _pyformat(query)

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
