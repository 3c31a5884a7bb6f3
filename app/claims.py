"""A worker's claims on documents while it processes them: taken in the state store, renewed in the
background (every third of the lease) and ended by the document's next state.

Claims make each document processed by one worker at a time, even when several workers (on one
machine or many) are handed the same document: the second one is refused and skips it. A worker
that dies stops renewing; once its lease expires any other worker takes the document over.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from types import TracebackType
from typing import Any

from app.state import StateStore, worker_name
from athar.errors import StorageError
from athar.log import short
from athar.settings import Settings

log = logging.getLogger(__name__)

RENEWALS_PER_LEASE = 3  # renew a lease when a third of it has passed: two renewals may fail in a row


class Claims:
    """The documents this worker holds; use as a context manager (it renews while open)."""

    def __init__(self, store: StateStore, settings: Settings, *, pending_only: bool = False) -> None:
        self.store = store
        self.worker = worker_name(settings)
        self.lease = settings.lease_seconds
        self.pending_only = pending_only
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def take(self, sha256: str) -> bool:
        """Claim one document; False if another worker holds it (or, pending_only, it is not pending).

        A claim of a dead process on this machine (the default worker name is host:pid) is taken
        over at once instead of after its lease: a single box restarts after a crash without waiting.
        """
        taken = self.store.claim(sha256, self.worker, self.lease, pending_only=self.pending_only)
        if not taken and self._holder_is_dead(sha256):
            taken = self.store.claim(sha256, self.worker, self.lease, pending_only=self.pending_only)
        if not taken:
            return False
        with self._lock:
            self._held.add(sha256)
        return True

    def _holder_is_dead(self, sha256: str) -> bool:
        """Whether a process of this machine holds the claim and is gone (then its lease is ended)."""
        row = self.store.document(sha256)
        holder = row.worker if row is not None else None
        host, _, pid = (holder or "").rpartition(":")
        if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
            return False
        except ProcessLookupError:
            pass
        except PermissionError:
            return False  # alive, another account's
        self.store.renew([sha256], holder or "", 0.0)  # only if that dead process still holds it
        return True

    def still_held(self, sha256s: list[str]) -> list[str]:
        """Those of ``sha256s`` this worker still holds, their leases extended; checked before a
        group is written to the index, so a worker whose claim was taken over writes nothing."""
        if not sha256s:
            return []
        kept = self.store.renew(sha256s, self.worker, self.lease)
        with self._lock:
            self._held -= set(sha256s) - set(kept)
        for sha256 in set(sha256s) - set(kept):
            log.warning("document %s: lease lost to another worker; not indexed again", short(sha256))
        return kept

    def record_result(self, sha256: str, summary: dict[str, Any]) -> bool:
        """End the claim with the document indexed; False (nothing written) if the lease was lost."""
        return self._ended(sha256, self.store.record_result(sha256, summary, worker=self.worker))

    def set_state(
        self, sha256: str, state: str, *, code: str | None = None, message: str | None = None
    ) -> bool:
        """End the claim with the document in ``state``; False (nothing written) if the lease was lost."""
        done = self.store.set_state(sha256, state, code=code, message=message, worker=self.worker)
        return self._ended(sha256, done)

    def _ended(self, sha256: str, done: bool) -> bool:
        with self._lock:
            self._held.discard(sha256)
        if not done:
            log.warning("document %s: lease lost to another worker; its result stands", short(sha256))
        return done

    def renew_now(self) -> None:
        """Extend the leases still held; documents that moved on (or were taken over) are dropped."""
        with self._lock:
            held = sorted(self._held)
        if not held:
            return
        try:
            kept = set(self.store.renew(held, self.worker, self.lease))
        except StorageError as exc:
            log.warning("claims: renewal failed [%s]; trying again", exc.code)
            return
        with self._lock:
            self._held &= kept | (self._held - set(held))

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.lease / RENEWALS_PER_LEASE):
            self.renew_now()
        self.store.close()

    def __enter__(self) -> Claims:
        self._thread = threading.Thread(target=self._renew_loop, daemon=True, name="athar-claims")
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if kind is not None:  # the batch failed: what it still holds is free for any worker at once
            with self._lock:
                held = sorted(self._held)
            with contextlib.suppress(StorageError):  # else the leases expire by themselves
                self.store.renew(held, self.worker, 0.0)
