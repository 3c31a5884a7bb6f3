"""Data at rest for the service account only, and the local secrets Athar generates for itself.

* :func:`private_umask` — files and directories created from now on (by this process and every
  process it starts) are readable by their owner only (umask 077).
* :func:`private_dir` — a directory created 0700, or tightened to 0700 when it already exists.
* :func:`secret` — a random secret kept in a 0600 file (``data_dir/secrets/<name>``), made once.
* :func:`search_credentials` — what the search client sends: ``ATHAR_SEARCH_USER``/``PASSWORD``, or
  for the embedded node on a loopback address, the secret ``athar node start`` generated.
* :func:`offline_prefect` — Prefect settings that stop every outbound call (analytics, promotions),
  forced in the environment of every Athar process before Prefect is imported.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import MutableMapping
from pathlib import Path
from urllib.parse import urlsplit

from athar.errors import ConfigurationError
from athar.settings import Settings

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600
SECRET_BYTES = 32  # 256 bits, url-safe base64: 43 characters
NODE_USER = "athar"
SEARCH_SECRET = "search-node"
PREFECT_SECRET = "prefect-api"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Prefect settings that would call out of the machine, all off: the server's usage analytics (also
# sent by the temporary server Prefect starts for `athar watch`/`athar reprocess` without a server),
# the UI's promotional content and Cloud's orchestration telemetry.
OFFLINE_PREFECT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
}


def offline_prefect(environ: MutableMapping[str, str] | None = None) -> None:
    """Force :data:`OFFLINE_PREFECT` into ``environ`` (default: this process, and so its children)."""
    (os.environ if environ is None else environ).update(OFFLINE_PREFECT)


def private_umask() -> None:
    """Owner-only modes for everything this process and its children create."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can enter (made, or tightened when it is ours)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):  # not ours: leave it, its owner decides
        if stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
            path.chmod(DIR_MODE)
    return path


def open_private(path: Path, *, append: bool = True) -> int:
    """A file descriptor on ``path`` (append or truncate), the file made or kept 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    with contextlib.suppress(PermissionError):
        os.fchmod(fd, FILE_MODE)
    return fd


def write_private(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text``, the file 0600."""
    with os.fdopen(open_private(path, append=False), "w", encoding="utf-8") as handle:
        handle.write(text)


def secrets_dir(settings: Settings) -> Path:
    """``data_dir/secrets`` (0700), with the data directory itself made private."""
    private_dir(settings.data_dir)
    return private_dir(settings.data_dir / "secrets")


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"cannot read the secret {path} ({exc}); remove it to make a new one."
        ) from None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigurationError(
            f"the secret {path} is readable by others (mode {mode:o}); run `chmod 600 {path}`.",
            code="secret_exposed",
        )
    return text or None


def secret(settings: Settings, name: str, *, create: bool = True) -> str | None:
    """The secret ``name`` of this data directory; made (0600, random) on first use when ``create``."""
    path = settings.data_dir / "secrets" / name
    found = _read(path)
    if found or not create:
        return found
    value = secrets.token_urlsafe(SECRET_BYTES)
    secrets_dir(settings)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:  # another process made it first: use theirs
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine only."""
    return (urlsplit(url).hostname or "") in _LOOPBACK_HOSTS


def search_credentials(settings: Settings, *, create: bool = False) -> tuple[str, str] | None:
    """(user, password) for the search engine, or None when there are none to send.

    ``ATHAR_SEARCH_PASSWORD`` wins (user ``ATHAR_SEARCH_USER``, default ``athar``). Otherwise, for a
    loopback URL only (the local secret is never sent to another machine), the embedded node's
    generated secret; ``create`` makes it (what ``athar node start`` does).
    """
    if settings.search_password:
        return settings.search_user or NODE_USER, settings.search_password
    if settings.search_user:
        raise ConfigurationError(
            "ATHAR_SEARCH_USER is set without ATHAR_SEARCH_PASSWORD; set both or neither."
        )
    if not is_loopback_url(settings.search_url):
        return None
    found = secret(settings, SEARCH_SECRET, create=create)
    return (NODE_USER, found) if found else None
