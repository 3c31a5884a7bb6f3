"""The content-addressed originals store: ``data_dir/originals/ab/cd/<sha256>``.

Write-once, verified by re-reading, read-only mode. This module is the only one that knows the
store's layout; everything else asks it for a path by sha256.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import IO

from app import shared_store
from athar.errors import PermanentError, StorageError
from athar.log import short
from athar.private import private_dir
from athar.settings import Settings

CHUNK = 1024 * 1024  # bytes read at a time while hashing and copying
ORIGINAL_MODE = 0o400  # read-only, and for the service account only
log = logging.getLogger(__name__)


class OriginalCorruptedError(PermanentError):
    """The stored copy does not hash to its name: the disk or the copy is faulty."""

    code = "original_corrupted"


def original_path(settings: Settings, sha256: str) -> Path:
    """Where the original with this sha256 lives: ``originals/ab/cd/<sha256>``."""
    return settings.originals_dir / sha256[:2] / sha256[2:4] / sha256


def _key(sha256: str) -> str:
    """The original's key in the shared store (the same layout as the data directory's)."""
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_original(stream: IO[bytes], settings: Settings) -> tuple[str, Path, bool]:
    """Copy a stream into the originals store; returns (sha256, path, newly_stored).

    Write-once: existing content is never rewritten. The new copy is verified by
    re-reading it before it is renamed into place, and made read-only.
    """
    private_dir(settings.originals_dir)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=settings.originals_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        final = original_path(settings, sha256)
        if final.exists():
            try:
                verify_original(settings, sha256)
                shared_store.publish(settings, _key(sha256), final)
                return sha256, final, False
            except OriginalCorruptedError:
                # the stored copy went bad and this one hashes to the name: it repairs the store
                log.warning("original %s failed its check; replaced by a verified new copy", short(sha256))
        if sha256_file(tmp) != sha256:
            raise StorageError("the copy of an original did not verify; retrying the intake.")
        private_dir(final.parent)
        os.chmod(tmp, ORIGINAL_MODE)
        os.replace(tmp, final)
        shared_store.publish(settings, _key(sha256), final)  # before intake records it: any worker finds it
        return sha256, final, True
    finally:
        tmp.unlink(missing_ok=True)


def local_original(settings: Settings, sha256: str) -> Path | None:
    """The original's path on this machine, fetched from the shared store (``ATHAR_STORE_URL``)
    when only the store has it (e.g. a web app on another machine than the workers); None if
    neither has it. Not re-hashed here: :func:`verify_original` does that."""
    path = original_path(settings, sha256)
    if path.exists() or path.is_symlink():
        return path
    if shared_store.fetch(settings, _key(sha256), path):
        os.chmod(path, ORIGINAL_MODE)
        return path
    return None


def verify_original(settings: Settings, sha256: str) -> Path:
    """Re-hash a stored original; raises if it is missing or altered."""
    path = original_path(settings, sha256)
    if not path.exists() and not path.is_symlink() and shared_store.fetch(settings, _key(sha256), path):
        os.chmod(path, ORIGINAL_MODE)
    if not path.is_file() or path.is_symlink():
        raise OriginalCorruptedError(f"original {short(sha256)} is missing from {settings.originals_dir}.")
    if sha256_file(path) != sha256:
        raise OriginalCorruptedError(
            f"original {short(sha256)} no longer matches its sha256; restore it from a backup."
        )
    return path
