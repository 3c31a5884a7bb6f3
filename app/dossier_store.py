"""The dossier store: linked mentions, blocking keys, scored pairs, joins and judgements.

Every SQL statement about dossiers lives in this module (the documents' states live in
:mod:`app.state`, saved searches in :mod:`app.watch_store`). :class:`DossierStore` implements
:class:`link.engine.LinkStore` on SQLite in the state database (``data_dir/athar.db``), so a
PostgreSQL backend is one more class here.

Judgements are **append-only** history (who, when, verdict) and name their mentions twice: by id
and by a *signature* (document, page and normalised name), so a judgement survives the document's
reprocessing (new spans give new mention ids) and any re-linking: nothing ever deletes one.

Linking reads only what it scores: ``link_blocks`` holds, under each blocking key, its mentions
*with their scoring features* (one short text, :mod:`link.features`), so a new mention's candidates
are a few contiguous index ranges, never the mentions' JSON. A key shared by more than
:data:`link.blocking.MAX_BLOCK` mentions is a stop-word: it moves to ``link_common`` and its rows go
(it is skipped for good, even if reprocessing later shrinks it). A mention forgotten because its document was
reprocessed leaves its *anchor* in ``link_retired``; the mention that replaces it (same document and
page, same name) takes it over, so dossier ids do not change on reprocessing (:mod:`link.engine`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from athar.arabic import normalize_arabic
from athar.errors import StorageError
from link.blocking import keys_of
from link.cluster import Join, Judgement, pair_id, pair_key
from link.engine import Linked
from link.features import Features, decode, encode, features
from link.mention import PersonMention
from link.names import rasm, units
from link.score import LINK, PairScore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS link_mentions (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    signature TEXT NOT NULL,
    dossier TEXT NOT NULL,
    data TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    features TEXT NOT NULL DEFAULT '',
    anchor TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS link_mentions_sha ON link_mentions(sha256);
CREATE INDEX IF NOT EXISTS link_mentions_dossier ON link_mentions(dossier);
CREATE INDEX IF NOT EXISTS link_mentions_signature ON link_mentions(signature);
CREATE TABLE IF NOT EXISTS link_blocks (
    key TEXT NOT NULL,
    mention TEXT NOT NULL,
    features TEXT NOT NULL,
    PRIMARY KEY (key, mention)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_common (
    key TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_pairs (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    pair TEXT NOT NULL,
    decision TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_pairs_b ON link_pairs(b);
CREATE INDEX IF NOT EXISTS link_pairs_pair ON link_pairs(pair);
CREATE TABLE IF NOT EXISTS link_joins (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    dossier TEXT NOT NULL,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_joins_dossier ON link_joins(dossier);
CREATE TABLE IF NOT EXISTS judgements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    a_signature TEXT NOT NULL,
    b_signature TEXT NOT NULL,
    verdict TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS judgements_a ON judgements(a_signature);
CREATE INDEX IF NOT EXISTS judgements_b ON judgements(b_signature);
CREATE TABLE IF NOT EXISTS link_retired (
    anchor TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    signature TEXT NOT NULL,
    shape TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS link_retired_sha ON link_retired(sha256);
"""
# Columns added after the first release: (table, column, definition). Added in place on open.
_ADDED = (
    ("link_mentions", "features", "TEXT NOT NULL DEFAULT ''"),
    ("link_mentions", "anchor", "TEXT NOT NULL DEFAULT ''"),
)
_READY: set[str] = set()
_IN_CHUNK = 500  # ids per IN (...) list: SQLite's default limit on host parameters is 32766


def now_iso() -> str:
    """Current UTC time, ISO 8601 with microseconds (judgements in one second keep their order)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def signature(m: PersonMention) -> str:
    """What identifies a mention across reprocessing: document, page and normalised name."""
    return f"{m.sha256}:{m.page}:{normalize_arabic(m.name)}"


def shape(m: PersonMention) -> str:
    """A mention's name without dots, articles or spacing: the same name re-read with a dot
    corrected keeps its shape (what a reprocessed mention is matched on when its signature moved)."""
    return " ".join(rasm(u) for u in units(m.name))


def _page_shape(m: PersonMention) -> str:
    return f"{m.sha256}:{m.page}:{shape(m)}"


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for i in ids:
        batch.append(i)
        if len(batch) >= _IN_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


# Decoded mentions, keyed by their stored JSON text (never stale: a reprocessed mention under the
# same id has new text). Linking no longer reads mentions (it reads features); pages and the review
# queue do, a dossier's members at a time.
_DECODED_MENTIONS = 1024


@lru_cache(maxsize=_DECODED_MENTIONS)
def _decode(data: str) -> PersonMention:
    return PersonMention.from_json(json.loads(data))


def _marks(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items))


class SqliteTables:
    """Tables in the SQLite state database. One connection per thread; every method is one transaction."""

    schema = ""
    cache_kib = 2000  # SQLite's page cache per connection (its default)

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        key = f"{path}:{type(self).__name__}"
        if key not in _READY or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.executescript(self.schema)
                self._migrate(db)
            _READY.add(key)

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Bring a database made by an earlier release up to the schema (in the opening transaction)."""

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"PRAGMA cache_size=-{self.cache_kib}")
            self._local.db = db
        return db

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._connection()
            if getattr(self._local, "depth", 0):  # inside bulk(): its end commits
                yield db
                return
            with db:
                yield db
        except sqlite3.OperationalError as exc:
            self.close()
            raise StorageError(f"dossier store {self.path} is busy or unreadable ({exc}); retry.") from None

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """One transaction for every call made inside (this thread's): linking many documents commits
        once, not once per document. On an error nothing inside is kept (linking is redone: idempotent)."""
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        ok = False
        try:
            yield
            ok = True
        finally:
            self._local.depth = depth
            db = getattr(self._local, "db", None)
            if depth == 0 and db is not None:
                try:
                    if ok:
                        db.commit()
                    else:
                        db.rollback()
                except sqlite3.OperationalError as exc:
                    self.close()
                    raise StorageError(f"dossier store {self.path} is busy ({exc}); retry.") from None

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()


class DossierStore(SqliteTables):
    """Mentions, keys, pairs, joins and judgements in SQLite (:class:`link.engine.LinkStore`)."""

    schema = _SCHEMA
    cache_kib = 16384  # linking reads blocks all over the store and writes many small rows: a fixed 16 MiB

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.assigned: dict[str, str] = {}  # mention -> dossier written since the caller last took them

    @classmethod
    def sqlite(cls, path: Path) -> DossierStore:
        """The store in the SQLite database at ``path``."""
        return cls(path)

    def _migrate(self, db: sqlite3.Connection) -> None:
        for table, column, definition in _ADDED:
            have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        rows = db.execute("SELECT id, data FROM link_mentions WHERE features = ''").fetchall()
        db.executemany(
            "UPDATE link_mentions SET features=? WHERE id=?",
            [(encode(features(PersonMention.from_json(json.loads(data)))), i) for i, data in rows],
        )
        old = db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='link_keys'").fetchone()
        if old is not None:  # blocking keys without features (before link_blocks): rebuilt from the mentions
            db.execute("DROP TABLE link_keys")
            rows = db.execute("SELECT id, features FROM link_mentions").fetchall()
            db.executemany(
                "INSERT OR IGNORE INTO link_blocks (key, mention, features) VALUES (?,?,?)",
                [(k, i, text) for i, text in rows for k in keys_of(decode(i, text))],
            )

    # ---------------------------------------------------------------- LinkStore
    def candidates(
        self, keys: Sequence[str], limit: int
    ) -> tuple[dict[str, list[str] | None], dict[str, Features]]:
        out: dict[str, list[str] | None] = {k: [] for k in keys}
        found: dict[str, Features] = {}
        rows: dict[str, list[tuple[str, str]]] = {}
        with self._db() as db:
            cur = db.cursor()
            cur.row_factory = None
            for batch in _chunks(keys):
                marks = _marks(batch)
                for (key,) in cur.execute(f"SELECT key FROM link_common WHERE key IN ({marks})", batch):
                    out[key] = None
                query = f"SELECT key, mention, features FROM link_blocks WHERE key IN ({marks})"
                for key, mention, text in cur.execute(query, batch):
                    rows.setdefault(key, []).append((mention, text))
            common = [k for k, members in rows.items() if len(members) > limit]
            if common:  # a stop-word from now on: remembered, and its rows dropped
                db.executemany("INSERT OR IGNORE INTO link_common (key) VALUES (?)", [(k,) for k in common])
                db.executemany("DELETE FROM link_blocks WHERE key=?", [(k,) for k in common])
        for key, members in rows.items():
            if len(members) > limit:
                out[key] = None
                continue
            ids = out[key]
            assert ids is not None
            for mention, text in members:
                ids.append(mention)
                if mention not in found:
                    found[mention] = decode(mention, text)
        return out, found

    def features(self, ids: Iterable[str]) -> dict[str, Features]:
        out: dict[str, Features] = {}
        with self._db() as db:
            for batch in _chunks(ids):
                query = f"SELECT id, features FROM link_mentions WHERE id IN ({_marks(batch)})"
                for mention, text in db.execute(query, batch):
                    out[mention] = decode(mention, text)
        return out

    def mentions(self, ids: Iterable[str]) -> dict[str, PersonMention]:
        """The stored mentions with these ids (for pages and the review queue; linking reads features)."""
        out: dict[str, PersonMention] = {}
        with self._db() as db:
            for batch in _chunks(ids):
                query = f"SELECT id, data FROM link_mentions WHERE id IN ({_marks(batch)})"
                for row in db.execute(query, batch):
                    out[row[0]] = _decode(row[1])
        return out

    def anchors(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._db() as db:
            for batch in _chunks(ids):
                query = f"SELECT id, anchor FROM link_mentions WHERE id IN ({_marks(batch)})"
                out.update((i, a) for i, a in db.execute(query, batch) if a)
            retired = []
            for batch in _chunks(sorted({m.sha256 for m in new})):
                query = (
                    "SELECT anchor, sha256, page, signature, shape FROM link_retired"
                    f" WHERE sha256 IN ({_marks(batch)}) ORDER BY sha256, page, start"
                )
                retired += db.execute(query, batch).fetchall()
        if not retired:
            return out
        waiting = sorted((m for m in new if m.id not in out), key=lambda m: (m.sha256, m.page, m.start))
        taken: set[str] = set()
        by_signature: dict[str, list[str]] = {}
        by_shape: dict[str, list[str]] = {}
        for anchor, sha, page, sig, form in retired:
            by_signature.setdefault(sig, []).append(anchor)
            by_shape.setdefault(f"{sha}:{page}:{form}", []).append(anchor)
        for pool, key_of in ((by_signature, signature), (by_shape, _page_shape)):
            for m in waiting:
                if m.id in out:
                    continue
                for anchor in pool.get(key_of(m), ()):
                    if anchor not in taken:
                        taken.add(anchor)
                        out[m.id] = anchor
                        break
        return out

    def dossiers_of(self, ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._db() as db:
            for batch in _chunks(ids):
                query = f"SELECT id, dossier FROM link_mentions WHERE id IN ({_marks(batch)})"
                out.update((r[0], r[1]) for r in db.execute(query, batch))
        return out

    def members(self, dossiers: Iterable[str]) -> list[str]:
        out: set[str] = set()
        with self._db() as db:
            for batch in _chunks(dossiers):
                query = f"SELECT id FROM link_mentions WHERE dossier IN ({_marks(batch)})"
                out.update(r[0] for r in db.execute(query, batch))
        return sorted(out)

    def links_among(self, ids: Iterable[str]) -> list[PairScore]:
        inside = set(ids)
        found: dict[tuple[str, str], PairScore] = {}
        with self._db() as db:
            for batch in _chunks(sorted(inside)):
                marks = _marks(batch)
                query = (
                    f"SELECT * FROM link_pairs WHERE (a IN ({marks}) OR b IN ({marks}))"
                    f" AND decision = '{LINK}'"
                )
                for r in db.execute(query, batch + batch):
                    if r["a"] in inside and r["b"] in inside:
                        found[(r["a"], r["b"])] = _pair(r)
        return [found[k] for k in sorted(found)]

    def judgements_among(self, ids: Iterable[str], new: Sequence[PersonMention] = ()) -> list[Judgement]:
        by_signature: dict[str, str] = {signature(m): m.id for m in new}
        with self._db() as db:
            for batch in _chunks(ids):
                query = f"SELECT id, signature FROM link_mentions WHERE id IN ({_marks(batch)})"
                for r in db.execute(query, batch):
                    by_signature.setdefault(r[1], r[0])
            rows = self._judgement_rows(db, by_signature)
        out = []
        for r in rows:
            a, b = by_signature.get(r["a_signature"]), by_signature.get(r["b_signature"])
            if a and b and a != b:
                x, y = pair_key(a, b)
                out.append(Judgement(x, y, r["verdict"], r["by"], r["at"]))
        return out

    @staticmethod
    def _judgement_rows(db: sqlite3.Connection, signatures: Iterable[str]) -> list[sqlite3.Row]:
        rows: dict[int, sqlite3.Row] = {}
        for batch in _chunks(sorted(signatures)):
            marks = _marks(batch)
            query = f"SELECT * FROM judgements WHERE a_signature IN ({marks}) OR b_signature IN ({marks})"
            rows.update((r["id"], r) for r in db.execute(query, batch + batch))
        return [rows[k] for k in sorted(rows)]

    def judged(self, new: Sequence[PersonMention]) -> list[str]:
        mine = {signature(m) for m in new}
        with self._db() as db:
            rows = self._judgement_rows(db, mine)
            others = {s for r in rows for s in (r["a_signature"], r["b_signature"])} - mine
            found: set[str] = set()
            for batch in _chunks(sorted(others)):
                query = f"SELECT id FROM link_mentions WHERE signature IN ({_marks(batch)})"
                found.update(r[0] for r in db.execute(query, batch))
        return sorted(found - {m.id for m in new})

    def save(
        self,
        new: Sequence[Linked],
        pairs: Sequence[PairScore],
        assignment: dict[str, str],
        joins: Sequence[Join],
    ) -> None:
        stamp = now_iso()
        texts = {m.id: encode(f) for m, f, _, _ in new}
        with self._db() as db:
            db.executemany(
                "INSERT OR REPLACE INTO link_mentions"
                " (id, sha256, page, signature, dossier, data, linked_at, features, anchor)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        m.id,
                        m.sha256,
                        m.page,
                        signature(m),
                        assignment.get(m.id, ""),
                        json.dumps(m.to_json(), ensure_ascii=False),
                        stamp,
                        texts[m.id],
                        anchor,
                    )
                    for m, _, _, anchor in new
                ],
            )
            inherited = [(anchor,) for m, _, _, anchor in new if anchor != m.id]
            if inherited:
                db.executemany("DELETE FROM link_retired WHERE anchor=?", inherited)
            db.executemany(
                "INSERT OR IGNORE INTO link_blocks (key, mention, features) SELECT ?,?,?"
                " WHERE NOT EXISTS (SELECT 1 FROM link_common WHERE key=?)",
                [(k, m.id, texts[m.id], k) for m, _, keys, _ in new for k in keys],
            )
            db.executemany(
                "INSERT OR REPLACE INTO link_pairs (a, b, pair, decision, score, reasons)"
                " VALUES (?,?,?,?,?,?)",
                [
                    (p.a, p.b, pair_id(p.a, p.b), p.decision, p.score, json.dumps(list(p.reasons)))
                    for p in pairs
                ],
            )
            fresh = {m.id for m, _, _, _ in new}
            db.executemany(
                "UPDATE link_mentions SET dossier=? WHERE id=?",
                [(d, i) for i, d in assignment.items() if i not in fresh],
            )
            self.assigned.update(assignment)
            for batch in _chunks(list(assignment)):
                db.execute(f"DELETE FROM link_joins WHERE a IN ({_marks(batch)})", batch)
            db.executemany(
                "INSERT OR REPLACE INTO link_joins (a, b, dossier, kind, score, reasons)"
                " VALUES (?,?,?,?,?,?)",
                [
                    (*pair_key(j.a, j.b), assignment[j.a], j.kind, j.score, json.dumps(list(j.reasons)))
                    for j in joins
                ],
            )

    # ------------------------------------------------------------ application
    def judge(self, a: PersonMention, b: PersonMention, verdict: str, by: str) -> Judgement:
        """Append a judgement (never replaces one: the latest per pair is in force)."""
        x, y = (a, b) if a.id <= b.id else (b, a)
        stamp = now_iso()
        with self._db() as db:
            db.execute(
                "INSERT INTO judgements (a, b, a_signature, b_signature, verdict, by, at)"
                " VALUES (?,?,?,?,?,?,?)",
                (x.id, y.id, signature(x), signature(y), verdict, by, stamp),
            )
        return Judgement(x.id, y.id, verdict, by, stamp)

    def history(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Every judgement ever made, newest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM judgements ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [{k: r[k] for k in ("a", "b", "verdict", "by", "at")} for r in rows]

    def all_judgements(self) -> list[Judgement]:
        """Every judgement whose two mentions are linked now (by signature), in history order."""
        with self._db() as db:
            rows = db.execute(
                "SELECT j.verdict, j.by, j.at, x.id AS a, y.id AS b FROM judgements j"
                " JOIN link_mentions x ON x.signature = j.a_signature"
                " JOIN link_mentions y ON y.signature = j.b_signature ORDER BY j.id"
            ).fetchall()
        out = []
        for r in rows:
            if r["a"] != r["b"]:
                a, b = pair_key(r["a"], r["b"])
                out.append(Judgement(a, b, r["verdict"], r["by"], r["at"]))
        return out

    def linked_ids(self) -> set[str]:
        """Every mention id linked so far."""
        with self._db() as db:
            return {r[0] for r in db.execute("SELECT id FROM link_mentions")}

    def review_pairs(self) -> list[PairScore]:
        """Stored pairs a reviewer may be asked about (review, and links that a conflict refused)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT p.* FROM link_pairs p JOIN link_mentions x ON x.id = p.a JOIN link_mentions y"
                " ON y.id = p.b WHERE x.dossier != y.dossier"
            ).fetchall()
        return [_pair(r) for r in rows]

    def dossier_ids(self) -> list[str]:
        """Every dossier id, sorted."""
        with self._db() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT dossier FROM link_mentions ORDER BY dossier")]

    def dossier_members(self, dossier: str) -> list[PersonMention]:
        """The mentions of one dossier."""
        with self._db() as db:
            rows = db.execute("SELECT data FROM link_mentions WHERE dossier=?", (dossier,)).fetchall()
        return [PersonMention.from_json(json.loads(r[0])) for r in rows]

    def iter_dossiers(self) -> Iterator[tuple[str, list[PersonMention]]]:
        """(dossier, mentions) for every dossier, in dossier order, streamed."""
        with self._db() as db:
            rows = db.execute("SELECT dossier, data FROM link_mentions ORDER BY dossier, id")
            current: str | None = None
            members: list[PersonMention] = []
            for dossier, data in rows:
                if dossier != current and current is not None:
                    yield current, members
                    members = []
                current = dossier
                members.append(PersonMention.from_json(json.loads(data)))
            if current is not None:
                yield current, members

    def joins_of(self, dossier: str) -> list[Join]:
        """The joins (automatic links and confirmed judgements) that hold a dossier together."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM link_joins WHERE dossier=? ORDER BY a, b", (dossier,)).fetchall()
        return [Join(r["a"], r["b"], r["kind"], r["score"], tuple(json.loads(r["reasons"]))) for r in rows]

    def all_joins(self) -> dict[str, list[Join]]:
        """Joins per dossier, for every dossier."""
        out: dict[str, list[Join]] = {}
        with self._db() as db:
            for r in db.execute("SELECT * FROM link_joins ORDER BY a, b"):
                out.setdefault(r["dossier"], []).append(
                    Join(r["a"], r["b"], r["kind"], r["score"], tuple(json.loads(r["reasons"])))
                )
        return out

    def remove_documents(self, shas: Iterable[str]) -> set[str]:
        """Forget the mentions of these documents (gone from the index); returns their dossiers."""
        with self._db() as db:
            ids = []
            for batch in _chunks(shas):
                query = f"SELECT id FROM link_mentions WHERE sha256 IN ({_marks(batch)})"
                ids += [r[0] for r in db.execute(query, batch)]
        return self.remove_mentions(ids)

    def remove_mentions(self, ids: Iterable[str]) -> set[str]:
        """Forget these mentions (a reprocessed document no longer has them); returns their dossiers.

        Their keys, pairs and joins go too; judgements stay (they are history); their anchors wait in
        ``link_retired`` for the mentions that replace them.
        """
        touched: set[str] = set()
        stamp = now_iso()
        with self._db() as db:
            for chunk in _chunks(ids):
                m = _marks(chunk)
                rows = db.execute(
                    f"SELECT id, anchor, dossier, data, features FROM link_mentions WHERE id IN ({m})", chunk
                ).fetchall()
                touched.update(r["dossier"] for r in rows)
                gone = [(r["anchor"] or r["id"], _decode(r["data"])) for r in rows]
                db.executemany(
                    "INSERT OR REPLACE INTO link_retired (anchor, sha256, page, start, signature, shape, at)"
                    " VALUES (?,?,?,?,?,?,?)",
                    [(a, x.sha256, x.page, x.start, signature(x), shape(x), stamp) for a, x in gone],
                )
                db.executemany(
                    "DELETE FROM link_blocks WHERE key=? AND mention=?",
                    [(k, r["id"]) for r in rows for k in keys_of(decode(r["id"], r["features"]))],
                )
                db.execute(f"DELETE FROM link_pairs WHERE a IN ({m}) OR b IN ({m})", chunk + chunk)
                db.execute(f"DELETE FROM link_joins WHERE a IN ({m}) OR b IN ({m})", chunk + chunk)
                db.execute(f"DELETE FROM link_mentions WHERE id IN ({m})", chunk)
        return touched

    def find_pair(self, pair: str) -> PairScore | None:
        """A stored pair by its id (as `athar review` prints it)."""
        with self._db() as db:
            row = db.execute("SELECT * FROM link_pairs WHERE pair=?", (pair,)).fetchone()
        return _pair(row) if row else None

    def linked_in(self, shas: Iterable[str]) -> dict[str, set[str]]:
        """sha256 -> mention ids linked from it, for these documents only."""
        out: dict[str, set[str]] = {}
        with self._db() as db:
            for batch in _chunks(shas):
                query = f"SELECT sha256, id FROM link_mentions WHERE sha256 IN ({_marks(batch)})"
                for sha, mention in db.execute(query, batch):
                    out.setdefault(sha, set()).add(mention)
        return out

    def linked_documents(self) -> dict[str, set[str]]:
        """sha256 -> mention ids linked from it."""
        out: dict[str, set[str]] = {}
        with self._db() as db:
            for sha, mention in db.execute("SELECT sha256, id FROM link_mentions"):
                out.setdefault(sha, set()).add(mention)
        return out


def _pair(r: sqlite3.Row) -> PairScore:
    return PairScore(r["a"], r["b"], r["decision"], float(r["score"]), tuple(json.loads(r["reasons"])))
