"""Secrets never reach Prefect: canary secrets in the environment (and one in a Prefect Secret block)
while real flows run (watch, then a worker's run, on a generated scan); then every table and column
of Prefect's database, the logs, the artifacts, the state store and the index are searched for them."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bucket import open_bucket
from app.state import INDEXED
from athar.settings import Settings, load_settings
from tests.flows.scans import png_scan

CANARIES = {
    "ATHAR_SEARCH_PASSWORD": "canary-search-" + uuid.uuid4().hex,
    "ATHAR_S3_KEY": "canary-s3key-" + uuid.uuid4().hex,
    "ATHAR_WEB_TOKEN": "canary-webtoken-" + uuid.uuid4().hex,
    "ATHAR_WEB_PASSWORD": "canary-webpass-" + uuid.uuid4().hex,
}
BLOCK_CANARY = "canary-s3secret-" + uuid.uuid4().hex  # ATHAR_S3_SECRET, read from a Secret block


def _prefect_rows() -> list[tuple[str, str]]:
    """(table, text of a row) for every row of every table of the Prefect test server's database."""
    import prefect.settings

    url = prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
    path = Path(url.split(":///", 1)[1])
    db = sqlite3.connect(path)
    rows = []
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for row in db.execute(f'SELECT * FROM "{table}"'):
            rows.append(
                (
                    table,
                    " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row),
                )
            )
    db.close()
    assert "flow_run" in tables and "log" in tables and "artifact" in tables
    return rows


def _index_text(settings: Settings) -> str:
    from index.client import make_client

    client = make_client(settings)
    found = client.search(index=f"{settings.index_prefix}*", body={"query": {"match_all": {}}, "size": 1000})
    assert found["hits"]["hits"], "the flows indexed nothing"
    return json.dumps(found, ensure_ascii=False)


@pytest.fixture
def canary_node(tmp_path: Path) -> Iterator[str]:
    """A search node of its own whose password is the canary (nodes that require credentials take
    them from the settings they are started with)."""
    from index import node

    secured = load_settings().with_(search_user="athar", search_password=CANARIES["ATHAR_SEARCH_PASSWORD"])
    node_dir = tmp_path / "node"
    status = node.start(secured, node_dir=node_dir, port=node.free_port(), heap="512m")
    try:
        yield status.url
    finally:
        node.stop(secured, node_dir=node_dir)


def test_canary_secrets_reach_no_prefect_table_log_artifact_state_or_index(
    pipeline_settings: Settings,
    canary_node: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from prefect.blocks.system import Secret
    from prefect.logging.handlers import APILogHandler

    from flows.watch import watch_bucket
    from flows.work import work_pending

    caplog.set_level(logging.DEBUG)
    base = pipeline_settings
    block = f"athar-s3-secret-{uuid.uuid4().hex[:8]}"
    Secret(value=BLOCK_CANARY).save(block)
    env = {
        "ATHAR_DATA_DIR": str(base.data_dir),
        "ATHAR_INBOX": base.inbox,
        "ATHAR_SEARCH_URL": canary_node,
        "ATHAR_SEARCH_USER": "athar",
        "ATHAR_INDEX_PREFIX": base.index_prefix,
        "ATHAR_JOBS": "2",
        "ATHAR_FANOUT": "workers",
        "ATHAR_S3_SECRET_BLOCK": block,
        **CANARIES,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ATHAR_S3_SECRET", raising=False)
    settings = load_settings()  # inside the flows, too, settings come from this environment
    assert (
        settings.s3_secret == BLOCK_CANARY and settings.search_password == CANARIES["ATHAR_SEARCH_PASSWORD"]
    )
    open_bucket(settings).put("سجل.png", png_scan(2, "prison_register", "سجل.png").data)

    taken = watch_bucket()  # flow functions called as flows: parameters are the defaults only
    done = work_pending()

    assert taken["new_documents"] == 1 and done[INDEXED] == 1
    APILogHandler().flush()  # the logs still in the client's queue reach the server
    rows = _prefect_rows()
    assert any(table == "log" for table, _ in rows), "the flows' logs must have reached Prefect"
    assert any(table == "artifact" for table, _ in rows)
    state_db = sqlite3.connect(settings.data_dir / "athar.db")
    state_text = json.dumps(
        [
            list(map(str, r))
            for t in ("documents", "drops", "versions", "runs")
            for r in state_db.execute(f"SELECT * FROM {t}")
        ]
    )
    state_db.close()
    index_text = _index_text(settings)
    for secret in [*CANARIES.values(), BLOCK_CANARY]:
        leaks = [table for table, text in rows if secret in text]
        assert not leaks, f"a canary secret is in Prefect tables {sorted(set(leaks))}"
        assert secret not in caplog.text
        assert secret not in state_text
        assert secret not in index_text
