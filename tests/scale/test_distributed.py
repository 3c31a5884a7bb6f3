"""Many machines on one box: the Prefect server on PostgreSQL, the state store on PostgreSQL, S3
(versitygw) for the inbox, the originals and the OCR cache, a two-node search cluster, and three
workers as separate processes with separate data directories.

One intake process takes every scan in (ATHAR_FANOUT=workers); the workers claim the documents.
Mid-batch one worker is killed (SIGKILL, with its OCR process) and one search node stops: the
killed worker's documents are taken over once its lease expires, and every document is indexed
exactly once (one processing version each), none lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.state import INDEXED, PROCESSING, StateStore, open_state
from athar.settings import PROJECT_ROOT, Settings, load_settings
from tests import synth
from tests.flows.conftest import S3_KEY, S3_SECRET
from tests.scale.cluster import Cluster, stop_node, two_node_cluster
from tests.scale.postgres import create_database

pytestmark = pytest.mark.distributed

DOCUMENTS = 60  # one-page scans, each a strip of one or two register lines: OCR stays cheap
WORKERS = 3
LEASE = 15.0  # seconds: short, so the killed worker's documents are taken over within the test
DEADLINE = 900.0  # seconds for the whole batch before the test gives up (not a speed check)


def _free_port() -> int:
    from index.node import free_port

    return free_port()


@pytest.fixture
def prefect_on_postgres(postgres: str, tmp_path: Path) -> Iterator[str]:
    """A Prefect server whose database is PostgreSQL; yields its API URL."""
    url = create_database(postgres, f"prefect{uuid.uuid4().hex[:8]}")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": url.replace("postgresql://", "postgresql+asyncpg://"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_API_URL": "",
    }
    log = (tmp_path / "prefect-server.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{api}/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Prefect server did not start; see {log.name}")
                time.sleep(0.5)
        yield api
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _env(cluster: Cluster, state_url: str, s3: str, api: str, data_dir: Path, bucket: str) -> dict[str, str]:
    settings = cluster.settings
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ATHAR_", "PREFECT_"))},
        "PYTHONPATH": str(PROJECT_ROOT),
        "PREFECT_API_URL": api,
        "ATHAR_DATA_DIR": str(data_dir),
        "ATHAR_STATE_URL": state_url,
        "ATHAR_STORE_URL": f"s3://{bucket}/athar",
        "ATHAR_INBOX": f"s3://{bucket}/inbox",
        "ATHAR_S3_ENDPOINT": s3,
        "ATHAR_S3_KEY": S3_KEY,
        "ATHAR_S3_SECRET": S3_SECRET,
        "ATHAR_S3_REGION": "us-east-1",
        "ATHAR_SEARCH_URL": settings.search_url,
        "ATHAR_SEARCH_PASSWORD": settings.search_password or "",  # the nodes' (tests/conftest.py)
        "ATHAR_SETTLE_SECONDS": "0",
        "ATHAR_INDEX_PREFIX": settings.index_prefix,
        "ATHAR_FANOUT": "workers",
        "ATHAR_JOBS": "1",
        "ATHAR_LEASE_SECONDS": str(LEASE),
        "ATHAR_RETRY_DELAYS": "1,2,4,8",
    }


def _worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "work", "--interval", "1"],
        env={**env, "ATHAR_WORKER_NAME": name},
        cwd=PROJECT_ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its OCR process in its group: SIGKILL takes both
    )


def _strip_scan(seed: int) -> bytes:
    """A one-page PNG of one register row (148 x 40 mm at 300 dpi): a fraction of a page's OCR."""
    import io
    from dataclasses import replace

    page = synth.make_page(seed, "prison_register", rows=1)
    page = replace(page, layout=(page.layout[-1],))  # the detainee's row, no heading
    buf = io.BytesIO()
    synth.render_page(page, seed=seed, size="strip", font="amiri").save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


def _wait_until(check: object, what: str, deadline: float) -> None:
    assert callable(check)
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.5)


def test_three_workers_two_nodes_one_killed_one_stopped(
    postgres: str, prefect_on_postgres: str, s3_server: str, tmp_path: Path
) -> None:
    import s3fs

    fs = s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, client_kwargs={"endpoint_url": s3_server})
    bucket = f"dist{uuid.uuid4().hex[:8]}"
    fs.mkdir(bucket)
    for i in range(DOCUMENTS):
        fs.pipe_file(f"{bucket}/inbox/scan-{i}.png", _strip_scan(100 + i))
    state_url = create_database(postgres, f"state{uuid.uuid4().hex[:8]}")
    with two_node_cluster(tmp_path / "search") as cluster:
        env = lambda d: _env(cluster, state_url, s3_server, prefect_on_postgres, tmp_path / d, bucket)  # noqa: E731
        intake = subprocess.run(
            [sys.executable, "-m", "cli", "watch", "--once"],
            env=env("intake"),
            cwd=PROJECT_ROOT,
            capture_output=True,
            timeout=600,
        )
        assert intake.returncode == 0, intake.stderr.decode()[-2000:]
        settings: Settings = load_settings(env("observer"))
        store = open_state(settings)
        assert len(store.documents()) == DOCUMENTS and not store.documents(INDEXED)
        workers = {f"w{i}": _worker(env(f"w{i}"), f"w{i}", tmp_path / f"w{i}.log") for i in range(WORKERS)}
        deadline = time.monotonic() + DEADLINE
        try:
            held: list[str] = []

            def victim_holds() -> bool:
                held[:] = [d.sha256 for d in store.documents(PROCESSING) if d.worker == "w0"]
                return bool(held)

            _wait_until(victim_holds, "worker w0 holding a document", deadline)
            os.killpg(workers["w0"].pid, signal.SIGKILL)
            workers["w0"].wait()
            _wait_until(lambda: len(store.documents(INDEXED)) >= DOCUMENTS // 2, "half indexed", deadline)
            stop_node(cluster, 1)
            _wait_until(
                lambda: len(store.documents(INDEXED)) == DOCUMENTS, "every document indexed", deadline
            )
        finally:
            for proc in workers.values():
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in workers.values():
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        _check_exactly_once(store, cluster, held)
        _check_prefect_runs(prefect_on_postgres)


def _check_exactly_once(store: StateStore, cluster: Cluster, taken_over: list[str]) -> None:
    from index.client import make_client
    from index.schema import alias_name

    docs = store.documents()
    assert len(docs) == DOCUMENTS and all(d.state == INDEXED for d in docs)
    assert all(len(store.versions(d.sha256)) == 1 for d in docs)  # processed (and recorded) once each
    assert taken_over and all(store.document(s).state == INDEXED for s in taken_over)  # type: ignore[union-attr]
    client = make_client(cluster.settings)
    client.indices.refresh(index=alias_name(cluster.settings, "documents"))
    assert client.count(index=alias_name(cluster.settings, "documents"))["count"] == DOCUMENTS


def _check_prefect_runs(api: str) -> None:
    import json

    request = urllib.request.Request(
        f"{api}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        runs = json.loads(response.read())
    # the intake run and each worker's runs (the killed one's left running) are in the Prefect server
    # on PostgreSQL; a worker stopped at the end of the test may be inside a run that found nothing more
    assert len(runs) >= 1 + WORKERS
    assert any(r["state_type"] == "COMPLETED" for r in runs)
