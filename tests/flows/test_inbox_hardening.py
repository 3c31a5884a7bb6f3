"""The inbox as a careless or hostile user fills it: links, sockets, FIFOs, files still being written.

Only finished regular files are taken in; everything else is skipped without being opened, shown
once in `athar status` with a reason, and never blocks the other files or records empty runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bucket import open_bucket
from app.intake import intake, intake_all, new_objects
from app.local_inbox import SkippedObjectError
from app.originals import original_path
from app.state import open_state
from app.status import status_report
from app.watch import has_work, watch_once
from athar.settings import PROJECT_ROOT, Settings


def _stored(settings: Settings) -> list[bytes]:
    root = settings.originals_dir
    return (
        [p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
        if root.exists()
        else []
    )


@pytest.fixture
def hostile_inbox(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """An inbox with a link out of it, a link to a folder, a dangling link, a socket and a FIFO."""
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(b"root:x:0:0:not for the archive\n")
    (inbox / "p.png").symlink_to(secret)
    (inbox / "folder.pdf").symlink_to(secret.parent, target_is_directory=True)
    (inbox / "gone.pdf").symlink_to(tmp_path / "nowhere")
    os.mkfifo(inbox / "pipe.pdf")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(inbox / "sock.pdf"))
    try:
        yield inbox
    finally:
        sock.close()


EXPECTED_SKIPS = {
    "p.png": "symbolic link (never followed)",
    "folder.pdf": "symbolic link (never followed)",
    "gone.pdf": "symbolic link (never followed)",
    "pipe.pdf": "FIFO (not a file)",
    "sock.pdf": "socket (not a file)",
}


def test_links_sockets_and_fifos_are_skipped_once_and_never_block_a_good_file(
    settings: Settings, hostile_inbox: Path
) -> None:
    good = b"%PDF-1.4 a good scan " + os.urandom(32)
    (hostile_inbox / "good.pdf").write_bytes(good)
    bucket, state = open_bucket(settings), open_state(settings)
    for _ in range(3):  # listed again and again (every watch check): still one row each
        new_objects(bucket, state)
    results = intake_all(bucket, state, settings)
    assert [r.key for r in results] == ["good.pdf"]
    assert _stored(settings) == [good]  # the secret behind the link was never copied
    skipped = status_report(settings)["skipped_objects"]
    assert {o["name"]: o["reason"] for o in skipped} == EXPECTED_SKIPS
    assert len(skipped) == len(EXPECTED_SKIPS)
    # nothing else to do: the watcher records no run for the skipped objects
    assert not any(new_objects(bucket, state))
    # the links and special files were left as they were
    assert (hostile_inbox / "p.png").is_symlink() and (hostile_inbox / "pipe.pdf").exists()


def test_only_skipped_objects_mean_no_work_and_no_empty_runs(settings: Settings, hostile_inbox: Path) -> None:
    for _ in range(3):
        assert not has_work(settings)
        assert watch_once(settings) == {"objects": 0}
    assert open_state(settings).last_runs() == []
    # removing a skipped object removes it from the status
    (hostile_inbox / "gone.pdf").unlink()
    has_work(settings)
    names = {o["name"] for o in status_report(settings)["skipped_objects"]}
    assert names == set(EXPECTED_SKIPS) - {"gone.pdf"}


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(settings: Settings, tmp_path: Path) -> None:
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4 listed")
    bucket, state = open_bucket(settings), open_state(settings)
    (obj,) = new_objects(bucket, state)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"private")
    (inbox / "scan.pdf").unlink()
    (inbox / "scan.pdf").symlink_to(secret)
    with pytest.raises(SkippedObjectError):
        intake(bucket, obj, state, settings)
    assert _stored(settings) == []
    assert [o["reason"] for o in status_report(settings)["skipped_objects"]] == [
        "symbolic link (never followed)"
    ]
    # a link inside a sub-folder path is refused the same way
    (inbox / "sub").symlink_to(tmp_path, target_is_directory=True)
    bucket.list_objects()
    assert bucket.skipped["sub"] == "symbolic link (never followed)"


def test_a_fifo_swapped_in_after_listing_does_not_hang_the_watcher(settings: Settings) -> None:
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4 listed")
    bucket, state = open_bucket(settings), open_state(settings)
    (obj,) = new_objects(bucket, state)
    (inbox / "scan.pdf").unlink()
    os.mkfifo(inbox / "scan.pdf")
    done = threading.Event()

    def take() -> None:
        try:
            intake(bucket, obj, state, settings)
        except SkippedObjectError:
            done.set()

    worker = threading.Thread(target=take, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a generous bound: an open() without O_NONBLOCK would block for ever
    assert done.is_set()


def test_a_file_still_being_written_is_taken_in_only_once_finished(settings: Settings) -> None:
    settings = settings.with_(settle_seconds=2.0)
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    chunks = [os.urandom(4096) for _ in range(12)]
    whole = b"".join(chunks)
    finished = threading.Event()

    def write_slowly() -> None:
        with (inbox / "register.png").open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                out.flush()
                time.sleep(0.5)
        finished.set()

    writer = threading.Thread(target=write_slowly, daemon=True)
    writer.start()
    bucket, state = open_bucket(settings), open_state(settings)
    taken: list[str] = []
    while not finished.is_set():  # while it grows: never listed, never stored, never moved
        taken += [r.sha256 for r in intake_all(bucket, state, settings)]
        assert (inbox / "register.png").exists()
        time.sleep(0.2)
    deadline = time.monotonic() + 120
    while not taken:
        assert time.monotonic() < deadline, "the finished file was never taken in"
        taken += [r.sha256 for r in intake_all(bucket, state, settings)]
        time.sleep(0.2)
    assert taken == [hashlib.sha256(whole).hexdigest()]
    assert original_path(settings, taken[0]).read_bytes() == whole
    assert _stored(settings) == [whole]
    assert (inbox / "processed" / "register.png").read_bytes() == whole


def test_a_file_that_changes_while_it_is_read_is_not_stored(settings: Settings) -> None:
    from app.local_inbox import ObjectChangedError, open_regular

    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 first half")
    bucket, state = open_bucket(settings), open_state(settings)
    (obj,) = new_objects(bucket, state)
    from app.originals import store_original

    with open_regular(bucket.root, obj.key, obj.fingerprint) as stream:
        first = stream.read(4)
        with path.open("ab") as out:
            out.write(b" and a second half")
        with pytest.raises(ObjectChangedError):
            store_original(_Prefixed(first, stream), settings)
    assert _stored(settings) == []
    assert path.exists()  # not moved: it is taken in once finished


class _Prefixed:
    def __init__(self, head: bytes, rest: object) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head
        return self.rest.read(size)  # type: ignore[attr-defined, no-any-return]


def test_partial_names_wait_until_renamed(settings: Settings) -> None:
    inbox = Path(settings.inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    for suffix in (".part", ".tmp", ".crdownload"):
        (inbox / f"upload.pdf{suffix}").write_bytes(b"%PDF-1.4 half")
    bucket, state = open_bucket(settings), open_state(settings)
    assert intake_all(bucket, state, settings) == []
    assert status_report(settings)["skipped_objects"] == []  # waiting, not refused
    (inbox / "upload.pdf.part").rename(inbox / "upload.pdf")
    assert [r.key for r in intake_all(bucket, state, settings)] == ["upload.pdf"]


def test_status_cli_lists_skipped_objects(settings: Settings, hostile_inbox: Path) -> None:
    has_work(settings)
    env = {**os.environ, "ATHAR_DATA_DIR": str(settings.data_dir), "ATHAR_INBOX": settings.inbox}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    out = subprocess.run(
        [sys.executable, "-m", "cli", "status", "--json"], env=env, capture_output=True, text=True, check=True
    ).stdout
    report = json.loads(out)
    assert {(o["name"], o["reason"]) for o in report["skipped_objects"]} == set(EXPECTED_SKIPS.items())
    assert report["integrity_failures"] == []
