"""`athar up` against local users: the Prefect API needs the generated auth string, nothing calls out,
and everything written under the data directory is the service account's only."""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from athar.settings import PROJECT_ROOT
from tests.flows.conftest import _free_port
from tests.flows.test_up import _alive, _wait_for


def _post(url: str, authorization: str | None = None) -> int:
    request = urllib.request.Request(
        url, data=b"{}", method="POST", headers={"Content-Type": "application/json"}
    )
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _exposed(root: Path) -> list[str]:
    """Paths under ``root`` that another account could read or enter."""
    return [
        f"{p.relative_to(root)} {stat.S_IMODE(p.lstat().st_mode):o}"
        for p in [root, *root.rglob("*")]
        if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077
    ]


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def test_up_protects_the_prefect_api_and_the_data_directory(tmp_path: Path) -> None:
    """Also: a watcher killed mid-run is restarted, its run is marked crashed, no process outlives up."""
    from app.state import open_state
    from athar.settings import load_settings

    data, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    killed_run = "0f0f0f0f-0000-4000-8000-000000000001"  # what a watcher killed mid-run leaves behind
    open_state(load_settings({"ATHAR_DATA_DIR": str(data)})).start_run(killed_run, "watch-bucket")
    port = _free_port()
    env = {
        **os.environ,
        "ATHAR_DATA_DIR": str(data),
        "ATHAR_INBOX": str(inbox),
        "ATHAR_JOBS": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    for name in ("PREFECT_API_URL", "PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_API_AUTH_STRING"):
        env.pop(name, None)
    command = [sys.executable, "-m", "cli", "up", "--no-node", "--no-web"]
    command += ["--prefect-port", str(port), "--interval", "2"]
    log_path = tmp_path / "up.log"
    with log_path.open("w") as log:
        up = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: "Ctrl-C stops" in log_path.read_text(), 180, "athar up to start")
        api = f"http://127.0.0.1:{port}/api"
        secret_file = data / "secrets" / "prefect-api"
        secret = secret_file.read_text().strip()
        assert secret not in log_path.read_text()  # the output names the file, never the secret
        good = "Basic " + base64.b64encode(f"athar:{secret}".encode()).decode()
        bad = "Basic " + base64.b64encode(b"athar:guess").decode()
        assert _post(f"{api}/flow_runs/filter") == 401
        assert _post(f"{api}/flow_runs/filter", bad) == 401
        assert _post(f"{api}/flow_runs/filter", good) == 200
        # the served flows and the watcher reach the server with it: the deployments got registered
        _wait_for(
            lambda: _post(f"{api}/deployments/filter", good) == 200 and _deployments(api, good) >= 3,
            180,
            "the served deployments to register",
        )
        pids = {
            n: json.loads((data / "run" / f"{n}.json").read_text())["pid"]
            for n in ("prefect-server", "watcher")
        }
        for pid in pids.values():
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"PREFECT_SERVER_ANALYTICS_ENABLED=false" in environ
            assert b"PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT=false" in environ
        _wait_for(lambda: any(data.rglob("prefect.db")), 60, "the Prefect database")
        assert _exposed(data) == []
        # the watcher dies (kill -9): it is restarted, and still takes scans in
        watcher = pids["watcher"]
        os.kill(watcher, signal.SIGKILL)

        def restarted() -> bool:
            pid = json.loads((data / "run" / "watcher.json").read_text())["pid"]
            return bool(pid != watcher and _alive(pid))

        _wait_for(restarted, 120, "the watcher to be restarted")
        assert "watcher" in log_path.read_text() and "restarting in" in log_path.read_text()
        pids["watcher"] = json.loads((data / "run" / "watcher.json").read_text())["pid"]
        (inbox / "ليس مسحاً.pdf").write_bytes("نص فقط".encode())
        store = open_state(load_settings({"ATHAR_DATA_DIR": str(data)}))
        _wait_for(
            lambda: store.counts()["quarantined"] == 1, 180, "the restarted watcher to take the scan in"
        )
        runs = {r["id"]: r["status"] for r in store.last_runs(20)}
        assert runs[killed_run] == "crashed"
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(timeout=90)
    assert up.returncode == 0
    assert not any(_alive(pid) for pid in pids.values())
    assert all(_group_gone(pid) for pid in pids.values())  # nor any process of their groups (OCR workers)
    assert _exposed(data) == []


def _deployments(api: str, authorization: str) -> int:
    request = urllib.request.Request(
        f"{api}/deployments/filter",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": authorization},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return len(json.loads(response.read()))


def test_every_athar_process_turns_prefect_telemetry_off(tmp_path: Path) -> None:
    """The CLI (so `athar watch`/`athar reprocess` and their temporary server) and the flows package
    (so Prefect's flow-run processes) force analytics off before Prefect reads its settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT), ATHAR_DATA_DIR=str(tmp_path), PREFECT_SERVER_ANALYTICS_ENABLED="true"
    )
    show = (
        "from prefect.settings import get_current_settings as g; s = g();"
        "import os; print(s.server.analytics_enabled, s.server.ui.show_promotional_content, oct(os.umask(0)))"
    )
    for prelude in ("from cli.main import main; main(['status', '--json'])", "import flows"):
        out = subprocess.run(
            [sys.executable, "-c", f"{prelude}\n{show}"], env=env, capture_output=True, text=True, check=True
        ).stdout
        assert out.strip().splitlines()[-1] == "False False 0o77", prelude
