"""Fixity: `athar verify` names every original that is missing or altered, `athar status` shows it,
the Prefect run fails naming it, processing records it, and dropping the good copy repairs it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.bucket import open_bucket
from app.intake import intake_all
from app.originals import original_path
from app.state import QUARANTINED, RECEIVED, open_state
from app.status import status_report
from athar.settings import PROJECT_ROOT, Settings


def _drop(settings: Settings, name: str, payload: bytes) -> str:
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_bytes(payload)
    (result,) = intake_all(open_bucket(settings), open_state(settings), settings)
    return result.sha256


def _flip_a_byte(path: Path) -> None:
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    path.chmod(0o400)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATHAR_DATA_DIR": str(settings.data_dir), "ATHAR_INBOX": settings.inbox}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run([sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True)


@pytest.fixture
def three(settings: Settings) -> list[str]:
    payloads = [f"%PDF-1.4 scan {i} ".encode() + os.urandom(64) for i in range(3)]
    return [_drop(settings, f"scan{i}.pdf", payload) for i, payload in enumerate(payloads)]


def test_verify_names_every_mismatch_and_status_shows_them(settings: Settings, three: list[str]) -> None:
    ok = _cli(settings, "verify", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["checked"] == 3 and json.loads(ok.stdout)["failures"] == []
    altered, missing, fine = three
    _flip_a_byte(original_path(settings, altered))
    original_path(settings, missing).unlink()
    bad = _cli(settings, "verify", "--json")
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert {(f["sha256"], f["problem"]) for f in report["failures"]} == {
        (altered, "altered"),
        (missing, "missing"),
    }
    text = _cli(settings, "verify")
    assert text.returncode == 1 and f"MISMATCH {altered} (altered)" in text.stdout and missing in text.stdout
    status = json.loads(_cli(settings, "status", "--json").stdout)
    assert sorted(status["integrity_failures"]) == sorted([altered, missing])
    assert fine not in status["integrity_failures"]
    # a sample checks fewer, and says how many
    sampled = json.loads(_cli(settings, "verify", "--json", "--sample", "1").stdout)
    assert sampled["checked"] == 1 and sampled["total"] == 3
    assert _cli(settings, "verify", "--sample", "0").returncode == 2


def test_dropping_the_good_copy_repairs_the_original(settings: Settings) -> None:
    payload = b"%PDF-1.4 the register " + os.urandom(64)
    sha = _drop(settings, "register.pdf", payload)
    _flip_a_byte(original_path(settings, sha))
    assert _cli(settings, "verify").returncode == 1
    state = open_state(settings)
    state.set_state(sha, QUARANTINED, code="original_corrupted", message="no longer matches")
    # the good copy comes back, next to a new unrelated file: both are taken in, nothing raises
    other = b"%PDF-1.4 unrelated " + os.urandom(64)
    inbox = Path(settings.inbox)
    (inbox / "register-again.pdf").write_bytes(payload)
    (inbox / "other.pdf").write_bytes(other)
    results = intake_all(open_bucket(settings), state, settings)
    assert {r.sha256 for r in results} == {sha, hashlib.sha256(other).hexdigest()}
    assert original_path(settings, sha).read_bytes() == payload
    assert status_report(settings)["integrity_failures"] == []
    document = state.document(sha)
    assert document is not None and document.state == RECEIVED  # processed again
    assert _cli(settings, "verify").returncode == 0


def test_processing_a_corrupted_original_records_it_and_goes_on(settings: Settings, three: list[str]) -> None:
    from app.process import process_batch

    bad = three[0]
    _flip_a_byte(original_path(settings, bad))
    summaries = process_batch([bad], settings)
    assert [(s.sha256, s.state) for s in summaries] == [(bad, QUARANTINED)]
    assert status_report(settings)["integrity_failures"] == [bad]


def test_the_prefect_run_fails_naming_the_mismatch(
    settings: Settings, three: list[str], prefect_harness: None
) -> None:
    from athar.settings import override_settings
    from flows.verify import verify

    with override_settings(settings):
        assert verify()["ok"] is True
        _flip_a_byte(original_path(settings, three[1]))
        state = verify(return_state=True)
    assert state.is_failed()
    assert three[1] in (state.message or "")
