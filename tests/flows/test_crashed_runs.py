"""A flow run whose process was killed is marked Crashed in Prefect (it would stay Running for ever)."""

from __future__ import annotations

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.states import Running

from flows.report import mark_crashed


@flow(name="killed-watch")
def _killed() -> None:
    """Stands for a watch-bucket run whose process died."""


def test_killed_flow_runs_are_marked_crashed(prefect_harness: None) -> None:
    with get_client(sync_client=True) as client:
        run = client.create_flow_run(_killed)
        client.set_flow_run_state(run.id, Running(), force=True)
        assert client.read_flow_run(run.id).state.is_running()
        mark_crashed([str(run.id), "not-a-prefect-id"])  # a plain run's id is left to the state store
        state = client.read_flow_run(run.id).state
    assert state.is_crashed() and "killed" in (state.message or "")
