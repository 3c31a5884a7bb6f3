"""Fixtures of the scale tests: a real PostgreSQL server for the session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.scale.postgres import create_database, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """URL of the session's PostgreSQL server (database `athar`)."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def state_url(postgres: str) -> str:
    """A fresh, empty database for one test."""
    return create_database(postgres, f"t{uuid.uuid4().hex[:12]}")


# The flows tests' real engines: settings on a temp dir, the Prefect test server, a search node, S3.
from tests.flows.conftest import (  # noqa: E402
    pipeline_settings,
    prefect_harness,
    s3_server,
    s3_settings,
    search_node,
    settings,
)

__all__ = ["pipeline_settings", "prefect_harness", "s3_server", "s3_settings", "search_node", "settings"]
