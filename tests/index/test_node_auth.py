"""The embedded node refuses requests without its credentials, and keeps its files from other accounts."""

from __future__ import annotations

import base64
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from athar.settings import load_settings
from index.client import make_client


def _get(url: str, authorization: str | None = None) -> int:
    request = urllib.request.Request(url)
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def embedded(search_node: tuple[str, Path | None]) -> tuple[str, Path]:
    url, node_dir = search_node
    if node_dir is None:
        pytest.skip("external cluster: its own authentication applies")
    return url, node_dir


def test_unauthenticated_requests_are_refused(embedded: tuple[str, Path]) -> None:
    url, _ = embedded
    password = load_settings().search_password
    assert password
    for path in ("/", "/_cluster/health", "/_cat/indices", "/_search", "/athar-pages/_search"):
        assert _get(url + path) == 401, path
        assert _get(url + path, _basic("athar", password + "x")) == 401, path
        assert _get(url + path, _basic("someone", password)) == 401, path
        assert _get(url + path, "Bearer " + password[:-1]) == 401, path
    assert _get(url + "/_cluster/health", _basic("athar", password)) == 200
    assert _get(url + "/_cluster/health", "Bearer " + password) == 200


def test_the_client_sends_the_credentials_from_settings(embedded: tuple[str, Path]) -> None:
    url, _ = embedded
    settings = load_settings().with_(search_url=url)
    assert make_client(settings).cluster.health()["status"] in ("green", "yellow")
    from athar.errors import ConfigurationError
    from index.client import call

    wrong = make_client(settings.with_(search_password="not-the-password-at-all"))
    with pytest.raises(ConfigurationError) as info:
        call(wrong.cluster.health)
    assert info.value.code == "search_auth"


def test_node_files_are_for_the_owner_only(embedded: tuple[str, Path]) -> None:
    _, node_dir = embedded
    assert stat.S_IMODE(node_dir.stat().st_mode) == 0o700
    exposed = [
        str(p.relative_to(node_dir))
        for p in node_dir.rglob("*")
        if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert exposed == []


def test_the_node_does_not_start_without_credentials(tmp_path: Path) -> None:
    """Fail closed: the launcher run by hand, without ATHAR_NODE_PASSWORD (or with a short one), exits."""
    import os
    import subprocess

    from index import node

    command = ["java", "-Xmx256m", "-cp", node.classpath(), node.MAIN_CLASS, str(tmp_path)]
    command += [str(node.free_port()), str(node.free_port())]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")}
    for extra in ({}, {"ATHAR_NODE_PASSWORD": "short"}):
        done = subprocess.run(command, env={**env, **extra}, capture_output=True, text=True, timeout=300)
        assert done.returncode != 0
        assert "ATHAR_NODE_PASSWORD is missing or shorter than 16" in done.stdout + done.stderr
