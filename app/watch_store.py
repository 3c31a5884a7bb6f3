"""The saved searches' store: families' saved person searches and their watch list (all their SQL).

Searches are never deleted: a removed one is marked and kept, with its matches, as history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app.dossier_store import SqliteTables, now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    by TEXT NOT NULL,
    created TEXT NOT NULL,
    notify TEXT,
    removed TEXT
);
CREATE TABLE IF NOT EXISTS watch_hits (
    search TEXT NOT NULL,
    person TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    hit TEXT NOT NULL,
    found_at TEXT NOT NULL,
    PRIMARY KEY (search, person)
) WITHOUT ROWID;
"""


class WatchStore(SqliteTables):
    """Saved searches and their matches in the SQLite state database."""

    schema = _SCHEMA

    def add_search(self, search_id: str, query: dict[str, Any], by: str, notify: str | None) -> str:
        """Keep a saved search; returns when it was saved."""
        stamp = now_iso()
        with self._db() as db:
            db.execute(
                "INSERT INTO saved_searches (id, query, by, created, notify) VALUES (?,?,?,?,?)",
                (search_id, json.dumps(query, ensure_ascii=False), by, stamp, notify),
            )
        return stamp

    def searches(self) -> list[dict[str, Any]]:
        """The saved searches in force (removed ones are kept, marked, and not listed)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT * FROM saved_searches WHERE removed IS NULL ORDER BY created"
            ).fetchall()
        return [{**dict(r), "query": json.loads(r["query"])} for r in rows]

    def remove_search(self, search_id: str) -> bool:
        """Stop re-running a saved search (its row and hits stay as history)."""
        with self._db() as db:
            cur = db.execute(
                "UPDATE saved_searches SET removed=? WHERE id=? AND removed IS NULL", (now_iso(), search_id)
            )
            return cur.rowcount == 1

    def add_hits(self, search_id: str, hits: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Record hits of a saved search; returns those not seen before."""
        new = []
        stamp = now_iso()
        with self._db() as db:
            for hit in hits:
                cur = db.execute(
                    "INSERT OR IGNORE INTO watch_hits (search, person, sha256, page, hit, found_at)"
                    " VALUES (?,?,?,?,?,?)",
                    (
                        search_id,
                        hit["id"],
                        hit["sha256"],
                        hit["page"],
                        json.dumps(hit, ensure_ascii=False),
                        stamp,
                    ),
                )
                if cur.rowcount == 1:
                    new.append({**hit, "found_at": stamp})
        return new

    def hits(self, search_id: str | None = None) -> list[dict[str, Any]]:
        """The watch list: hits of saved searches in force, newest first."""
        query = (
            "SELECT h.search, h.hit, h.found_at FROM watch_hits h JOIN saved_searches s ON s.id = h.search"
            " WHERE s.removed IS NULL"
            + (" AND h.search=?" if search_id else "")
            + " ORDER BY h.found_at DESC"
        )
        with self._db() as db:
            rows = db.execute(query, (search_id,) if search_id else ()).fetchall()
        return [{**json.loads(r["hit"]), "search": r["search"], "found_at": r["found_at"]} for r in rows]
