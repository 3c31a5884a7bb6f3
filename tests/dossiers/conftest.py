"""Dossier tests: a real search node (the session's), an index prefix and a data directory per module."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from athar.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings(search_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data: Path = tmp_path_factory.mktemp("dossiers-data")
    return load_settings().with_(
        search_url=search_url, index_prefix=f"t{uuid.uuid4().hex[:10]}", data_dir=data
    )


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[Any]:
    from index.client import make_client

    client = make_client(settings)
    yield client
    client.indices.delete(index=f"{settings.index_prefix}-*", ignore_unavailable=True)
    for kind in ("documents", "pages", "persons"):
        client.indices.delete_index_template(name=f"{settings.index_prefix}-{kind}", ignore=[404])
    client.close()
