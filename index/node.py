"""Start, stop and inspect the embedded single OpenSearch node (``index/node``).

The node is a JVM running ``org.athar.node.AtharNode`` from the jars Maven put
in ``index/node/target`` (``make`` / ``scripts/setup.sh search``). It binds
127.0.0.1 only, keeps data and logs under ``Settings.node_dir`` (0700, files 0600) and is
detached from the terminal; ``node.json`` (pid, ports) and ``node.log`` live there too. Every
HTTP request must authenticate (``HttpAuthPlugin``): the user and password are
``ATHAR_SEARCH_USER``/``ATHAR_SEARCH_PASSWORD`` or a secret generated once into
``data_dir/secrets/search-node`` (0600), handed to the JVM in its environment.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from athar.errors import AtharError, ConfigurationError, ToolFailedError, ToolMissingError
from athar.private import PRIVATE_UMASK, open_private, private_dir, search_credentials, write_private
from athar.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

NODE_PROJECT = PROJECT_ROOT / "index" / "node"
MAIN_CLASS = "org.athar.node.AtharNode"


@dataclass(frozen=True)
class NodeStatus:
    """What is known about the embedded node."""

    running: bool
    url: str
    pid: int | None = None
    health: str | None = None  # green / yellow / red, when it answers
    already_running: bool = False
    log_file: str | None = None


# The JIT's optimising compiler (C2) off: on 2 cores shared with OCR its compiling cost more than
# its faster code saved (bench/search.py --pages 20000: bulk 1,765 against 1,318 pages/s,
# full-text p95 19 against 47 ms; a 96-page batch cost the node 1.0 against 2.3 CPU-s).
# ATHAR_NODE_JAVA_OPTS comes after these, so "-XX:TieredStopAtLevel=4" turns C2 back on.
DEFAULT_JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1",)


def java_options(settings: Settings) -> list[str]:
    """JVM options beyond heap and GC: the defaults above, then ATHAR_NODE_JAVA_OPTS (shell words)."""
    return [*DEFAULT_JAVA_OPTIONS, *settings.node_java_options]


def cluster_options(settings: Settings) -> list[str]:
    """JVM options that make the node form or join a cluster (none for the single-node default).

    ``ATHAR_SEED_HOSTS`` (host:transport_port of the other nodes) turns on discovery; the node is
    ``ATHAR_NODE_NAME`` in ``ATHAR_CLUSTER_NAME``, and a new cluster is bootstrapped from the
    nodes named in ``ATHAR_CLUSTER_MANAGERS`` (every node's name, the same list on each).
    """
    chosen: dict[str, str] = {}
    if settings.cluster_name != "athar":
        chosen["cluster.name"] = settings.cluster_name
    if settings.node_name:
        chosen["node.name"] = settings.node_name
    if settings.seed_hosts:
        if not settings.node_name or not settings.cluster_managers:
            raise ConfigurationError(
                "ATHAR_SEED_HOSTS is set: also set ATHAR_NODE_NAME (this node) and ATHAR_CLUSTER_MANAGERS "
                "(the names of the nodes that bootstrap the cluster, the same on every node)."
            )
        chosen["discovery.type"] = "zen"
        chosen["discovery.seed_hosts"] = ",".join(settings.seed_hosts)
        chosen["cluster.initial_cluster_manager_nodes"] = ",".join(settings.cluster_managers)
    return [f"-Dathar.setting.{key}={value}" for key, value in chosen.items()]


def classpath(node_project: Path = NODE_PROJECT) -> str:
    """The launcher's class path; raises a clear error when the jars were never built."""
    classes = node_project / "target" / "classes"
    lib = node_project / "target" / "lib"
    launcher = classes / "org" / "athar" / "node" / "AtharNode.class"
    if not launcher.exists() or not any(lib.glob("opensearch-*.jar")):
        if shutil.which("mvn") is None:
            raise ToolMissingError(
                "The search node is not built and Maven is missing; run 'make setup-search' "
                "(installs Maven and Java 17, then fetches the OpenSearch jars)."
            )
        raise ToolMissingError("The search node's jars are not built; run 'make setup-search' (or 'make').")
    return f"{classes}{os.pathsep}{lib}{os.sep}*"


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise ToolMissingError(
            "Java 17 is not installed; run 'make setup-search' or apt-get install openjdk-17-jdk."
        )
    return java


def _state_file(node_dir: Path) -> Path:
    return node_dir / "node.json"


def _read_state(node_dir: Path) -> dict[str, int] | None:
    try:
        data = json.loads(_state_file(node_dir).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_our_node(pid: int, node_dir: Path) -> bool:
    """Whether ``pid`` is alive and is the launcher for this node directory."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return MAIN_CLASS.encode() in cmdline and str(node_dir).encode() in cmdline


Credentials = tuple[str, str] | None


def _health(url: str, credentials: Credentials, timeout: float = 2.0) -> str | None:
    request = urllib.request.Request(f"{url}/_cluster/health")
    if credentials:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return str(json.loads(response.read()).get("status"))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def _port_busy(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _credentials(settings: Settings, port: int, *, create: bool = False) -> Credentials:
    """The node's user and password: ATHAR_SEARCH_PASSWORD, else the data directory's generated secret."""
    return search_credentials(settings.with_(search_url=f"http://127.0.0.1:{port}"), create=create)


def status(settings: Settings, *, node_dir: Path | None = None) -> NodeStatus:
    """Whether the embedded node of this data directory runs, and its cluster health."""
    node_dir = (node_dir or settings.node_dir).resolve()
    state = _read_state(node_dir)
    if state and _is_our_node(int(state.get("pid", 0)), node_dir):
        url = f"http://127.0.0.1:{state['port']}"
        health = _health(url, _credentials(settings, int(state["port"])))
        return NodeStatus(True, url, int(state["pid"]), health, log_file=str(node_dir / "node.log"))
    return NodeStatus(False, f"http://127.0.0.1:{settings.node_port}")


def start(
    settings: Settings,
    *,
    node_dir: Path | None = None,
    port: int | None = None,
    heap: str | None = None,
    timeout: float = 180.0,
    warm: bool = False,
    transport_port: int | None = None,
) -> NodeStatus:
    """Start the node detached and wait for yellow health; a running node is left alone.

    ``warm`` runs :func:`index.warm.warm_node` on a node this call started (a few seconds, while
    nothing else runs), so the first batch does not pay the node's first-use cost; a warm-up that
    fails is logged and ignored (the node itself is fine).
    """
    node_dir = (node_dir or settings.node_dir).resolve()
    port = port or settings.node_port
    current = status(settings, node_dir=node_dir)
    if current.running:
        if current.health is None:
            current = _wait_healthy(current, node_dir, timeout, _credentials(settings, port))
        return NodeStatus(**{**current.__dict__, "already_running": True})
    java = _java()
    cp = classpath()
    if _port_busy(port):
        raise ConfigurationError(
            f"Port {port} on 127.0.0.1 is already taken by another program; stop it or set ATHAR_NODE_PORT "
            "(and ATHAR_SEARCH_URL) to a free port.",
            code="port_in_use",
        )
    private_dir(node_dir)
    credentials = _credentials(settings, port, create=True)
    assert credentials is not None  # create=True always gives a secret
    transport_port = transport_port or settings.node_transport_port or free_port()
    heap = heap or settings.node_heap
    log_path = node_dir / "node.log"
    command = [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Dlog4j2.formatMsgNoLookups=true",
        "-Dopensearch.set.netty.runtime.available.processors=false",
        *java_options(settings),
        *cluster_options(settings),
        "-cp",
        cp,
        MAIN_CLASS,
        str(node_dir),
        str(port),
        str(transport_port),
    ]
    with os.fdopen(open_private(log_path), "ab") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=node_dir,
            start_new_session=True,
            # the node's credentials by environment (readable by this account only, unlike the command line)
            env={**os.environ, "ATHAR_NODE_USER": credentials[0], "ATHAR_NODE_PASSWORD": credentials[1]},
            umask=PRIVATE_UMASK,  # index files, logs and translog: owner only
        )
    write_private(
        _state_file(node_dir), json.dumps({"pid": process.pid, "port": port, "transport": transport_port})
    )
    started = NodeStatus(True, f"http://127.0.0.1:{port}", process.pid, None, log_file=str(log_path))
    healthy = _wait_healthy(started, node_dir, timeout, credentials, process=process)
    if warm:
        _warm(settings, healthy.url)
    return healthy


def _warm(settings: Settings, url: str) -> None:
    from index.client import make_client
    from index.warm import warm_node

    local = settings.with_(search_url=url)
    try:
        warm_node(make_client(local, timeout=120), local)
    except AtharError as exc:
        log.warning("search node warm-up skipped: [%s] %s", exc.code, exc.message)


def _log_tail(node_dir: Path, lines: int = 5) -> str:
    try:
        text = (node_dir / "node.log").read_text(errors="replace").splitlines()
    except OSError:
        return ""
    interesting = [line for line in text if "ERROR" in line or "Exception" in line or "athar-node" in line]
    return " | ".join((interesting or text)[-lines:])[:600]


def _wait_healthy(
    node: NodeStatus,
    node_dir: Path,
    timeout: float,
    credentials: Credentials,
    process: subprocess.Popen[bytes] | None = None,
) -> NodeStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = _health(node.url, credentials)
        if health in ("green", "yellow"):
            return NodeStatus(**{**node.__dict__, "health": health})
        if process is not None and process.poll() is not None:
            _state_file(node_dir).unlink(missing_ok=True)
            raise ToolFailedError(
                f"The search node exited during start-up (status {process.returncode}); "
                f"see {node_dir / 'node.log'}: {_log_tail(node_dir)}",
                code="node_failed",
            )
        time.sleep(0.5)
    raise ToolFailedError(
        f"The search node did not become healthy within {timeout:.0f} s; see {node_dir / 'node.log'}.",
        code="node_timeout",
    )


def stop(settings: Settings, *, node_dir: Path | None = None, timeout: float = 60.0) -> bool:
    """Stop the node gracefully (SIGTERM, then SIGKILL after ``timeout``); False if it was not running."""
    node_dir = (node_dir or settings.node_dir).resolve()
    state = _read_state(node_dir)
    if not state or not _is_our_node(int(state.get("pid", 0)), node_dir):
        _state_file(node_dir).unlink(missing_ok=True)
        return False
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _is_our_node(pid, node_dir):
        _reap(pid)
        time.sleep(0.2)
    if _is_our_node(pid, node_dir):
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        _reap(pid)
    _state_file(node_dir).unlink(missing_ok=True)
    return True


def leave_cluster(client: object, node_name: str) -> None:
    """Take ``node_name`` out of the cluster's voting configuration before it stops for good.

    A two-node cluster keeps one vote (an odd number): stopping the node that holds it would leave
    the other without a cluster manager. After this, stopping ``node_name`` loses nothing (with
    replicas, the other node holds a copy of every shard).
    """
    from opensearchpy import OpenSearch

    assert isinstance(client, OpenSearch)
    client.transport.perform_request(
        "POST",
        "/_cluster/voting_config_exclusions",
        params={"node_names": node_name},  # (a "timeout" here would be taken as the client's own)
    )


def _reap(pid: int) -> None:
    """Collect the exit status when the node is our own child (so it does not linger as a zombie)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
