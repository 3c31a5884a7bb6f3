"""Two embedded search nodes form one cluster (replicas 1); one stops mid-ingest; nothing is lost."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import steps
from athar.errors import RetryableError
from athar.settings import Settings, load_settings
from index import node
from tests.index.records import document

DOCUMENTS = 40
GROUP = 5  # documents per bulk load (as the pipeline's index task sends them)
NODE_HEAP = "384m"


def _node_settings(cluster: str, name: str, transport: int, peer: int) -> Settings:
    return load_settings().with_(
        cluster_name=cluster,
        node_name=f"athar-{name}",
        seed_hosts=(f"127.0.0.1:{peer}",),
        cluster_managers=("athar-a", "athar-b"),
        node_transport_port=transport,
        index_replicas=1,
    )


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Settings, list[tuple[Settings, Path]]]]:
    """Two nodes of one cluster; yields settings whose search URL names both, and each node's settings."""
    ports = [node.free_port() for _ in range(4)]
    name = f"athar-{uuid.uuid4().hex[:6]}"
    a = _node_settings(name, "a", ports[2], ports[3])
    b = _node_settings(name, "b", ports[3], ports[2])
    nodes = [(a, tmp_path / "a"), (b, tmp_path / "b")]
    started: list[tuple[Settings, Path]] = []
    try:
        for (settings, home), port in zip(nodes, ports[:2], strict=True):
            # the first waits for yellow, which needs the second to bootstrap: start both, then wait
            started.append((settings, home))
            _start_detached(settings, home, port)
        urls = ",".join(f"http://127.0.0.1:{p}" for p in ports[:2])
        client_settings = a.with_(search_url=urls, index_prefix=f"c{uuid.uuid4().hex[:8]}")
        yield client_settings, nodes
    finally:
        for settings, home in started:
            node.stop(settings, node_dir=home)


def _start_detached(settings: Settings, home: Path, port: int) -> None:
    import threading

    errors: list[BaseException] = []

    def start() -> None:
        try:
            node.start(settings, node_dir=home, port=port, heap=NODE_HEAP)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    _STARTING.append((thread, errors))


_STARTING: list[tuple[object, list[BaseException]]] = []


def _wait_started() -> None:
    import threading

    while _STARTING:
        thread, errors = _STARTING.pop()
        assert isinstance(thread, threading.Thread)
        thread.join()
        if errors:
            raise errors[0]


def _index(docs: list, settings: Settings) -> None:  # type: ignore[type-arg]
    for attempt in range(10):  # the pipeline's index task retries RetryableError the same way
        try:
            refused = steps.index_documents(docs, settings)
            assert not any(refused.values())
            return
        except RetryableError:
            time.sleep(1 + attempt)
    raise AssertionError("the cluster refused a group ten times")


def test_two_nodes_one_stopped_mid_ingest_lose_nothing(
    cluster: tuple[Settings, list[tuple[Settings, Path]]],
) -> None:
    from index.client import make_client
    from index.schema import alias_name

    _wait_started()
    settings, nodes = cluster
    client = make_client(settings)
    wait = {"timeout": "120s"}
    health = client.cluster.health(
        params={**wait, "wait_for_nodes": "2", "wait_for_status": "yellow"}, request_timeout=130
    )
    assert health["number_of_nodes"] == 2
    docs = [document(f"cluster-{i}", [f"سجل رقم {i} من سجلات الفرع"]) for i in range(DOCUMENTS)]
    steps.prepare_index(settings)
    green = client.cluster.health(params={**wait, "wait_for_status": "green"}, request_timeout=130)
    assert green["status"] == "green"  # every shard has its replica on the other node
    for start in range(0, DOCUMENTS, GROUP):
        if start == DOCUMENTS // 2:  # mid-ingest: the second node leaves and stops
            gone, home = nodes[1]
            node.leave_cluster(client, gone.node_name or "")
            node.stop(gone, node_dir=home)
        _index(docs[start : start + GROUP], settings)
    client.indices.refresh(index=alias_name(settings, "documents"))
    count = client.count(index=alias_name(settings, "documents"))["count"]
    assert count == DOCUMENTS
    assert client.cluster.health()["number_of_nodes"] == 1
