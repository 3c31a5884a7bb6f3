"""The shared store (``ATHAR_STORE_URL``, e.g. ``s3://bucket/athar``): originals and the OCR cache where
every worker finds them, whichever machine took the object in or recognised the page.

The data directory stays each machine's working copy: a file is written there first, then
published under the same relative key (``originals/ab/cd/<sha256>``, ``ocr-cache/<sha256>/<page
file>``); a worker that lacks a file fetches it (then the usual checks run: an original is
re-hashed before use). Without ``ATHAR_STORE_URL`` nothing leaves the data directory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from app.bucket import Bucket
from athar.errors import StorageError
from athar.settings import Settings

_STORES: dict[str, Bucket] = {}
_LOCK = threading.Lock()


def _store(settings: Settings) -> Bucket | None:
    if not settings.store_url:
        return None
    with _LOCK:
        store = _STORES.get(settings.store_url)
        if store is None:
            store = Bucket(settings.store_url, settings)
            _STORES[settings.store_url] = store
        return store


def publish(settings: Settings, key: str, local: Path) -> None:
    """Copy a local file to the shared store under ``key`` (write-once: an existing object is kept)."""
    store = _store(settings)
    if store is None:
        return
    target = f"{store.root}/{key}"
    try:
        if not store.fs.exists(target):
            if store.is_local:
                store.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            store.fs.put_file(str(local), target)
    except OSError as exc:
        kind = type(exc).__name__
        raise StorageError(f"could not copy a file to the shared store ({kind}); retry.") from None


def fetch(settings: Settings, key: str, local: Path) -> bool:
    """Copy ``key`` from the shared store to ``local`` (atomically); False if the store has no such object."""
    store = _store(settings)
    if store is None:
        return False
    source = f"{store.root}/{key}"
    local.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fetch-", dir=local.parent)
    os.close(fd)
    try:
        store.fs.get_file(source, tmp)
        os.replace(tmp, local)
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(f"could not read from the shared store ({type(exc).__name__}); retry.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def remove(settings: Settings, key: str) -> None:
    """Delete ``key`` from the shared store (if there is one and it holds the key)."""
    store = _store(settings)
    if store is None:
        return
    with contextlib.suppress(FileNotFoundError):
        store.fs.rm_file(f"{store.root}/{key}")


def names(settings: Settings, folder: str) -> list[str]:
    """File names under ``folder`` in the shared store (empty without one)."""
    store = _store(settings)
    if store is None:
        return []
    path = f"{store.root}/{folder}"
    store.fs.invalidate_cache(path)  # a listing cached earlier misses what other machines wrote since
    try:
        return [str(p).rsplit("/", 1)[-1] for p in store.fs.ls(path, detail=False)]
    except FileNotFoundError:
        return []
