"""One real search node per test session: the embedded OpenSearch node on a free port with a temporary
data directory, or the cluster named by ATHAR_SEARCH_URL when that is set. Each test module gets its own
index prefix, so modules do not see each other's data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from athar.settings import Settings, load_settings


@pytest.fixture(scope="session")
def search_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path | None]]:
    """(URL, node directory) of the session's node; the directory is None for an external cluster."""
    external = os.environ.get("ATHAR_SEARCH_URL")
    if external:
        yield external, None
        return
    from index import node

    node_dir: Path = tmp_path_factory.mktemp("search-node")
    settings = load_settings()
    status = node.start(settings, node_dir=node_dir, port=node.free_port(), heap="512m")
    try:
        yield status.url, node_dir
    finally:
        node.stop(settings, node_dir=node_dir)


@pytest.fixture(scope="session")
def search_url(search_node: tuple[str, Path | None]) -> str:
    return search_node[0]


@pytest.fixture(scope="module")
def settings(search_url: str) -> Settings:
    return load_settings().with_(search_url=search_url, index_prefix=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[Any]:
    from index.client import make_client

    client = make_client(settings)
    yield client
    client.indices.delete(index=f"{settings.index_prefix}-*", ignore_unavailable=True)
    for kind in ("documents", "pages", "persons"):
        client.indices.delete_index_template(name=f"{settings.index_prefix}-{kind}", ignore=[404])
    client.close()
