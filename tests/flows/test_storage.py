"""Intake into the originals store and the state store, on a local inbox and a real S3 server."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from app.bucket import open_bucket
from app.intake import intake_all
from app.originals import OriginalCorruptedError, original_path, verify_original
from app.state import INDEXED, QUARANTINED, RECEIVED, open_state
from athar.settings import Settings

ODD_NAME = "سجل \u200fالموقوفين  (نسخة 2).pdf"


@pytest.fixture(params=["local", "s3"])
def any_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "local":
        return settings
    result: Settings = request.getfixturevalue("s3_settings")
    return result


def _all_names(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*")]


def test_intake_stores_verified_read_only_original_and_moves_object(any_settings: Settings) -> None:
    bucket = open_bucket(any_settings)
    payload = b"%PDF-1.4 fake scan bytes " + os.urandom(64)
    bucket.put(ODD_NAME, payload)
    state = open_state(any_settings)

    results = intake_all(bucket, state, any_settings)

    sha = hashlib.sha256(payload).hexdigest()
    assert [r.sha256 for r in results] == [sha]
    stored = original_path(any_settings, sha)
    assert stored.read_bytes() == payload
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert verify_original(any_settings, sha) == stored
    # the object left the inbox for processed/, under its original name
    assert [o.key for o in bucket.list_objects()] == []
    assert bucket.fs.cat_file(f"{bucket.root}/processed/{ODD_NAME}") == payload
    # its name is data: in the drop record, never a local path under the data dir
    drops = state.drops(sha)
    assert [d["object_key"] for d in drops] == [ODD_NAME]
    assert drops[0]["disposition"] == f"processed/{ODD_NAME}"
    assert ODD_NAME not in _all_names(any_settings.data_dir)
    assert state.document(sha) is not None
    assert state.counts()[RECEIVED] == 1


def test_same_content_twice_is_one_document_with_two_drops(any_settings: Settings) -> None:
    bucket = open_bucket(any_settings)
    payload = b"II*\x00 same register page " + os.urandom(32)
    bucket.put("a/first.tif", payload)
    bucket.put("second copy.tif", payload)
    state = open_state(any_settings)

    results = intake_all(bucket, state, any_settings)
    # dropped a third time later, under a name already in processed/
    bucket.put("second copy.tif", payload)
    results += intake_all(bucket, state, any_settings)

    sha = hashlib.sha256(payload).hexdigest()
    assert {r.sha256 for r in results} == {sha}
    assert [r.new for r in results].count(True) == 1
    assert len(state.documents()) == 1
    assert len(state.drops(sha)) == 3
    processed = sorted(o.split("/processed/")[-1] for o in bucket.fs.find(f"{bucket.root}/processed"))
    assert processed == ["a/first.tif", "second copy.tif", f"second copy.tif.{sha[:12]}"]


def test_keep_mode_remembers_objects_and_sees_replacements(any_settings: Settings) -> None:
    keep = any_settings.with_(after_intake="keep")
    bucket = open_bucket(keep)
    bucket.put("register.png", b"version one")
    state = open_state(keep)

    first = intake_all(bucket, state, keep)
    again = intake_all(bucket, state, keep)
    bucket.put("register.png", b"version two, rescanned")
    replaced = intake_all(bucket, state, keep)

    assert len(first) == 1 and first[0].disposition == "kept"
    assert again == []
    assert len(replaced) == 1 and replaced[0].sha256 != first[0].sha256
    assert [o.key for o in bucket.list_objects()] == ["register.png"]
    assert len(state.documents()) == 2


def test_hidden_partial_and_processed_objects_are_not_taken_in(settings: Settings) -> None:
    bucket = open_bucket(settings)
    bucket.put(".DS_Store", b"x")
    bucket.put("upload.pdf.part", b"half")
    bucket.put("processed/old.pdf", b"done before")
    assert intake_all(bucket, open_state(settings), settings) == []


def test_altered_original_is_detected(settings: Settings) -> None:
    bucket = open_bucket(settings)
    bucket.put("page.png", b"original bytes")
    (result,) = intake_all(bucket, open_state(settings), settings)
    path = Path(result.path)
    path.chmod(0o644)
    path.write_bytes(b"tampered bytes")
    with pytest.raises(OriginalCorruptedError) as info:
        verify_original(settings, result.sha256)
    assert info.value.code == "original_corrupted"


def test_state_transitions_and_provenance_versions(settings: Settings) -> None:
    state = open_state(settings)
    assert state.add_document("a" * 64, 10) is True
    assert state.add_document("a" * 64, 10) is False
    state.add_document("b" * 64, 20)
    state.set_state("b" * 64, QUARANTINED, code="corrupt_pdf", message="re-scan it")
    state.record_result(
        "a" * 64, {"pipeline_version": "0.0.9", "pages": 2, "mean_confidence": 80.0, "persons": 3}
    )
    state.record_result(
        "a" * 64, {"pipeline_version": "0.1.0", "pages": 2, "mean_confidence": 85.0, "persons": 4}
    )

    assert state.counts() == {RECEIVED: 0, "processing": 0, INDEXED: 1, QUARANTINED: 1}
    quarantined = state.document("b" * 64)
    assert quarantined is not None and quarantined.code == "corrupt_pdf"
    assert [v["pipeline_version"] for v in state.versions("a" * 64)] == ["0.0.9", "0.1.0"]
    doc = state.document("a" * 64)
    assert doc is not None and doc.persons == 4 and doc.pipeline_version == "0.1.0"


def test_state_store_is_shared_by_threads_and_sees_other_stores(settings: Settings) -> None:
    """One store used from task threads (a connection per thread), and a second store on the same file."""
    from concurrent.futures import ThreadPoolExecutor

    state = open_state(settings)
    shas = [f"{i:064x}" for i in range(40)]

    def one(sha: str) -> None:
        state.add_document(sha, 1)
        state.set_state(sha, INDEXED)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, shas))
    other = open_state(settings)
    assert other.counts()[INDEXED] == 40
    other.set_state(shas[0], QUARANTINED, code="corrupt_pdf")
    assert state.counts()[QUARANTINED] == 1  # committed writes of another connection are seen at once
    state.close()
    assert state.document(shas[0]) is not None  # a closed connection is opened again
