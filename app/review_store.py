"""The word review queue's store: every low-confidence word of every indexed document, ranked.

Every SQL statement about the correction review queue lives here. The queue is kept up to date as
documents are analysed (processing, reprocessing, a correction: :func:`app.corrections.refresh_review`),
one document's rows replaced at a time, so listing a page of the queue is one indexed query however
many documents there are: ``ORDER BY priority, conf`` over ``review_words_rank``. Documents indexed
before the queue existed are scanned once, a few per request, until none is left (``backfilled``).

The rows live in the SQLite state database (``data_dir/athar.db``) beside the dossier store.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from athar.errors import StorageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_words (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    word INTEGER NOT NULL,
    text TEXT NOT NULL,
    conf REAL NOT NULL,
    x0 INTEGER NOT NULL, y0 INTEGER NOT NULL, x1 INTEGER NOT NULL, y1 INTEGER NOT NULL,
    role TEXT NOT NULL,
    priority INTEGER NOT NULL,
    width INTEGER, height INTEGER,
    PRIMARY KEY (sha256, page, word)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS review_words_rank ON review_words(priority, conf, sha256, page, word);
CREATE TABLE IF NOT EXISTS review_scanned (
    sha256 TEXT PRIMARY KEY,
    scanned_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS review_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""
_COLUMNS = 13  # sha256, page, word, text, conf, x0, y0, x1, y1, role, priority, width, height
_READY: set[str] = set()
_LOCAL = threading.local()  # one connection per thread and file
PAGE_SQL = "SELECT * FROM review_words ORDER BY priority, conf, sha256, page, word LIMIT ? OFFSET ?"


class ReviewStore:
    """The queue's tables in one SQLite file; each method is one short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection to the file (kept: closing the last one checkpoints the WAL)."""
        key = str(self.path)
        found: sqlite3.Connection | None = getattr(_LOCAL, key, None)
        if found is None:
            try:
                found = sqlite3.connect(self.path, timeout=30)
            except sqlite3.Error as exc:
                raise StorageError(f"cannot open {self.path}: {exc}") from None
            found.row_factory = sqlite3.Row
            found.execute("PRAGMA journal_mode=WAL")  # as the state store sets it
            found.execute("PRAGMA synchronous=NORMAL")
            if key not in _READY:
                found.executescript(_SCHEMA)
                _READY.add(key)
            setattr(_LOCAL, key, found)
        return found

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        try:
            with db:
                yield db
        except sqlite3.Error as exc:
            raise StorageError(f"review queue store: {exc}") from None

    def replace(self, sha256: str, rows: Iterable[dict[str, Any]]) -> int:
        """Replace one document's rows (its words to review now) and mark it scanned."""
        values = [
            (sha256, r["page"], r["word"], r["text"], r["conf"], *r["bbox"], r["role"], r["priority"],
             r.get("width"), r.get("height"))
            for r in rows
        ]  # fmt: skip
        with self._db() as db:
            db.execute("DELETE FROM review_words WHERE sha256=?", (sha256,))
            db.executemany(f"INSERT INTO review_words VALUES ({','.join('?' * _COLUMNS)})", values)
            db.execute(
                "INSERT OR REPLACE INTO review_scanned (sha256, scanned_at) VALUES (?, ?)",
                (sha256, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        return len(values)

    def forget(self, shas: Iterable[str]) -> None:
        """Drop documents from the queue (no longer indexed)."""
        with self._db() as db:
            for sha in shas:
                db.execute("DELETE FROM review_words WHERE sha256=?", (sha,))
                db.execute("DELETE FROM review_scanned WHERE sha256=?", (sha,))

    def page(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        """One page of the queue, most important first (priority, then the lowest confidence)."""
        with self._db() as db:
            rows = db.execute(PAGE_SQL, (limit, offset)).fetchall()
        return [
            {"sha256": r["sha256"], "page": r["page"], "word": r["word"], "text": r["text"],
             "conf": r["conf"], "bbox": [r["x0"], r["y0"], r["x1"], r["y1"]], "role": r["role"],
             "priority": r["priority"], "width": r["width"], "height": r["height"]}
            for r in rows
        ]  # fmt: skip

    def count(self) -> int:
        """Words in the queue."""
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM review_words").fetchone()[0])

    def scanned(self) -> set[str]:
        """Documents whose words are in the queue (scanned at least once)."""
        with self._db() as db:
            return {r[0] for r in db.execute("SELECT sha256 FROM review_scanned")}

    def flag(self, key: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM review_meta WHERE key=?", (key,)).fetchone() is not None

    def set_flag(self, key: str, on: bool = True) -> None:
        with self._db() as db:
            if on:
                db.execute("INSERT OR REPLACE INTO review_meta (key, value) VALUES (?, '1')", (key,))
            else:
                db.execute("DELETE FROM review_meta WHERE key=?", (key,))
