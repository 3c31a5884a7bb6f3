"""Bad input in the bucket is quarantined with its code, never retried, and its original kept."""

from __future__ import annotations

import hashlib

import pytest

from app.bucket import open_bucket
from app.originals import verify_original
from app.state import QUARANTINED, open_state
from app.watch import has_work
from athar.settings import Settings
from flows.watch import run_watch_bucket

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_corrupt_and_unsupported_files_are_quarantined(settings: Settings) -> None:
    bucket = open_bucket(settings)
    broken_pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n% truncated scan"
    text_file = "ليست صورة، مجرد نص".encode()
    bucket.put("broken.pdf", broken_pdf)
    bucket.put("notes.pdf", text_file)

    result = run_watch_bucket(settings)

    store = open_state(settings)
    assert result["objects"] == 2
    assert result.get(QUARANTINED) == 2
    codes = {d.sha256: d.code for d in store.documents(QUARANTINED)}
    assert codes == {
        hashlib.sha256(broken_pdf).hexdigest(): "corrupt_pdf",
        hashlib.sha256(text_file).hexdigest(): "unsupported_type",
    }
    for sha in codes:
        verify_original(settings, sha)
    assert not has_work(settings)
    (run,) = store.last_runs()
    assert run["status"] == "completed" and run["summary"][QUARANTINED] == 2
