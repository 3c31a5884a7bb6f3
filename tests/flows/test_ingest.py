"""`athar ingest` goes through the same application functions as a `watch-bucket` flow run.

The same scan is ingested by the command line (a separate process, `python -m cli ingest`) and
taken in by a flow run on another data directory and index: both give a verified original, an
indexed state row with its drop, the same OCR cache entries and the same index entries.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

from app import ocr_cache
from app.bucket import open_bucket
from app.originals import verify_original
from app.state import INDEXED, open_state
from athar.settings import Settings
from flows.watch import run_watch_bucket
from tests.flows.scans import png_scan
from tests.flows.test_pipeline import _child_env, _count


def _cache_files(settings: Settings, sha: str) -> list[str]:
    return sorted(p.name for p in ocr_cache.ocr_cache_dir(settings, sha).glob("p*.json"))


def test_cli_ingest_gives_the_same_originals_state_cache_and_index_as_a_flow_run(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    scan = png_scan(21, "prison_register", "سجل 21.png")
    sha = hashlib.sha256(scan.data).hexdigest()
    folder = tmp_path / "scans"
    folder.mkdir()
    # recognised by content: a scan without a suffix is taken, text named like a scan is not
    (folder / "no-suffix-scan").write_bytes(scan.data)
    (folder / "notes.pdf").write_text("not a scan at all", encoding="utf-8")

    cli_settings = pipeline_settings.with_(
        data_dir=tmp_path / "cli-data", index_prefix=f"c{uuid.uuid4().hex[:10]}"
    )
    done = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", str(folder), "--json"],
        env=_child_env(cli_settings),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["sha256"] == sha and line["status"] == INDEXED and line["pages"] == 1

    flow_settings = pipeline_settings
    open_bucket(flow_settings).put(scan.name, scan.data)
    assert run_watch_bucket(flow_settings)[INDEXED] == 1

    for settings in (cli_settings, flow_settings):
        assert verify_original(settings, sha).read_bytes() == scan.data
        store = open_state(settings)
        row = store.document(sha)
        assert row is not None and row.state == INDEXED and row.pages == 1
        assert len(store.versions(sha)) == 1 and len(store.drops(sha)) == 1
        assert _count(settings, "documents", sha) == 1 and _count(settings, "pages", sha) == 1
    assert _cache_files(cli_settings, sha) == _cache_files(flow_settings, sha) != []
    cli_page = ocr_cache.read_cached_page(cli_settings, sha, 1)
    flow_page = ocr_cache.read_cached_page(flow_settings, sha, 1)
    assert cli_page is not None and flow_page is not None and cli_page.text == flow_page.text
    cli_row, flow_row = open_state(cli_settings).document(sha), open_state(flow_settings).document(sha)
    assert cli_row is not None and flow_row is not None and cli_row.persons == flow_row.persons
    (drop,) = open_state(cli_settings).drops(sha)
    assert drop["object_key"] == "no-suffix-scan" and drop["disposition"] == "kept"
    assert (folder / "no-suffix-scan").read_bytes() == scan.data  # ingest never moves or alters a file
    assert [r["flow"] for r in open_state(cli_settings).last_runs(5)] == ["ingest"]
