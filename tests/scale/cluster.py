"""Two embedded search nodes forming one cluster, for the scale tests."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from athar.settings import Settings, load_settings
from index import node

NODE_HEAP = "384m"


@dataclass(frozen=True)
class Cluster:
    """``settings``: a client's (both URLs, a fresh index prefix); ``nodes``: (settings, home) of each."""

    settings: Settings
    nodes: tuple[tuple[Settings, Path], ...]


@contextlib.contextmanager
def two_node_cluster(root: Path) -> Iterator[Cluster]:
    """Start two nodes that bootstrap one cluster (replicas 1); stop both at the end."""
    http = [node.free_port(), node.free_port()]
    transport = [node.free_port(), node.free_port()]
    name = f"athar-{uuid.uuid4().hex[:6]}"
    nodes = tuple(
        (
            load_settings().with_(
                cluster_name=name,
                node_name=f"athar-{i}",
                seed_hosts=(f"127.0.0.1:{transport[1 - i]}",),
                cluster_managers=("athar-0", "athar-1"),
                node_transport_port=transport[i],
                index_replicas=1,
            ),
            root / f"node{i}",
        )
        for i in range(2)
    )
    errors: list[BaseException] = []

    def start(i: int) -> None:  # each waits for the cluster, which needs both: start them together
        try:
            node.start(nodes[i][0], node_dir=nodes[i][1], port=http[i], heap=NODE_HEAP)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(i,), daemon=True) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        urls = ",".join(f"http://127.0.0.1:{p}" for p in http)
        yield Cluster(nodes[0][0].with_(search_url=urls, index_prefix=f"c{uuid.uuid4().hex[:8]}"), nodes)
    finally:
        for settings, home in nodes:
            node.stop(settings, node_dir=home)


def stop_node(cluster: Cluster, i: int) -> None:
    """Take node ``i`` out of the voting configuration, then stop it."""
    from index.client import make_client

    settings, home = cluster.nodes[i]
    node.leave_cluster(make_client(cluster.settings), settings.node_name or "")
    node.stop(settings, node_dir=home)
