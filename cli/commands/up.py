"""`athar up`: the whole local pipeline in one command (what `make run` ends in).

Starts, or reuses when already running: the embedded search node (warmed), a local Prefect
server (SQLite under ``data_dir/prefect``), a serve process for the three flows (on demand),
the inbox watcher (`athar watch`, one long-lived process whose flow runs reuse its OCR
processes and loaded NLP stage; see flows/serve.py) and the web search; with ``ATHAR_FANOUT=workers``
also ``ATHAR_WORKERS`` workers (`athar work`, sharing ``ATHAR_JOBS`` OCR processes) while the watcher
only takes scans in. A child that dies is restarted with back-off. Prints the UI URL and how to
search; Ctrl-C stops, in order, every child this command started (and only those).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from athar.errors import ToolFailedError
from athar.private import (
    OFFLINE_PREFECT,
    PREFECT_SECRET,
    open_private,
    private_dir,
    secret,
    write_private,
)
from athar.settings import PROJECT_ROOT, Settings, load_settings

PREFECT_USER = "athar"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "up", help="start search node, Prefect server and the inbox watcher (Ctrl-C stops)"
    )
    parser.add_argument(
        "--interval", type=float, default=5.0, help="seconds between inbox checks (default 5)"
    )
    parser.add_argument(
        "--prefect-port",
        type=int,
        default=None,
        help="local Prefect server port (default ATHAR_PREFECT_PORT, 4200)",
    )
    parser.add_argument("--no-node", action="store_true", help="do not start the embedded search node")
    parser.add_argument(
        "--web-port", type=int, default=None, help="web search port (default ATHAR_WEB_PORT, 8000)"
    )
    parser.add_argument("--no-web", action="store_true", help="do not start the researchers' web search")
    parser.set_defaults(func=run)


def _say(text: str) -> None:
    print(f"[athar up] {text}", flush=True)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _alive(pid: int, marker: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return marker in cmdline


RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds before restarting a child that died
STABLE_AFTER = 300.0  # a child that ran this long before dying starts the back-off from the beginning
STOP_WAIT = 30.0  # seconds a child's process group gets after SIGINT, then after SIGTERM, before SIGKILL


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _wait_group(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait until the child and every process of its group are gone; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None and not _group_alive(process.pid):
            return True
        time.sleep(0.2)
    return process.poll() is not None and not _group_alive(process.pid)


class Children:
    """Child processes this command started: each leads its own process group (its OCR workers and
    flow-run processes are in it), is restarted with back-off when it dies, and is stopped, group
    and all, in reverse order."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._specs: dict[str, tuple[list[str], dict[str, str]]] = {}
        self._since: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._restart_at: dict[str, float] = {}
        private_dir(run_dir)

    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.json"

    def running(self, name: str, marker: str) -> int | None:
        """Pid of an earlier `athar up`'s child that still runs, if any."""
        try:
            pid = int(json.loads(self.pid_file(name).read_text())["pid"])
        except (OSError, ValueError, KeyError):
            return None
        return pid if _alive(pid, marker) else None

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log_path = self.run_dir / f"{name}.log"
        with os.fdopen(open_private(log_path), "ab") as log_file:
            process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group; Ctrl-C reaches us only
            )
        write_private(self.pid_file(name), json.dumps({"pid": process.pid, "command": command[:3]}))
        self.started = [(n, p) for n, p in self.started if n != name] + [(name, process)]
        self._specs[name] = (command, env)
        self._since[name] = time.monotonic()
        return process

    def supervise(self) -> None:
        """One look at the children: a dead one's group is cleared and it is restarted after a back-off."""
        now = time.monotonic()
        for name, process in list(self.started):
            if process.poll() is None:
                continue
            if name not in self._restart_at:
                _signal_group(process.pid, signal.SIGKILL)  # no orphan outlives its leader
                ran = now - self._since[name]
                failures = 0 if ran >= STABLE_AFTER else self._failures.get(name, 0)
                delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
                self._failures[name] = failures + 1
                self._restart_at[name] = now + delay
                _say(
                    f"{name} (pid {process.pid}) stopped unexpectedly (status {process.returncode}) after "
                    f"{ran:.0f} s; restarting in {delay:g} s (see {self.run_dir / (name + '.log')})"
                )
            elif now >= self._restart_at[name]:
                del self._restart_at[name]
                command, env = self._specs[name]
                child = self.start(name, command, env)
                _say(f"{name} restarted (pid {child.pid})")

    def stop_all(self) -> None:
        for name, process in reversed(self.started):
            if process.poll() is None or _group_alive(process.pid):
                _say(f"stopping {name} (pid {process.pid})")
                # Prefect processes stop cleanly on SIGINT; the whole group gets it (OCR workers too)
                for signum in (signal.SIGINT, signal.SIGTERM):
                    _signal_group(process.pid, signum)
                    if _wait_group(process, STOP_WAIT):
                        break
                else:
                    _signal_group(process.pid, signal.SIGKILL)
                    process.wait()
            self.pid_file(name).unlink(missing_ok=True)


def _prefect_env(settings: Settings, port: int) -> dict[str, str]:
    home = private_dir(settings.data_dir / "prefect")
    # the local server's API (flow runs, their parameters and logs) needs this user:password; the
    # clients below send it; the UI asks for it once (it is in data_dir/secrets/prefect-api, 0600)
    auth = f"{PREFECT_USER}:{secret(settings, PREFECT_SECRET)}"
    env = dict(os.environ)
    env.update(
        {
            **OFFLINE_PREFECT,
            "PREFECT_SERVER_API_AUTH_STRING": auth,
            "PREFECT_API_AUTH_STRING": auth,
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            # our own loggers (sha256/page/count/code lines only) also show in the Prefect UI
            "PREFECT_LOGGING_EXTRA_LOGGERS": "athar,app,flows,ocr,nlp,index",
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(port),
            "ATHAR_DATA_DIR": str(settings.data_dir),
        }
    )
    env.pop("PREFECT_API_KEY", None)
    return env


def _wait(url: str, process: subprocess.Popen[bytes], what: str, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _healthy(url):
            return
        if process.poll() is not None:
            raise ToolFailedError(f"{what} exited during start-up; see {log}.", code="start_failed")
        time.sleep(0.5)
    raise ToolFailedError(
        f"{what} did not answer on {url} within {timeout:.0f} s; see {log}.", code="start_timeout"
    )


def _workers(settings: Settings, args: argparse.Namespace) -> list[tuple[str, list[str], str]]:
    """With ``ATHAR_FANOUT=workers``: ``ATHAR_WORKERS`` worker processes (`athar work`) next to the
    watcher, which then only takes scans in; (name, arguments, what) of each. None otherwise."""
    if settings.fanout != "workers":
        return []
    jobs = _worker_jobs(settings)
    return [
        (
            f"worker-{i}",
            ["-m", "cli", "work", "--interval", str(args.interval)],
            f"worker {i} of {settings.workers} ({jobs} OCR process{'es' if jobs > 1 else ''})",
        )
        for i in range(1, settings.workers + 1)
    ]


def _worker_jobs(settings: Settings) -> int:
    """OCR processes of each worker: ``ATHAR_JOBS`` is the box's budget, shared by its workers."""
    return max(1, settings.jobs // settings.workers)


def _child_env(env: dict[str, str], settings: Settings, name: str) -> dict[str, str]:
    """A child's environment: a worker gets its share of the OCR processes and its own claimant name."""
    if not name.startswith("worker-"):
        return env
    out = {**env, "ATHAR_JOBS": str(_worker_jobs(settings))}
    if settings.worker_name:  # one name per process: claims tell workers apart by it
        out["ATHAR_WORKER_NAME"] = f"{settings.worker_name}-{name.removeprefix('worker-')}"
    else:
        out.pop("ATHAR_WORKER_NAME", None)  # host:pid
    return out


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    # Ctrl-C and SIGTERM (e.g. from a supervisor) both stop the children in order; installing
    # handlers also undoes an inherited "ignore SIGINT", so the children get default handling.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    settings = load_settings()
    args.prefect_port = args.prefect_port or settings.prefect_port
    args.web_port = args.web_port or settings.web_port
    children = Children(settings.data_dir / "run")
    bin_dir = Path(sys.executable).parent
    node_started = False
    try:
        # 1. search node (embedded default only; an external ATHAR_SEARCH_URL is used as is)
        local_search = settings.search_url.rstrip("/") == f"http://127.0.0.1:{settings.node_port}"
        if local_search and not args.no_node:
            from index import node

            status = node.start(settings, warm=True)
            node_started = not status.already_running
            _say(f"search node {'already running' if status.already_running else 'started'} at {status.url}")
        else:
            _say(f"search engine: {settings.search_url} (not started here)")

        # 2. Prefect server (SQLite under data_dir/prefect)
        env = _prefect_env(settings, args.prefect_port)
        health = f"http://127.0.0.1:{args.prefect_port}/api/health"
        if _healthy(health):
            _say(f"Prefect server already running on port {args.prefect_port}")
        else:
            server = children.start(
                "prefect-server",
                [
                    str(bin_dir / "prefect"),
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(args.prefect_port),
                    "--analytics-off",
                ],
                env,
            )
            _say(f"starting the Prefect server (pid {server.pid}) ...")
            _wait(health, server, "the Prefect server", children.run_dir / "prefect-server.log")

        # 3-5. the project's own processes: a serve process for the three deployments (watch on
        # demand), the watcher (one long-lived process whose flow runs keep OCR processes and NLP
        # warm), and the researchers' web search (127.0.0.1 only; see `athar serve --help`)
        project_env = {**env, "PYTHONPATH": str(PROJECT_ROOT)}
        own = [
            ("flows-serve", "flows.serve", ["-m", "flows.serve", "--watch-on-demand"], "serving the flows"),
            (
                "watcher",
                "-m cli watch",
                ["-m", "cli", "watch", "--interval", str(args.interval)],
                f"watching the inbox (every {args.interval:g} s)",
            ),
        ]
        own += [(name, "-m cli work", arguments, what) for name, arguments, what in _workers(settings, args)]
        if not args.no_web:
            own.append(
                (
                    "web",
                    "-m cli serve",
                    ["-m", "cli", "serve", "--port", str(args.web_port)],
                    "web search",
                )
            )
        for name, marker, arguments, what in own:
            if pid := children.running(name, marker):
                _say(f"{what}: already running (pid {pid})")
            else:
                child = children.start(
                    name, [sys.executable, *arguments], _child_env(project_env, settings, name)
                )
                _say(f"{what} (pid {child.pid})")

        _say(
            f"Prefect UI:   http://127.0.0.1:{args.prefect_port}   (login: the line in "
            f"{settings.data_dir / 'secrets' / PREFECT_SECRET}, prefixed with '{PREFECT_USER}:')"
        )
        if not args.no_web:
            _say(f"web search:   http://127.0.0.1:{args.web_port}")
        _say(f"drop scans:   {settings.inbox}   (state: `athar status`)")
        _say(
            "search:       athar search 'words'  |  athar person --name 'name' --mother 'mother' --born 1985"
        )
        if not children.started and not node_started:
            _say("everything was already running; nothing to stop here")
            return 0
        _say("Ctrl-C stops what this command started")
        while True:  # a child that dies is restarted with back-off (only the node: nothing to watch)
            children.supervise()
            time.sleep(1)
    except KeyboardInterrupt:
        _say("Ctrl-C: stopping")
        return 0
    finally:
        children.stop_all()
        if node_started:
            from index import node

            _say("stopping the search node")
            node.stop(settings)
