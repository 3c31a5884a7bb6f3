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
    assert set(by_name) == {"athar-watch", "athar-process", "athar-work", "athar-reprocess", "athar-verify"}
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
    assert set(built) == {"athar-watch", "athar-process", "athar-work", "athar-reprocess", "athar-verify"}
    (schedule,) = built["athar-watch"].schedules
    assert schedule.schedule.interval.total_seconds() == 12
    assert not built["athar-process"].schedules
    (fixity,) = built["athar-verify"].schedules  # the fixity check keeps its own daily schedule
    assert fixity.schedule.interval.total_seconds() == 24 * 3600


def test_serve_can_leave_watch_to_a_long_lived_watcher() -> None:
    from flows.serve import deployments

    built = {d.name: d for d in deployments(interval=None)}
    assert not built["athar-watch"].schedules  # `athar up` runs `athar watch` instead
    assert set(built) == {"athar-watch", "athar-process", "athar-work", "athar-reprocess", "athar-verify"}


def test_prefect_yaml_is_written_from_the_deployments_table() -> None:
    """prefect.yaml and flows.serve come from one table: the file must match what the table writes."""
    from flows.deployments import DEPLOYMENTS, PREFECT_YAML, WORK_POOL, prefect_yaml

    assert Path(PREFECT_YAML).read_text(encoding="utf-8") == prefect_yaml(), (
        "prefect.yaml is stale: run `python -m flows.deployments --write`"
    )
    spec = yaml.safe_load(prefect_yaml())
    assert [d["name"] for d in spec["deployments"]] == [d.name for d in DEPLOYMENTS]
    for written, row in zip(spec["deployments"], DEPLOYMENTS, strict=True):
        assert written["entrypoint"] == row.entrypoint and written["work_pool"]["name"] == WORK_POOL
        assert written.get("concurrency_limit") == row.concurrency_limit
        assert written.get("parameters", {}) == row.parameters
    from flows.serve import deployments

    served = {d.name: d for d in deployments(interval=7)}
    assert set(served) == {d.name for d in DEPLOYMENTS}
    for row in DEPLOYMENTS:
        assert served[row.name].concurrency_limit == row.concurrency_limit
        assert bool(served[row.name].schedules) == (row.interval is not None)


def test_flow_parameters_are_ids_keys_and_flags_never_settings() -> None:
    """No flow takes a Settings object (it would put secrets into Prefect's flow_run.parameters)."""
    import inspect

    from flows.deployments import DEPLOYMENTS

    for row in DEPLOYMENTS:
        for name, parameter in inspect.signature(row.flow().fn).parameters.items():
            assert name != "settings" and "Settings" not in str(parameter.annotation), (row.name, name)
