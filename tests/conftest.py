"""Fixtures shared by every test package.

One real search node per test session: the embedded OpenSearch node on a free port with a temporary data
directory, or the cluster named by ATHAR_SEARCH_URL when that is set. (The flows tests start their own
node, because they stop and restart it.) The embedded nodes require credentials: a random
ATHAR_SEARCH_PASSWORD for the session, unless one is given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from athar.settings import load_settings

if not os.environ.get("ATHAR_SEARCH_URL") and not os.environ.get("ATHAR_SEARCH_PASSWORD"):
    # The embedded test nodes require credentials like a real one; every test (and every process a
    # test starts, which inherits the environment) reaches them with this password.
    import secrets

    os.environ["ATHAR_SEARCH_PASSWORD"] = secrets.token_urlsafe(24)

# Tests drop a file and take it in at once; the settle time (a file still being written is left
# alone) has its own tests, which set it.
os.environ.setdefault("ATHAR_SETTLE_SECONDS", "0")


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
