"""Scale: workers against raw Tesseract, and the claim query's cost as the state table grows.

    .venv/bin/python bench/scale.py claims [--sizes 1000,10000,100000]
    .venv/bin/python bench/scale.py workers [--pages 16] [--workers 1,2,4]

``claims``: a state table of N documents (all but 100 indexed, as in a long-running archive), on
SQLite and on a throw-away PostgreSQL server (Debian's, started here on a temp dir); the time of
``claim_pending(worker, lease, 8)`` (the chunk a worker takes) averaged over 200 claims, printed
per size with the ratio to the smallest size.

``workers``: the same N one-page scans (tests/synth.py, seeded) taken in once (ATHAR_FANOUT=workers,
SQLite state, a real search node, a temporary Prefect server), then W worker processes (`athar
work --once`, ATHAR_JOBS=1 each) process them: wall time from the workers' start to the last
document indexed -> pages/min. Baseline: ``tesseract --psm 3`` on the same pages with W processes
at a time, measured right before. Prints pipeline / raw per W (target >= 0.8: the orchestration
adds no serial bottleneck). Numbers are for this machine and this run only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.state import StateStore
    from athar.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLAIMS = 200  # claims timed per size
CHUNK = 8  # documents per claim (a worker's chunk with 2 OCR processes)
PENDING = 100  # documents left received in the table
POLL = 0.2  # seconds between looks at the state store (and the worker loops' idle interval)


def fill_sqlite(path: Path, n: int) -> None:
    import sqlite3

    from app.state import SqliteStateStore

    SqliteStateStore(path)
    db = sqlite3.connect(path)
    rows = [
        (f"{i:064x}", 1, "indexed" if i >= PENDING else "received", "2026-01-01", "2026-01-01")
        for i in range(n)
    ]
    db.executemany(
        "INSERT INTO documents (sha256, size, state, first_seen, updated) VALUES (?,?,?,?,?)", rows
    )
    db.commit()
    db.close()


def fill_postgres(url: str, n: int) -> None:
    import psycopg

    from app.state_pg import PostgresStateStore

    PostgresStateStore(url).close()
    with psycopg.connect(url) as db, db.cursor() as cur:
        with cur.copy("COPY documents (sha256, size, state, first_seen, updated) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row(
                    (f"{i:064x}", 1, "indexed" if i >= PENDING else "received", "2026-01-01", "2026-01-01")
                )
        cur.execute("ANALYZE documents")


def time_claims(store: StateStore) -> float:
    """Mean seconds of one claim_pending of CHUNK documents (each released again, so the table keeps
    the same shape)."""
    began = time.perf_counter()
    for i in range(CLAIMS):
        taken = store.claim_pending(f"w{i}", 60, CHUNK)
        assert len(taken) == CHUNK
        for sha in taken:
            store.set_state(sha, "received")
    spent = time.perf_counter() - began
    return spent / CLAIMS  # (includes the releases: the same work per claim at every size)


def claims(sizes: list[int]) -> None:
    from app.state import SqliteStateStore
    from app.state_pg import PostgresStateStore
    from tests.scale.postgres import create_database, postgres_server

    print(f"claim_pending({CHUNK}) + release, mean of {CLAIMS}; {PENDING} received, the rest indexed")
    with postgres_server() as server:
        for backend in ("sqlite", "postgresql"):
            base = None
            for n in sizes:
                tmp = Path(tempfile.mkdtemp(prefix="athar-claims-"))
                if backend == "sqlite":
                    fill_sqlite(tmp / "athar.db", n)
                    store: StateStore = SqliteStateStore(tmp / "athar.db")
                else:
                    url = create_database(server, f"c{uuid.uuid4().hex[:8]}")
                    fill_postgres(url, n)
                    store = PostgresStateStore(url)
                seconds = time_claims(store)
                base = base or seconds
                ms = seconds * 1000
                print(f"  {backend:10s} {n:>7d} documents: {ms:6.2f} ms per claim  ({seconds / base:.2f}x)")
                shutil.rmtree(tmp, ignore_errors=True)


def _take_in(settings: Settings, paths: list[Path], *, again: bool = False) -> None:
    """Drop the scans into the inbox and take them in (the watcher of ATHAR_FANOUT=workers); ``again``:
    they are known already, so they are queued again (received) instead."""
    from app.bucket import open_bucket
    from app.originals import sha256_file
    from app.state import RECEIVED, open_state
    from flows.watch import run_watch_bucket

    if again:
        store = open_state(settings)
        for path in paths:
            store.set_state(sha256_file(path), RECEIVED)
        return
    bucket = open_bucket(settings)
    for path in paths:
        bucket.put(path.name, path.read_bytes())
    taken = run_watch_bucket(settings)
    assert taken["new_documents"] == len(paths), taken


def _worker_env(settings: Settings, api: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")},
        "PYTHONPATH": str(ROOT),
        "PREFECT_API_URL": api,
        "ATHAR_DATA_DIR": str(settings.data_dir),
        "ATHAR_INBOX": settings.inbox,
        "ATHAR_SEARCH_URL": settings.search_url,
        "ATHAR_SEARCH_PASSWORD": settings.search_password or "",
        "ATHAR_SETTLE_SECONDS": "0",
        "ATHAR_INDEX_PREFIX": settings.index_prefix,
        "ATHAR_FANOUT": "workers",
        "ATHAR_JOBS": "1",
        "OMP_THREAD_LIMIT": "1",
    }


def _until_indexed(settings: Settings, total: int) -> None:
    from app.state import open_state

    store = open_state(settings)
    while store.counts()["indexed"] < total:
        time.sleep(POLL)


def _measure(
    settings: Settings, count: int, api: str, warm: list[Path], timed: list[Path]
) -> tuple[float, float]:
    """(cold, warm) wall seconds: ``count`` fresh `athar work --once` processes on ``warm`` (process
    start included); then ``count`` long-lived `athar work` loops, warmed on ``warm``, on ``timed``."""
    env = _worker_env(settings, api)
    _take_in(settings, warm)
    began = time.perf_counter()
    once = [_spawn(env, i, ["--once"]) for i in range(count)]
    for proc in once:
        proc.wait()
    cold = time.perf_counter() - began
    loops = [_spawn(env, i, ["--interval", str(POLL)]) for i in range(count)]
    try:
        _take_in(settings, warm, again=True)  # warm-up of the loops (OCR pool, NLP stage): reprocessed
        _until_indexed(settings, len(warm))
        _take_in(settings, timed)
        began = time.perf_counter()
        _until_indexed(settings, len(warm) + len(timed))
        return cold, time.perf_counter() - began
    finally:
        for proc in loops:
            proc.terminate()
        for proc in loops:
            proc.wait()


def _spawn(env: dict[str, str], i: int, args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "work", *args],
        env={**env, "ATHAR_WORKER_NAME": f"bench-{i}"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def workers(pages: int, counts: list[int]) -> None:
    import secrets

    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from athar.settings import load_settings
    from bench.pipeline import make_scans, raw_run
    from index import node

    tmp = Path(tempfile.mkdtemp(prefix="athar-scale-"))
    (tmp / "a").mkdir()
    (tmp / "b").mkdir()
    warm, timed = make_scans(pages, tmp / "a", 100), make_scans(pages, tmp / "b", 500)
    base = load_settings().with_(fanout="workers", jobs=1, settle_seconds=0.0)
    base = base.with_(search_password=base.search_password or secrets.token_urlsafe(24))
    status = node.start(base, node_dir=tmp / "node", port=node.free_port(), heap="512m")
    try:
        with prefect_test_harness(server_startup_timeout=120):
            api = str(PREFECT_API_URL.value())
            print(
                f"{pages} one-page scans per set; W workers (1 OCR process each) vs W raw tesseract --psm 3"
            )
            for count in counts:
                settings = base.with_(
                    data_dir=tmp / f"data{count}",
                    inbox=str(tmp / f"inbox{count}"),
                    search_url=status.url,
                    index_prefix=f"s{uuid.uuid4().hex[:8]}",
                )
                raw, _ = raw_run(timed, count, settings.tessdata_dir)
                cold, hot = _measure(settings, count, api, warm, timed)
                per_min = [pages / x * 60 for x in (raw, cold, hot)]
                print(
                    f"  W={count}: raw {per_min[0]:5.1f} pages/min; workers started for the batch"
                    f" {per_min[1]:5.1f} ({raw / cold:.2f}x raw),"
                    f" long-lived {per_min[2]:5.1f} ({raw / hot:.2f}x raw)"
                )
    finally:
        node.stop(base, node_dir=tmp / "node")
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/scale.py")
    sub = parser.add_subparsers(dest="part", required=True)
    c = sub.add_parser("claims")
    c.add_argument("--sizes", default="1000,10000,100000")
    w = sub.add_parser("workers")
    w.add_argument("--pages", type=int, default=16)
    w.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    if args.part == "claims":
        claims([int(x) for x in args.sizes.split(",")])
    else:
        workers(args.pages, [int(x) for x in args.workers.split(",")])


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    main()
