"""A worker that stalls past its lease (SIGSTOP: a paused VM, a swapped-out process) while another
worker takes its document over and indexes it: when it resumes, it writes nothing over the new
holder's result, its outcome is ``lease_lost``, and the index holds the document once.

Real engines: a search node, the state store on SQLite and on PostgreSQL, two worker processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.intake import intake_file
from app.state import INDEXED, LEASE_LOST, PROCESSING, open_state
from app.work import work_once
from athar.settings import PROJECT_ROOT, Settings
from tests.flows.scans import png_scan

LEASE = 2.0  # seconds: the stalled worker's claim expires within the test
DEADLINE = 300.0  # seconds for each wait before the test gives up (not a speed check)

_WORKER = (
    "import json; from app.work import work_once; from athar.settings import load_settings;"
    " print(json.dumps(work_once(load_settings())), flush=True)"
)


def _env(settings: Settings) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")},
        "PYTHONPATH": str(PROJECT_ROOT),
        "ATHAR_SEARCH_PASSWORD": os.environ.get("ATHAR_SEARCH_PASSWORD", ""),
        "ATHAR_DATA_DIR": str(settings.data_dir),
        "ATHAR_SEARCH_URL": settings.search_url,
        "ATHAR_INDEX_PREFIX": settings.index_prefix,
        "ATHAR_STATE_URL": settings.state_url or "",
        "ATHAR_LEASE_SECONDS": str(LEASE),
        "ATHAR_JOBS": "1",
        "ATHAR_WORKER_NAME": "stalled",
        **(
            {
                "ATHAR_STORE_URL": settings.store_url,
                "ATHAR_S3_ENDPOINT": settings.s3_endpoint or "",
                "ATHAR_S3_KEY": settings.s3_key or "",
                "ATHAR_S3_SECRET": settings.s3_secret or "",
                "ATHAR_S3_REGION": settings.s3_region or "",
            }
            if settings.store_url
            else {}
        ),
    }


def _wait(check: object, what: str) -> None:
    assert callable(check)
    deadline = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.02)


# (state backend, when the worker stalls): right after it claimed its chunk (one box: both workers
# share the data directory), or inside the batch, its page rendered (two machines: separate data
# directories, originals and OCR cache in S3): it goes on to OCR, analysis and the index step,
# where its lease is checked.
CASES = [("sqlite", "claimed"), ("postgres", "claimed"), ("postgres", "rendered")]


@pytest.mark.parametrize(("backend", "moment"), CASES)
def test_a_stalled_worker_loses_its_lease_and_overwrites_nothing(
    backend: str,
    moment: str,
    settings: Settings,
    search_node: tuple[str, Path, int],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    from index.client import make_client
    from index.schema import alias_name

    settings = settings.with_(
        search_url=search_node[0],
        index_prefix=f"l{backend[0]}{moment[0]}{os.getpid()}",
        lease_seconds=LEASE,
        jobs=1,
    )
    if backend == "postgres":
        settings = settings.with_(state_url=request.getfixturevalue("state_url"))
    stalled_settings = settings
    if moment == "rendered":  # another machine: its own data directory; the store is shared (S3)
        s3: Settings = request.getfixturevalue("s3_settings")
        bucket = s3.inbox.removeprefix("s3://").split("/")[0]
        settings = settings.with_(
            store_url=f"s3://{bucket}/athar",
            s3_endpoint=s3.s3_endpoint,
            s3_key=s3.s3_key,
            s3_secret=s3.s3_secret,
            s3_region=s3.s3_region,
        )
        stalled_settings = settings.with_(data_dir=tmp_path / "other-machine")
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_scan(7, "prison_register", "scan.png", rows=1).data)
    store = open_state(settings)
    sha = intake_file(scan, settings, store).sha256
    log = (tmp_path / "stalled.log").open("w+b")
    stalled = subprocess.Popen(
        [sys.executable, "-c", _WORKER],
        env=_env(stalled_settings),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,  # its OCR process in its group: SIGSTOP pauses both
    )
    try:
        _wait(lambda: (d := store.document(sha)) is not None and d.worker == "stalled", "the claim")
        if moment == "rendered":
            _wait(lambda: any((stalled_settings.pages_dir / sha).glob("*")), "its page rendered")
        os.killpg(stalled.pid, signal.SIGSTOP)  # it stalls holding the claim, before any result
        # one box (shared data directory): if it got as far as rendering before it stopped, the new
        # holder removes the rendered page when done and the stalled worker's run fails instead of
        # ending in lease_lost; either way it must write nothing (checked below)
        raced = moment == "claimed" and (stalled_settings.pages_dir / sha).exists()
        row = store.document(sha)
        assert row is not None and row.state == PROCESSING and row.worker == "stalled"
        _wait(lambda: store.pending(1) == [sha], "the stalled worker's lease to expire")
        fresh = work_once(settings.with_(worker_name="fresh"))
        assert fresh == {"documents": 1, INDEXED: 1}
        client = make_client(settings)
        pages = alias_name(settings, "pages")
        client.indices.refresh(index=pages)
        entries = client.count(index=pages, body={"query": {"term": {"sha256": sha}}})["count"]
        assert entries >= 1
        os.killpg(stalled.pid, signal.SIGCONT)
        out, _ = stalled.communicate(timeout=DEADLINE)
    finally:
        if stalled.poll() is None:
            os.killpg(stalled.pid, signal.SIGCONT)
            os.killpg(stalled.pid, signal.SIGKILL)
            stalled.wait()
    log.seek(0)
    if not raced:
        assert stalled.returncode == 0, log.read().decode()[-2000:]
        log.seek(0)
        assert json.loads(out.decode().strip().splitlines()[-1]) == {"documents": 1, LEASE_LOST: 1}
    if moment == "rendered":  # it went on to the index step, which found the lease lost
        assert "lease lost to another worker" in log.read().decode()
    row = store.document(sha)
    assert row is not None and row.state == INDEXED and row.worker is None
    assert len(store.versions(sha)) == 1  # the new holder's processing only
    client.indices.refresh(index=pages)
    assert client.count(index=pages, body={"query": {"term": {"sha256": sha}}})["count"] == entries
    documents = alias_name(settings, "documents")
    client.indices.refresh(index=documents)
    assert client.count(index=documents)["count"] == 1
