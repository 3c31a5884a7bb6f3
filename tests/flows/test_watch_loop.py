"""flows.watch.watch_forever: a failed run does not end the watcher (`athar up` would stop with it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from athar.errors import SearchUnavailableError
from athar.settings import Settings, load_settings
from flows import watch


def test_a_failed_run_is_reported_and_the_loop_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings().with_(data_dir=tmp_path / "data", inbox=str(tmp_path / "inbox"))
    (tmp_path / "inbox").mkdir()
    runs: list[str] = []

    def run(settings: Any, bucket_url: Any = None) -> dict[str, Any]:
        runs.append("run")
        if len(runs) == 1:
            raise SearchUnavailableError("the search engine is not reachable; start it and retry.")
        return {"objects": 1}

    monkeypatch.setattr(watch, "has_work", lambda settings, bucket_url=None: True)
    monkeypatch.setattr(watch, "run_watch_bucket", run)
    results: list[dict[str, Any]] = []
    watch.watch_forever(settings, interval=0.01, on_result=results.append, stop=lambda: len(results) >= 2)
    assert results == [{"error": "search_unavailable"}, {"objects": 1}]


def test_a_second_watch_run_on_the_same_data_stops_at_once(pipeline_settings: Settings) -> None:
    from app.bucket import open_bucket
    from tests.flows.scans import png_scan

    settings = pipeline_settings
    scan = png_scan(3, "transfer_list", "نقل 3.png")
    open_bucket(settings).put(scan.name, scan.data)
    with watch.one_watch_at_a_time(settings) as first:  # e.g. `athar up`'s watcher, mid-batch
        assert first
        result = watch.run_watch_bucket(settings)
    assert result == {"objects": 0, "skipped": "another watch run is in progress"}
    assert (Path(settings.inbox) / scan.name).exists()  # left for the run that holds the lock
    assert watch.run_watch_bucket(settings)["objects"] == 1  # the lock is released afterwards
