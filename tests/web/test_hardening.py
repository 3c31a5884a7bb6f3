"""The web app against a hostile or careless user: weak secrets, guessing, forged client addresses,
unaudited reads, odd page numbers, redirects off-site, one shared identity for every token."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from athar.errors import ConfigurationError
from athar.records import Analysis, ExtractedDocument, OcrPage, Preprocessing, SourceDocument
from athar.settings import PROJECT_ROOT, Settings
from web.auth import AuthConfig, auth_from_env, client_address

TOKEN = "Zq4-mK8pW2xR7vN3tB9s"
ALICE = "alice-7Hk2Lp9QwX4mZr6V"
BOB = "bob-3Nf8Tq1YcJ5uGs0Ek"


@pytest.fixture(scope="module")
def settings(web_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return web_settings.with_(data_dir=tmp_path_factory.mktemp("web-hardening"))


@pytest.fixture(scope="module")
def stored(settings: Settings, client: Any) -> str:
    """One indexed document whose original is in this data directory's originals store."""
    import io

    from app.originals import store_original
    from app.state import open_state
    from index.load import load

    sha, path, _ = store_original(io.BytesIO(b"%PDF-1.4 a stand-in original\n"), settings)
    open_state(settings).add_document(sha, path.stat().st_size)
    page = OcrPage(
        sha256=sha,
        page=1,
        text="سجل الموقوفين سجن عدرا",
        words=(),
        confidence=80.0,
        preprocessing=Preprocessing(),
        engine="tesseract 5.3.0",
        model="ara",
    )
    doc = ExtractedDocument(
        document=SourceDocument(
            source="register.pdf",
            sha256=sha,
            size=path.stat().st_size,
            media_type="application/pdf",
            page_count=1,
        ),
        pages=(page,),
        analysis=Analysis(doc_type="prison_register"),
    )
    assert load(client, settings, [doc], refresh=True).ok
    return sha


def _app(settings: Settings, client: Any, auth: AuthConfig) -> TestClient:
    from web.app import create_app

    return TestClient(create_app(settings, auth=auth, client=client))


def _audit(settings: Settings) -> list[dict[str, Any]]:
    path = settings.data_dir / "audit.log"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# ------------------------------------------------------------------ weak secrets


@pytest.mark.parametrize(
    "env",
    [
        {"ATHAR_WEB_TOKEN": " " * 16},
        {"ATHAR_WEB_TOKEN": "a" * 16},
        {"ATHAR_WEB_TOKEN": "ab" * 12},
        {"ATHAR_WEB_TOKEN": "abcd efgh ijkl mnop"},
        {"ATHAR_WEB_TOKEN": "\t" + TOKEN},
        {"ATHAR_WEB_USER": "researcher", "ATHAR_WEB_PASSWORD": "x"},
        {"ATHAR_WEB_USER": "researcher", "ATHAR_WEB_PASSWORD": "aaaaaaaaaaaaaaaa"},
        {"ATHAR_WEB_USER": "researcher", "ATHAR_WEB_PASSWORD": " " * 20},
        {"ATHAR_WEB_TOKENS": "alice:" + "a" * 20},
        {"ATHAR_WEB_TOKENS": f"alice:{ALICE},alice:{BOB}"},
        {"ATHAR_WEB_TOKENS": f"al ice:{ALICE}"},
        {"ATHAR_WEB_TOKENS": ALICE},
    ],
)
def test_weak_secrets_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as info:
        auth_from_env(env)
    assert info.value.code == "web_auth"
    for value in env.values():
        if len(value.strip()) > 3:
            assert value.split(":")[-1] not in info.value.message  # never echo a secret


def test_strong_secrets_are_accepted() -> None:
    auth = auth_from_env(
        {
            "ATHAR_WEB_TOKEN": TOKEN,
            "ATHAR_WEB_USER": "researcher",
            "ATHAR_WEB_PASSWORD": "long enough pass phrase",
            "ATHAR_WEB_TOKENS": f"alice:{ALICE}, bob:{BOB}",
        }
    )
    assert auth.enabled and auth.tokens == (("alice", ALICE), ("bob", BOB))


def test_serve_on_all_addresses_refuses_a_weak_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    monkeypatch.setenv("ATHAR_WEB_TOKEN", "a" * 16)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "web_auth" in err and "a" * 16 not in err


# ------------------------------------------------------------------ guessing


def test_failed_logins_are_limited_per_client_and_logged(
    settings: Settings, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    http = _app(settings, client, AuthConfig(token=TOKEN))
    ok = {"Authorization": f"Bearer {TOKEN}"}
    assert http.get("/api/status", headers=ok).status_code == 200
    with caplog.at_level(logging.WARNING, logger="web.app"):
        codes = [
            http.get("/api/status", headers={"Authorization": f"Bearer guess-{i:02d}-xxxxxxxxxx"}).status_code
            for i in range(10)
        ]
    assert codes == [401] * 10
    blocked = http.get("/api/status", headers=ok)  # even the right token waits now
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["error"]["code"] == "too_many_failures"
    assert http.get("/", params={"token": TOKEN}).status_code == 429
    failures = [r.getMessage() for r in caplog.records if "failed login" in r.getMessage()]
    assert len(failures) == 10 and "testclient" in failures[-1]
    assert not any("guess" in m or TOKEN in m for m in caplog.messages)
    # another client is not affected
    other = _app(settings, client, AuthConfig(token=TOKEN))
    assert other.get("/api/status", headers=ok).status_code == 200


# ------------------------------------------------------------------ audit of reads and who


def test_document_views_and_original_downloads_are_audited_with_named_tokens(
    settings: Settings, client: Any, stored: str
) -> None:
    auth = auth_from_env({"ATHAR_WEB_TOKENS": f"alice:{ALICE},bob:{BOB}", "ATHAR_WEB_TOKEN": TOKEN})
    http = _app(settings, client, auth)
    before = len(_audit(settings))
    alice = {"Authorization": f"Bearer {ALICE}"}
    assert http.get(f"/api/documents/{stored}", headers=alice).status_code == 200
    assert http.get(f"/api/documents/{stored}/pages/1", headers=alice).status_code == 200
    original = http.get(f"/api/documents/{stored}/original", headers={"Authorization": f"Bearer {BOB}"})
    assert original.status_code == 200 and original.content.startswith(b"%PDF")
    assert http.get(f"/doc/{stored}", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    entries = _audit(settings)[before:]
    assert [(e["who"], e["kind"], e["via"], e["sha256"]) for e in entries] == [
        ("token:alice", "document", "api", stored),
        ("token:alice", "page", "api", stored),
        ("token:bob", "original", "api", stored),
        ("token", "page", "page", stored),
    ]
    # a named token's link sets a cookie that stays that person's
    login = http.get("/", params={"token": BOB, "q": "عدرا"}, follow_redirects=False)
    assert login.status_code == 303 and BOB not in login.headers["set-cookie"]
    http.get("/", params={"q": "عدرا"})
    assert _audit(settings)[-1]["who"] == "token:bob"


# ------------------------------------------------------------------ odd input


@pytest.mark.parametrize("page", ["²", "٣", "1" * 5000, "-1", "0", "1e3", " 2"])
def test_odd_page_numbers_are_a_400(settings: Settings, client: Any, stored: str, page: str) -> None:
    http = _app(settings, client, AuthConfig())
    for path in ("/", f"/doc/{stored}"):
        response = http.get(path, params={"q": "عدرا", "page": page})
        assert response.status_code == 400, (path, response.status_code)
        assert "Traceback" not in response.text
    api = http.get("/api/search", params={"q": "عدرا", "page": page}).status_code
    assert api in (400, 422) or (api == 200 and page == " 2")  # the API's int parameter allows spaces


def test_token_link_never_redirects_off_site(settings: Settings, client: Any) -> None:
    http = _app(settings, client, AuthConfig(token=TOKEN))
    for path in ("//evil.example/", "/\\evil.example/", "///evil.example/x", "/\\/evil.example"):
        response = http.get(f"http://testserver{path}?token={TOKEN}", follow_redirects=False)
        location = response.headers.get("location", "")
        assert response.status_code in (303, 404), path
        if location:
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location


# ------------------------------------------------------------------ X-Forwarded-For


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    assert client_address("127.0.0.1", "203.0.113.9", ()) == "127.0.0.1"
    assert client_address("10.1.1.1", "203.0.113.9", ("127.0.0.1",)) == "10.1.1.1"
    assert client_address("127.0.0.1", "203.0.113.9", ("127.0.0.1",)) == "203.0.113.9"
    # a client-supplied first hop cannot hide the real one the proxy appended
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.9", ("127.0.0.0/8",)) == "203.0.113.9"
    assert client_address("127.0.0.1", "not-an-ip", ("127.0.0.1",)) == "127.0.0.1"


@pytest.fixture
def serve(tmp_path: Path, search_url: str) -> Iterator[Any]:
    """Start a real `athar serve` with extra environment; yields (port, data_dir)."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(extra: dict[str, str]) -> tuple[int, Path]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        data = tmp_path / f"data-{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_WEB_")}
        env.update(
            ATHAR_DATA_DIR=str(data), ATHAR_SEARCH_URL=search_url, PYTHONPATH=str(PROJECT_ROOT), **extra
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(proc)
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
                return port, data
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "athar serve did not answer"
                time.sleep(0.3)

    yield start
    for proc in processes:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _search_with_forwarded_for(port: int) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/search?q=%D8%B3%D8%AC%D9%86&size=1",
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    # the index of this data directory may not exist: the search is audited all the same
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=30).close()


def test_served_app_audits_the_real_client_unless_a_proxy_is_trusted(serve: Any) -> None:
    port, data = serve({"ATHAR_INDEX_PREFIX": "nohardening"})
    _search_with_forwarded_for(port)
    assert json.loads((data / "audit.log").read_text().splitlines()[-1])["client"] == "127.0.0.1"
    port, data = serve({"ATHAR_INDEX_PREFIX": "nohardening", "ATHAR_WEB_TRUSTED_PROXIES": "127.0.0.1"})
    _search_with_forwarded_for(port)
    assert json.loads((data / "audit.log").read_text().splitlines()[-1])["client"] == "203.0.113.9"


# ------------------------------------------------------------------ fixity


def test_a_corrupted_original_is_flagged_in_search_and_never_served(settings: Settings, client: Any) -> None:
    import io

    from app.originals import original_path, store_original
    from app.state import open_state
    from index.load import load

    sha, path, _ = store_original(io.BytesIO(b"%PDF-1.4 will be damaged " + os.urandom(16)), settings)
    open_state(settings).add_document(sha, path.stat().st_size)
    page = OcrPage(
        sha256=sha,
        page=1,
        text="سجل النقل إلى مشفى تشرين العسكري",
        words=(),
        confidence=80.0,
        preprocessing=Preprocessing(),
        engine="tesseract 5.3.0",
        model="ara",
    )
    doc = ExtractedDocument(
        document=SourceDocument(
            source="transfer.pdf", sha256=sha, size=1, media_type="application/pdf", page_count=1
        ),
        pages=(page,),
        analysis=Analysis(doc_type="transfer_list"),
    )
    assert load(client, settings, [doc], refresh=True).ok
    http = _app(settings, client, AuthConfig())
    assert http.get(f"/api/documents/{sha}/original").status_code == 200
    path.chmod(0o600)
    path.write_bytes(b"%PDF-1.4 damaged")
    refused = http.get(f"/api/documents/{sha}/original")
    assert refused.status_code in (404, 409) and refused.json()["error"]["code"] == "original_corrupted"
    assert b"damaged" not in refused.content
    # now recorded: flagged in search, on the document and on the operator page; never served
    hits = http.get("/api/search", params={"q": "تشرين"}).json()["hits"]
    assert [h["integrity_failed"] for h in hits if h["sha256"] == sha] == [True]
    assert http.get(f"/api/documents/{sha}").json()["integrity_failed"] is True
    assert "fixity" in http.get(f"/doc/{sha}", params={"lang": "en"}).text
    assert sha in http.get("/operator").text
    assert http.get("/api/status").json()["integrity_failures"] == [sha]
    again = http.get(f"/api/documents/{sha}/original")
    assert again.status_code in (404, 409) and "fixity" in again.json()["error"]["message"]
    assert http.get(f"/api/documents/{sha}/pages/1/image").status_code in (404, 409)
    assert original_path(settings, sha).exists()  # never deleted: an operator restores it
