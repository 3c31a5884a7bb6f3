"""Flows test fixtures: settings on a temp data dir, a real S3 server (versitygw), Prefect harness."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from athar.settings import PROJECT_ROOT, Settings, load_settings

VERSITYGW = PROJECT_ROOT / ".cache" / "bin" / "versitygw"
S3_KEY = "athar-test-key"
S3_SECRET = "athar-test-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with data dir and inbox under a temp dir."""
    return load_settings().with_(data_dir=tmp_path / "data", inbox=str(tmp_path / "inbox"), jobs=2)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real versitygw S3 server (posix backend on a temp dir); yields its endpoint URL."""
    binary = str(VERSITYGW) if VERSITYGW.exists() else shutil.which("versitygw")
    if binary is None:
        pytest.fail("versitygw is not built: run `make setup-s3` (scripts/setup.sh s3).")
    root = tmp_path_factory.mktemp("s3root")
    port = _free_port()
    log = (root.parent / "versitygw.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            "--access",
            S3_KEY,
            "--secret",
            S3_SECRET,
            "--port",
            f"127.0.0.1:{port}",
            "posix",
            str(root),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answers (403 without credentials): up
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"versitygw did not start; see {log.name}")
            time.sleep(0.1)
    try:
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def s3_settings(settings: Settings, s3_server: str, request: pytest.FixtureRequest) -> Settings:
    """Settings whose inbox is a fresh bucket on the test S3 server."""
    import s3fs

    bucket = "inbox-" + "".join(c for c in request.node.name.lower() if c.isalnum())[:40]
    configured = settings.with_(
        inbox=f"s3://{bucket}/drop",
        s3_endpoint=s3_server,
        s3_key=S3_KEY,
        s3_secret=S3_SECRET,
        s3_region="us-east-1",
    )
    # no region here: s3fs would send LocationConstraint=us-east-1, which S3 rejects
    fs = s3fs.S3FileSystem(key=S3_KEY, secret=S3_SECRET, client_kwargs={"endpoint_url": s3_server})
    if not fs.exists(bucket):
        fs.mkdir(bucket)
    return configured


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real temporary Prefect server (SQLite) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def search_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    """A real embedded search node on a free port: (url, node_dir, port). Tests may stop/restart it."""
    from index import node

    node_dir = tmp_path_factory.mktemp("flows-search-node")
    port = node.free_port()
    status = node.start(load_settings(), node_dir=node_dir, port=port, heap="512m")
    try:
        yield status.url, node_dir, port
    finally:
        node.stop(load_settings(), node_dir=node_dir)


@pytest.fixture
def pipeline_settings(
    settings: Settings, search_node: tuple[str, Path, int], prefect_harness: None
) -> Settings:
    """Settings for end-to-end runs: a real node, a fresh index prefix, the Prefect test server."""
    return settings.with_(search_url=search_node[0], index_prefix=f"f{uuid.uuid4().hex[:10]}")
