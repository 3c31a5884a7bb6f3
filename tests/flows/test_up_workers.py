"""`athar up` with ``ATHAR_FANOUT=workers``: the watcher only takes scans in; ``ATHAR_WORKERS`` worker
processes (`athar work`) under the same supervisor process them, a worker that dies is restarted, and
Ctrl-C stops them all, their OCR processes included. Real engines: a search node, a Prefect server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from app.state import open_state
from athar.settings import PROJECT_ROOT, load_settings
from tests.flows.conftest import _free_port
from tests.flows.scans import png_scan
from tests.flows.test_up import _alive, _wait_for
from tests.flows.test_up_hardening import _group_gone

WORKERS = 2


def test_up_in_workers_mode_supervises_the_workers(
    tmp_path: Path, search_node: tuple[str, Path, int]
) -> None:
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "ATHAR_DATA_DIR": str(data),
        "ATHAR_INBOX": str(inbox),
        "ATHAR_SEARCH_URL": search_node[0],
        "ATHAR_INDEX_PREFIX": f"w{uuid.uuid4().hex[:10]}",
        "ATHAR_FANOUT": "workers",
        "ATHAR_WORKERS": str(WORKERS),
        "ATHAR_JOBS": str(WORKERS),  # the box's OCR budget: one OCR process per worker
        "ATHAR_WORKER_NAME": "box",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-m", "cli", "up", "--no-node", "--no-web"]
    command += ["--prefect-port", str(_free_port()), "--interval", "1"]
    log_path = tmp_path / "up.log"
    names = ["watcher", *(f"worker-{i}" for i in range(1, WORKERS + 1))]

    def pid(name: str) -> int:
        return int(json.loads((data / "run" / f"{name}.json").read_text())["pid"])

    with log_path.open("w") as log:
        up = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    seen: list[int] = []
    try:
        _wait_for(lambda: "Ctrl-C stops" in log_path.read_text(), 180, "athar up to start")
        pids = {name: pid(name) for name in names}
        seen += pids.values()
        assert all(_alive(p) for p in pids.values())
        for i in range(1, WORKERS + 1):  # each worker: its share of the OCR processes, its own name
            environ = Path(f"/proc/{pids[f'worker-{i}']}/environ").read_bytes().split(b"\0")
            assert b"ATHAR_JOBS=1" in environ and f"ATHAR_WORKER_NAME=box-{i}".encode() in environ
        # a worker dies (kill -9): it is restarted
        os.kill(pids["worker-1"], signal.SIGKILL)
        _wait_for(
            lambda: pid("worker-1") != pids["worker-1"] and _alive(pid("worker-1")),
            120,
            "worker-1 to be restarted",
        )
        seen.append(pid("worker-1"))
        assert "worker-1" in log_path.read_text() and "restarting in" in log_path.read_text()
        # a scan dropped into the inbox: taken in by the watcher, processed by a worker
        (inbox / "scan.png").write_bytes(png_scan(11, "prison_register", "scan.png", rows=1).data)
        store = open_state(load_settings({"ATHAR_DATA_DIR": str(data)}))

        def worked() -> bool:
            return any(
                r["flow"] == "work-pending" and (r["summary"] or {}).get("indexed") == 1
                for r in store.last_runs(50)
            )

        _wait_for(worked, 300, "a worker's run to index the scan")
        assert store.counts()["indexed"] == 1
        runs = store.last_runs(50)
        assert not any((r["summary"] or {}).get("indexed") for r in runs if r["flow"] != "work-pending")
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(timeout=120)
    assert up.returncode == 0
    assert seen and not any(_alive(p) for p in seen)
    assert all(_group_gone(p) for p in seen)  # nor any of their OCR processes
    assert not any((data / "run" / f"{name}.json").exists() for name in names)
