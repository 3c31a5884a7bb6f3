"""A local inbox folder, read as a careless or hostile user may fill it.

* Only regular files are objects. Nothing is followed: a symbolic link (to a file, a directory, or
  nowhere), a socket, a FIFO or a device is *skipped* with a reason and never opened.
* Only finished files are objects: one whose content or metadata changed within the settle time
  (``ATHAR_SETTLE_SECONDS``), or whose name ends in ``.part``/``.tmp``/``.crdownload``, is left
  alone until it is finished (neither listed nor skipped).
* :func:`open_regular` opens an object again without following links anywhere along its path
  (``O_NOFOLLOW`` per component, ``O_NONBLOCK`` so a FIFO swapped in cannot hang the watcher),
  checks that it is still the same regular file, and the reader it returns refuses to reach the
  end if the file changed while it was read, so a half-written file is never stored.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from athar.errors import PermanentError, StorageError

PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload")
_KINDS = (
    (stat.S_ISLNK, "symbolic link (never followed)"),
    (stat.S_ISSOCK, "socket (not a file)"),
    (stat.S_ISFIFO, "FIFO (not a file)"),
    (stat.S_ISCHR, "character device (not a file)"),
    (stat.S_ISBLK, "block device (not a file)"),
)


class SkippedObjectError(PermanentError):
    """The object is not a regular file, or cannot be read: skipped until it changes."""

    code = "object_skipped"


class ObjectChangedError(StorageError):
    """The object changed since it was listed or while it was read: taken in once it is finished."""

    code = "object_changed"


@dataclass(frozen=True)
class LocalEntry:
    """A finished regular file of the inbox."""

    key: str
    size: int
    fingerprint: str


def fingerprint(info: os.stat_result) -> str:
    """What identifies one version of a local file (the same form as before: size:mtime)."""
    return f"{info.st_size}:{info.st_mtime}"


def kind_of(mode: int) -> str:
    """Why a non-regular entry is skipped."""
    return next((reason for test, reason in _KINDS if test(mode)), "not a regular file")


def settled(info: os.stat_result, settle_seconds: float, now: float) -> bool:
    """Whether the file has not changed for ``settle_seconds`` (ctime moves with every write and
    rename; an mtime in the future counts as now)."""
    changed = max(min(info.st_mtime, now), info.st_ctime)
    return now - changed >= settle_seconds


def scan(
    root: str, settle_seconds: float, skip_top: tuple[str, ...]
) -> tuple[list[LocalEntry], dict[str, str]]:
    """(finished regular files, skipped key -> reason) under ``root``; hidden names and the
    top-level folders in ``skip_top`` (``processed``) are not looked at."""
    entries: list[LocalEntry] = []
    skipped: dict[str, str] = {}
    now = time.time()
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                found = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if prefix:
                skipped[prefix.rstrip("/")] = f"folder cannot be read ({exc.strerror})"
                continue
            raise StorageError(f"cannot list the inbox {root} ({exc.strerror}).") from None
        for entry in found:
            key = prefix + entry.name
            if entry.name.startswith(".") or (not prefix and entry.name in skip_top):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # gone since the listing
            if stat.S_ISDIR(info.st_mode):
                pending.append((entry.path, key + "/"))
            elif not stat.S_ISREG(info.st_mode):
                skipped[key] = kind_of(info.st_mode)
            elif not key.endswith(PARTIAL_SUFFIXES) and settled(info, settle_seconds, now):
                entries.append(LocalEntry(key, info.st_size, fingerprint(info)))
    entries.sort(key=lambda e: e.key)
    return entries, skipped


def _open_fd(root: str, key: str) -> int:
    """The object's file descriptor; no component of its path may be a link."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    parts = key.split("/")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, flags | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        return os.open(parts[-1], flags, dir_fd=fd)
    finally:
        os.close(fd)


class _GuardedReader:
    """Reads the file; at the end, refuses (ObjectChangedError) if it changed meanwhile."""

    def __init__(self, handle: IO[bytes], expected: os.stat_result) -> None:
        self._handle = handle
        self._expected = expected

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        if not chunk:
            now = os.fstat(self._handle.fileno())
            if fingerprint(now) != fingerprint(self._expected) or now.st_ctime != self._expected.st_ctime:
                raise ObjectChangedError("the file changed while it was read; it is taken in once finished.")
        return chunk


@contextlib.contextmanager
def open_regular(root: str, key: str, expected_fingerprint: str) -> Iterator[IO[bytes]]:
    """Read one object of the inbox safely (see the module docstring)."""
    try:
        fd = _open_fd(root, key)
    except FileNotFoundError:
        raise ObjectChangedError("the object vanished before intake.") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise SkippedObjectError("symbolic link (never followed)") from None
        raise SkippedObjectError(f"cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SkippedObjectError(kind_of(info.st_mode))
        if fingerprint(info) != expected_fingerprint:
            raise ObjectChangedError("the file changed since it was listed; it is taken in once finished.")
        os.set_blocking(fd, True)
        yield _GuardedReader(handle, info)  # type: ignore[misc]


def unchanged(root: str, key: str, expected_fingerprint: str) -> bool:
    """Whether the object is still the same regular file (checked right before it is moved)."""
    try:
        info = os.stat(os.path.join(root, key), follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and fingerprint(info) == expected_fingerprint
