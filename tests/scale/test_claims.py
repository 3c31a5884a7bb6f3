"""Claims on the state store (SQLite and a real PostgreSQL): exactly one worker per document, leases
renewed while working, a dead worker's document taken over once its lease expires."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.state import INDEXED, PROCESSING, RECEIVED, StateStore, open_state
from athar.settings import load_settings

DOCUMENTS = 40
CLAIMERS = 4


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StateStore:
    settings = load_settings().with_(data_dir=tmp_path / "data")
    if request.param == "postgres":
        settings = settings.with_(state_url=request.getfixturevalue("state_url"))
    return open_state(settings)


def _sha(i: int) -> str:
    return f"{i:064x}"


def _fill(store: StateStore, n: int = DOCUMENTS) -> list[str]:
    shas = [_sha(i) for i in range(n)]
    for sha in shas:
        store.add_document(sha, 100)
    return shas


def _race(work: list) -> None:  # type: ignore[type-arg]
    start = threading.Barrier(len(work))

    def run(fn) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        fn()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_racing_claimers_never_take_the_same_document(store: StateStore) -> None:
    shas = _fill(store)
    taken: dict[str, list[str]] = {f"w{i}": [] for i in range(CLAIMERS)}

    def claimer(worker: str) -> None:
        while batch := store.claim_pending(worker, 60, 3):
            taken[worker].extend(batch)
        store.close()

    _race([lambda w=w: claimer(w) for w in taken])
    everything = [s for batch in taken.values() for s in batch]
    assert sorted(everything) == sorted(shas)  # every document claimed, none twice
    assert len(set(everything)) == len(everything)
    rows = {d.sha256: d for d in store.documents()}
    for worker, batch in taken.items():
        assert all(rows[s].state == PROCESSING and rows[s].worker == worker for s in batch)


def test_one_document_claimed_by_exactly_one_of_racing_workers(store: StateStore) -> None:
    (sha,) = _fill(store, 1)
    wins: list[str] = []

    def claimer(worker: str) -> None:
        if store.claim(sha, worker, 60, pending_only=True):
            wins.append(worker)
        store.close()

    _race([lambda w=f"w{i}": claimer(w) for i in range(CLAIMERS * 2)])
    assert len(wins) == 1
    assert store.document(sha).worker == wins[0]  # type: ignore[union-attr]


def test_a_live_lease_is_kept_and_an_expired_one_taken_over(store: StateStore) -> None:
    first, second = _fill(store, 2)
    assert store.claim_pending("dead", 1.0, 1) == [first]
    assert store.claim_pending("alive", 600, 5) == [second]  # the dead worker's lease still runs
    assert not store.claim(first, "alive", 600, pending_only=True)
    while store.document(first).lease_until >= time.time():  # type: ignore[union-attr, operator]
        time.sleep(0.1)  # (the PostgreSQL lease uses the database's clock: same machine here)
    time.sleep(0.2)
    assert store.claim_pending("alive", 600, 5) == [first]  # taken over
    assert store.renew([first, second], "dead", 600) == []  # the dead worker lost it
    assert store.renew([first, second], "alive", 600) == [first, second]
    store.record_result(first, {"pages": 1})
    row = store.document(first)
    assert row is not None and row.state == INDEXED and row.worker is None and row.lease_until is None
    assert store.claim_pending("other", 600, 5) == []  # indexed, and `second` held by "alive"


def test_claim_for_reprocessing_respects_only_live_claims(store: StateStore) -> None:
    sha, other = _fill(store, 2)
    store.record_result(sha, {"pages": 1})
    assert not store.claim(sha, "w", 60, pending_only=True)  # indexed: not pending
    assert store.claim(sha, "w", 60)  # reprocessing takes it
    assert not store.claim(sha, "x", 60)  # ... but not from under a live claim
    assert not store.claim(sha, "x", 60, pending_only=True)  # held by another: not pending
    assert store.claim(sha, "w", 60, pending_only=True)  # its holder keeps it
    assert store.claim(sha, "w", 60)  # the holder may claim again
    store.set_state(sha, RECEIVED)
    assert store.document(sha).worker is None  # type: ignore[union-attr]
    assert store.claim(other, "x", 60)


def test_both_backends_keep_runs_skipped_objects_and_integrity_alike(store: StateStore) -> None:
    (sha,) = _fill(store, 1)
    store.start_run("r1", "watch-bucket")
    assert store.mark_crashed("watch-bucket") == ["r1"]
    assert store.last_runs(1)[0]["status"] == "crashed"
    assert store.add_skipped("inbox", "a link", "fp1", "symlink")
    assert not store.add_skipped("inbox", "a link", "fp1", "symlink")  # already recorded
    assert store.skipped_versions("inbox") == {"a link": "fp1"}
    assert store.sync_skipped("inbox", {"fifo": "not a regular file"}, set()) == ["fifo"]
    assert [r["object_key"] for r in store.skipped()] == ["fifo"]  # the link is gone from the bucket
    store.clear_skipped("inbox", "fifo")
    assert store.skipped() == []
    assert store.record_integrity_failure(sha, "altered")
    assert not store.record_integrity_failure(sha, "altered")
    assert [r["sha256"] for r in store.integrity_failures()] == [sha]
    assert store.clear_integrity_failure(sha) and store.integrity_failures() == []


def test_both_backends_keep_corrections_append_only(store: StateStore) -> None:
    (sha,) = _fill(store, 1)
    first = store.add_correction(sha, {"field": "name", "value": "أ"})
    second = store.add_correction(sha, {"field": "name", "value": "ب"})
    assert (first["version"], second["version"]) == (1, 2)
    assert [c["value"] for c in store.corrections(sha)] == ["أ", "ب"]
    assert store.corrected_documents() == [sha]


def test_a_stalled_worker_that_lost_its_lease_writes_nothing(store: StateStore) -> None:
    """A worker stalls past its lease, another takes the document over and indexes it; the stalled
    one then finishes: its result is refused (lease lost) and the new holder's result stands."""
    sha, other = _fill(store, 2)
    assert store.claim_pending("stalled", 0.5, 1) == [sha]
    while store.pending(5) != [sha, other]:  # the stalled worker's lease expires
        time.sleep(0.1)
    assert store.claim_pending("fresh", 600, 1) == [sha]
    assert store.record_result(sha, {"pages": 2, "persons": 3}, worker="fresh")
    assert not store.record_result(sha, {"pages": 1, "persons": 0}, worker="stalled")  # lease lost
    assert not store.set_state(sha, "quarantined", code="x", worker="stalled")
    row = store.document(sha)
    assert row is not None and (row.state, row.pages, row.persons, row.code) == (INDEXED, 2, 3, None)
    assert [v["persons"] for v in store.versions(sha)] == [3]  # one processing version: the new holder's
    # a worker that still holds its claim ends it as before; without a worker nothing is checked
    assert store.claim(other, "w", 60)
    assert store.set_state(other, RECEIVED, code="busy", worker="w")
    assert not store.set_state(other, INDEXED, worker="w")  # no longer held
    assert store.set_state(other, RECEIVED)
    assert store.record_result(other, {"pages": 1})
