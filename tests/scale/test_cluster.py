"""Two embedded search nodes form one cluster (replicas 1); one stops mid-ingest; nothing is lost."""

from __future__ import annotations

import time
from pathlib import Path

from app import steps
from athar.errors import RetryableError
from athar.settings import Settings
from tests.index.records import document
from tests.scale.cluster import stop_node, two_node_cluster

DOCUMENTS = 40
GROUP = 5  # documents per bulk load (as the pipeline's index task sends them)
WAIT = {"timeout": "120s"}


def _index(docs: list, settings: Settings) -> None:  # type: ignore[type-arg]
    for attempt in range(10):  # the pipeline's index task retries RetryableError the same way
        try:
            refused = steps.index_documents(docs, settings)
            assert not any(refused.values())
            return
        except RetryableError:
            time.sleep(1 + attempt)
    raise AssertionError("the cluster refused a group ten times")


def test_two_nodes_one_stopped_mid_ingest_lose_nothing(tmp_path: Path) -> None:
    from index.client import make_client
    from index.schema import alias_name

    with two_node_cluster(tmp_path) as cluster:
        settings = cluster.settings
        client = make_client(settings)
        health = client.cluster.health(
            params={**WAIT, "wait_for_nodes": "2", "wait_for_status": "yellow"}, request_timeout=130
        )
        assert health["number_of_nodes"] == 2
        docs = [document(f"cluster-{i}", [f"سجل رقم {i} من سجلات الفرع"]) for i in range(DOCUMENTS)]
        steps.prepare_index(settings)
        green = client.cluster.health(params={**WAIT, "wait_for_status": "green"}, request_timeout=130)
        assert green["status"] == "green"  # every shard has its replica on the other node
        for start in range(0, DOCUMENTS, GROUP):
            if start == DOCUMENTS // 2:  # mid-ingest: the second node leaves and stops
                stop_node(cluster, 1)
            _index(docs[start : start + GROUP], settings)
        client.indices.refresh(index=alias_name(settings, "documents"))
        assert client.count(index=alias_name(settings, "documents"))["count"] == DOCUMENTS
        assert client.cluster.health()["number_of_nodes"] == 1
