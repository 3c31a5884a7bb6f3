"""prefect.yaml and flows.serve describe the three flows with the schedules the issue asks for."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from prefect import Flow

from athar.settings import PROJECT_ROOT


def test_prefect_yaml_entrypoints_are_the_three_flows_on_a_process_pool() -> None:
    spec = yaml.safe_load(Path(PROJECT_ROOT / "prefect.yaml").read_text())
    by_name = {d["name"]: d for d in spec["deployments"]}
    assert set(by_name) == {"athar-watch", "athar-process", "athar-reprocess"}
    for deployment in by_name.values():
        module, _, attr = deployment["entrypoint"].partition(":")
        flow_obj = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), attr)
        assert isinstance(flow_obj, Flow)
        assert deployment["work_pool"]["name"] == "athar-process"
    assert by_name["athar-watch"]["schedules"][0]["interval"] > 0
    assert by_name["athar-watch"]["concurrency_limit"] == 1


def test_serve_builds_deployments_with_an_interval_on_watch() -> None:
    from flows.serve import deployments

    built = {d.name: d for d in deployments(interval=12)}
    assert set(built) == {"athar-watch", "athar-process", "athar-reprocess"}
    (schedule,) = built["athar-watch"].schedules
    assert schedule.schedule.interval.total_seconds() == 12
    assert not built["athar-process"].schedules


def test_serve_can_leave_watch_to_a_long_lived_watcher() -> None:
    from flows.serve import deployments

    built = {d.name: d for d in deployments(interval=None)}
    assert not built["athar-watch"].schedules  # `athar up` runs `athar watch` instead
    assert set(built) == {"athar-watch", "athar-process", "athar-reprocess"}
