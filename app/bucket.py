"""The watched bucket: an fsspec URL (``./inbox`` or ``s3://bucket/prefix``) listed for new objects.

Object names are kept as data. A local folder is read by :mod:`app.local_inbox`: regular,
finished files only, nothing followed; what it refuses is in :attr:`Bucket.skipped`. S3 objects
are complete by definition (an upload appears whole).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app import local_inbox
from athar.errors import ConfigurationError, StorageError
from athar.settings import Settings

PROCESSED_PREFIX = "processed"


@dataclass(frozen=True)
class BucketObject:
    """One object in the watched bucket; ``key`` is relative to the bucket root (data, not a path)."""

    key: str
    size: int
    fingerprint: str  # etag (S3) or size+mtime (local): changes when the object is replaced


class Bucket:
    """An fsspec-backed watched bucket."""

    def __init__(self, url: str, settings: Settings) -> None:
        import fsspec

        self.url = url
        self.settle_seconds = settings.settle_seconds
        self.skipped: dict[str, str] = {}  # key -> reason, from the last listing
        self.is_local = not url.startswith("s3://")
        if url.startswith("s3://"):
            client_kwargs: dict[str, Any] = {}
            if settings.s3_endpoint:
                client_kwargs["endpoint_url"] = settings.s3_endpoint
            if settings.s3_region:
                client_kwargs["region_name"] = settings.s3_region
            options: dict[str, Any] = {"client_kwargs": client_kwargs}
            if settings.s3_key or settings.s3_secret:
                options["key"] = settings.s3_key
                options["secret"] = settings.s3_secret
            self.fs = fsspec.filesystem("s3", **options)
            self.root = url[len("s3://") :].rstrip("/")
        elif "://" in url and not url.startswith("file://"):
            raise ConfigurationError(f"bucket URL {url!r}: use a local folder or s3://bucket/prefix.")
        else:
            local = url[len("file://") :] if url.startswith("file://") else url
            path = Path(local).expanduser().resolve()
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigurationError(
                    f"inbox folder {local!r} cannot be created ({exc.strerror})."
                ) from None
            self.fs = fsspec.filesystem("file")
            self.root = str(path)

    def _full(self, key: str) -> str:
        return f"{self.root}/{key}"

    def list_objects(self) -> list[BucketObject]:
        """Every object under the bucket root, except ``processed/`` and hidden/partial files."""
        if self.is_local:
            entries, self.skipped = local_inbox.scan(self.root, self.settle_seconds, (PROCESSED_PREFIX,))
            return [BucketObject(e.key, e.size, e.fingerprint) for e in entries]
        try:
            self.fs.invalidate_cache()
            found = self.fs.find(self.root, detail=True)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StorageError(
                f"cannot list the bucket {self.url} ({exc}); check it exists and is reachable."
            ) from None
        objects = []
        prefix = self.root.rstrip("/") + "/"
        for full, info in sorted(found.items()):
            if info.get("type") == "directory":
                continue
            key = full[len(prefix) :] if full.startswith(prefix) else full
            parts = key.split("/")
            if parts[0] == PROCESSED_PREFIX or any(p.startswith(".") for p in parts):
                continue
            if key.endswith((".part", ".tmp", ".crdownload")):
                continue
            etag = info.get("ETag") or info.get("etag")
            mtime = info.get("mtime") or info.get("LastModified") or info.get("created")
            fingerprint = str(etag).strip('"') if etag else f"{info.get('size')}:{mtime}"
            objects.append(BucketObject(key=key, size=int(info.get("size") or 0), fingerprint=fingerprint))
        return objects

    @contextlib.contextmanager
    def open(self, key: str, fingerprint: str | None = None) -> Iterator[IO[bytes]]:
        """Read one object as a binary stream (a local one: see :func:`app.local_inbox.open_regular`)."""
        if self.is_local and fingerprint is not None:
            with local_inbox.open_regular(self.root, key, fingerprint) as handle:
                yield handle
            return
        try:
            with self.fs.open(self._full(key), "rb") as handle:
                yield handle
        except FileNotFoundError:
            raise StorageError(
                f"object vanished from the bucket before intake (key sha {key_id(key)})."
            ) from None

    def unchanged(self, obj: BucketObject) -> bool:
        """Whether ``obj`` is still what was listed (S3: always; an object is replaced whole)."""
        return not self.is_local or local_inbox.unchanged(self.root, obj.key, obj.fingerprint)

    def move_to_processed(self, key: str, sha256: str) -> str:
        """Move an object to ``processed/<key>`` (suffixed with the sha256 if that name is taken)."""
        target = f"{PROCESSED_PREFIX}/{key}"
        if self.fs.exists(self._full(target)):
            target = f"{PROCESSED_PREFIX}/{key}.{sha256[:12]}"
        try:
            self._make_parent(target)
            self.fs.mv(self._full(key), self._full(target))
        except OSError as exc:
            raise StorageError(
                f"could not move a stored object to processed/ ({exc}); it stays in the inbox."
            ) from None
        return target

    def _make_parent(self, key: str) -> None:
        if self.is_local:
            self.fs.makedirs(self._full(key).rsplit("/", 1)[0], exist_ok=True)

    def put(self, key: str, data: bytes) -> None:
        """Write an object (used by tests and the benchmark to drop files)."""
        self._make_parent(key)
        self.fs.pipe_file(self._full(key), data)


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def open_bucket(settings: Settings, url: str | None = None) -> Bucket:
    """The watched bucket from ``url`` or ``settings.inbox``."""
    bucket = Bucket(url or settings.inbox, settings)
    if bucket.is_local:
        _refuse_data_dir(Path(bucket.root), settings)
    return bucket


# the data directory's own stores: an inbox there would take in (and move away) the state database
# or originals
_STORES = ("originals", "pages", "cache", "search-node", "processed")


def _refuse_data_dir(inbox: Path, settings: Settings) -> None:
    data = settings.data_dir.expanduser().resolve()
    inside = data in inbox.parents and inbox.relative_to(data).parts[0] in _STORES
    if inbox == data or inside:
        raise ConfigurationError(
            f"the inbox {str(inbox)!r} is Athar's data directory (or one of its stores); point "
            "ATHAR_INBOX at a folder of its own (e.g. ATHAR_DATA_DIR/inbox).",
            code="inbox_in_data_dir",
        )
