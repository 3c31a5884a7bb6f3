"""Intake: one bucket object (or one local file) into the originals store and the state store.

:func:`intake` stores the original, records the drop, and only then lets the object leave the
inbox (``after_intake="move"`` to ``processed/``, or ``"keep"`` and remember key + etag).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from app.bucket import Bucket, BucketObject, key_id
from app.local_inbox import SkippedObjectError
from app.originals import OriginalCorruptedError, store_original
from app.state import QUARANTINED, RECEIVED, StateStore
from athar.errors import StorageError, UnreadablePathError
from athar.log import short
from athar.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeResult:
    """What happened to one bucket object: stored as ``sha256``; ``new`` if first time this content."""

    sha256: str
    path: str
    new: bool
    key: str
    disposition: str


def new_objects(bucket: Bucket, state: StateStore) -> list[BucketObject]:
    """Objects not yet taken in (in "move" mode everything outside processed/ is new).

    What the listing refuses (links, sockets, FIFOs, devices) and what intake could not read are
    recorded as skipped, each reported once, and not offered again until it changes.
    """
    objects = bucket.list_objects()
    for key in state.sync_skipped(bucket.url, bucket.skipped, {o.key for o in objects}):
        log.warning("inbox object %s skipped: %s (see `athar status`)", key_id(key), bucket.skipped[key])
    skipped = state.skipped_versions(bucket.url)
    return [
        o
        for o in objects
        if skipped.get(o.key) != o.fingerprint and not state.seen(bucket.url, o.key, o.fingerprint)
    ]


def intake(bucket: Bucket, obj: BucketObject, state: StateStore, settings: Settings) -> IntakeResult:
    """Store one object as an original, record the drop, then move or keep it per ``after_intake``.

    Nothing leaves the inbox before it is stored whole: the object is read without following links
    and must not change while it is read, nor between the copy and the move.
    """
    started = time.monotonic()
    try:
        with bucket.open(obj.key, obj.fingerprint) as stream:
            sha256, path, newly_stored = store_original(stream, settings)
    except SkippedObjectError as exc:
        if state.add_skipped(bucket.url, obj.key, obj.fingerprint, exc.message):
            log.warning("inbox object %s skipped: %s (see `athar status`)", key_id(obj.key), exc.message)
        raise
    state.clear_skipped(bucket.url, obj.key)
    new_document = state.add_document(sha256, path.stat().st_size)
    _repaired(state, sha256)
    disposition = "kept"
    state.add_drop(sha256, bucket.url, obj, disposition)
    if settings.after_intake == "move":
        if not bucket.unchanged(obj):
            disposition = "kept (changed after intake)"  # a new version: taken in once finished
        else:
            try:
                disposition = bucket.move_to_processed(obj.key, sha256)
            except StorageError as exc:
                # the original is safe in the store and the drop is remembered: the object just stays
                disposition = "kept (move failed)"
                log.warning("intake %s: [%s] object left in the inbox", short(sha256), exc.code)
        state.set_drop_disposition(bucket.url, obj.key, obj.fingerprint, disposition)
    log.info(
        "intake %s: %s document, %d bytes, stored=%s, %.2fs",
        short(sha256),
        "new" if new_document else "known",
        obj.size,
        newly_stored,
        time.monotonic() - started,
    )
    return IntakeResult(sha256=sha256, path=str(path), new=new_document, key=obj.key, disposition=disposition)


def _repaired(state: StateStore, sha256: str) -> None:
    """A good copy of an original that had failed its fixity check was stored: the failure is cleared
    and a document quarantined for it is processed again."""
    if not state.clear_integrity_failure(sha256):
        return
    log.warning("original %s repaired from a new drop (its hash was checked)", short(sha256))
    document = state.document(sha256)
    if document and document.state == QUARANTINED and document.code == OriginalCorruptedError.code:
        state.set_state(sha256, RECEIVED)


def intake_all(bucket: Bucket, state: StateStore, settings: Settings) -> list[IntakeResult]:
    """Take in every new object of the bucket; an object that fails stays in the inbox for next time."""
    results = []
    for obj in new_objects(bucket, state):
        try:
            results.append(intake(bucket, obj, state, settings))
        except (StorageError, SkippedObjectError) as exc:
            log.warning("intake of object %s postponed: [%s]", key_id(obj.key), exc.code)
    return results


def intake_file(path: Path, settings: Settings, state: StateStore) -> IntakeResult:
    """Store a local file (named on the command line) as an original and record it as a drop.

    The drop's bucket is the file's folder and its key the file name (data, as for bucket objects);
    the file itself is only read, never moved.
    """
    try:
        info = path.stat()
        with path.open("rb") as stream:
            sha256, stored, _ = store_original(stream, settings)
    except OSError as exc:
        raise UnreadablePathError(f"{path}: cannot be read ({exc.strerror}).") from None
    new_document = state.add_document(sha256, stored.stat().st_size)
    obj = BucketObject(key=path.name, size=info.st_size, fingerprint=f"{info.st_size}:{info.st_mtime}")
    state.add_drop(sha256, str(path.resolve().parent), obj, "kept")
    return IntakeResult(sha256=sha256, path=str(stored), new=new_document, key=path.name, disposition="kept")
