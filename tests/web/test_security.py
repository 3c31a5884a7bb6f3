"""Safety: authentication when asked for, refusal to listen openly without it, escaping of OCR
text, a strict CSP, only local assets, and an audit entry for every search."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from athar.errors import ConfigurationError
from athar.records import Analysis, ExtractedDocument, OcrPage, Preprocessing, SourceDocument
from athar.settings import Settings
from tests.web.conftest import Corpus
from web.auth import AuthConfig, auth_from_env, check_bind

TOKEN = "correct-horse-battery-staple-42"
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> مدسوس'


@pytest.fixture(scope="module")
def hostile_sha(web_settings: Settings, client: Any, corpus: Corpus) -> str:
    """A document whose OCR text and source name are HTML/script."""
    from index.load import load

    sha = "ab" * 32
    page = OcrPage(
        sha256=sha,
        page=1,
        text=HOSTILE,
        words=(),
        confidence=50.0,
        preprocessing=Preprocessing(),
        engine="tesseract 5.3.0",
        model="ara",
    )
    doc = ExtractedDocument(
        document=SourceDocument(
            source='"><script>alert(3)</script>.png', sha256=sha, size=1, media_type="image/png", page_count=1
        ),
        pages=(page,),
        analysis=Analysis(doc_type="other"),
    )
    assert load(client, web_settings, [doc], refresh=True).ok
    return sha


@pytest.fixture(scope="module")
def protected(web_settings: Settings, client: Any, corpus: Corpus) -> TestClient:
    from web.app import create_app

    auth = AuthConfig(token=TOKEN, user="researcher", password="s3cret-pass")
    return TestClient(create_app(web_settings, auth=auth, client=client))


@pytest.fixture(scope="module")
def open_http(app: Any) -> TestClient:
    return TestClient(app)


def test_binding_beyond_loopback_needs_authentication() -> None:
    check_bind("127.0.0.1", AuthConfig())
    check_bind("::1", AuthConfig())
    for host in ("0.0.0.0", "::", "192.168.1.20"):
        with pytest.raises(ConfigurationError) as caught:
            check_bind(host, AuthConfig())
        assert caught.value.code == "web_unprotected"
    check_bind("0.0.0.0", AuthConfig(token=TOKEN))


def test_serve_command_refuses_open_bind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    for name in ("ATHAR_WEB_TOKEN", "ATHAR_WEB_USER", "ATHAR_WEB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "web_unprotected" in err and "ATHAR_WEB_TOKEN" in err and "Traceback" not in err


def test_weak_or_half_configured_auth_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        auth_from_env({"ATHAR_WEB_TOKEN": "short"})
    with pytest.raises(ConfigurationError):
        auth_from_env({"ATHAR_WEB_USER": "someone"})
    assert auth_from_env({"ATHAR_WEB_TOKEN": TOKEN}).enabled
    assert not auth_from_env({}).enabled


def test_api_needs_the_token_or_the_password(protected: TestClient, corpus: Corpus) -> None:
    params = {"q": corpus.word}
    refused = protected.get("/api/search", params=params)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert "Bearer" in refused.headers["www-authenticate"]
    assert (
        protected.get("/api/search", params=params, headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    ok = protected.get("/api/search", params=params, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["total"] >= 1
    basic = base64.b64encode(b"researcher:s3cret-pass").decode()
    assert protected.get("/api/status", headers={"Authorization": f"Basic {basic}"}).status_code == 200
    wrong = base64.b64encode(b"researcher:guess").decode()
    assert protected.get("/api/status", headers={"Authorization": f"Basic {wrong}"}).status_code == 401


def test_token_link_logs_in_with_a_cookie(web_settings: Settings, client: Any, corpus: Corpus) -> None:
    from web.app import create_app

    http = TestClient(create_app(web_settings, auth=AuthConfig(token=TOKEN), client=client))
    page = http.get("/operator")
    assert page.status_code == 401 and 'name="token"' in page.text  # the login form
    login = http.get("/operator", params={"token": TOKEN}, follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/operator"
    cookie = login.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and TOKEN not in cookie
    assert http.get("/operator").status_code == 200  # the cookie now works
    entry_count = len((web_settings.data_dir / "audit.log").read_text().splitlines())
    http.get("/", params={"q": corpus.word})
    entries = (web_settings.data_dir / "audit.log").read_text().splitlines()
    assert len(entries) == entry_count + 1 and json.loads(entries[-1])["who"] == "token"


def test_ocr_text_is_escaped_everywhere(open_http: TestClient, hostile_sha: str) -> None:
    results = open_http.get("/", params={"q": "مدسوس"}).text
    doc = open_http.get(f"/doc/{hostile_sha}").text
    for page in (results, doc):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
    assert "<mark>مدسوس</mark>" in results  # the engine's highlight survives as markup


def test_every_response_has_a_strict_csp_and_only_local_assets(open_http: TestClient, corpus: Corpus) -> None:
    sha = corpus.flows_doc.sha256
    for path in (
        "/",
        f"/?q={corpus.word}",
        "/person",
        f"/doc/{sha}?q={corpus.word}",
        "/operator",
        "/api/status",
    ):
        response = open_http.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        if response.headers["content-type"].startswith("text/html"):
            assert "<script" not in response.text
            for url in re.findall(r'(?:src|href)="([^"]+)"', response.text):
                external = url.startswith(("http:", "https:", "//"))
                assert not external or path == "/operator", f"external asset {url} on {path}"
    css = open_http.get("/static/style.css")
    assert css.status_code == 200 and "http" not in css.text
    assert open_http.get("/static/fonts/amiri.ttf").status_code == 200
    assert open_http.get("/static/fonts/../../etc/passwd").status_code == 404


def test_pages_are_arabic_first_with_english_on_request(open_http: TestClient) -> None:
    assert '<html lang="ar" dir="rtl">' in open_http.get("/", params={"lang": "ar"}).text
    english = open_http.get("/person", params={"lang": "en"})
    assert '<html lang="en" dir="ltr">' in english.text and "Mother&#39;s name" in english.text
    assert '<html lang="en" dir="ltr">' in open_http.get("/").text  # remembered in a cookie
    assert '<html lang="ar" dir="rtl">' in open_http.get("/", params={"lang": "ar"}).text


def test_serve_command_answers_on_loopback(tmp_path: Any, search_url: str) -> None:
    """`athar serve` as a real process: listens on 127.0.0.1, answers, stops on SIGINT."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_WEB_")}
    env.update(ATHAR_DATA_DIR=str(tmp_path), ATHAR_SEARCH_URL=search_url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as response:
                    assert response.status == 200
                    assert json.loads(response.read())["counts"]["indexed"] == 0
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "athar serve did not answer"
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0].decode()
    assert f"http://127.0.0.1:{port}/" in output and "Traceback" not in output
