"""`athar up` starts a Prefect server and the served flows, is reusable, and Ctrl-C stops its children."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from athar.settings import PROJECT_ROOT
from tests.flows.conftest import _free_port


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state != "Z"


def test_up_serves_the_watcher_reuses_and_stops_children_on_ctrl_c(tmp_path: Path) -> None:
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "ATHAR_DATA_DIR": str(data),
        "ATHAR_INBOX": str(inbox),
        "ATHAR_JOBS": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("PREFECT_API_URL", None)
    command = [
        sys.executable,
        "-m",
        "cli",
        "up",
        "--no-node",
        "--prefect-port",
        str(port),
        "--interval",
        "2",
        "--web-port",
        str(_free_port()),
    ]
    log = (tmp_path / "up.log").open("w")
    up = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: "Ctrl-C stops" in (tmp_path / "up.log").read_text(), 180, "athar up to start")
        pids = {
            name: json.loads((data / "run" / f"{name}.json").read_text())["pid"]
            for name in ("prefect-server", "flows-serve", "watcher", "web")
        }
        # a bad scan dropped into the inbox is taken in and quarantined by the watcher
        (inbox / "ليس مسحاً.pdf").write_bytes("نص فقط".encode())
        status = [sys.executable, "-m", "cli", "status", "--json"]

        def quarantined() -> bool:
            out = subprocess.run(status, env=env, capture_output=True, text=True, check=True).stdout
            return bool(json.loads(out)["counts"]["quarantined"] == 1)

        _wait_for(quarantined, 120, "the watcher to quarantine the bad scan")
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0
        assert "already running" in second.stdout and "nothing to stop" in second.stdout
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(timeout=90)
        log.close()
    assert up.returncode == 0
    assert not any(_alive(pid) for pid in pids.values())
    assert not (data / "run" / "flows-serve.json").exists()
    assert not (data / "run" / "watcher.json").exists()
