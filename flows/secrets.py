"""Secrets from Prefect Secret blocks: ``ATHAR_<SECRET>_BLOCK=name`` (e.g. ``ATHAR_S3_SECRET_BLOCK``).

Installed as the kernel's secret resolver when :mod:`flows` is imported, so settings built inside a
flow run read the block there; the secret never becomes a flow parameter, a log line or an artifact.
"""

from __future__ import annotations

import threading
from typing import Any

from athar.errors import ConfigurationError
from athar.settings import set_secret_resolver

_CACHE: dict[str, str] = {}
_LOCK = threading.Lock()


def read_secret_block(name: str) -> str:
    """The value of the Prefect Secret block ``name`` (read once per process)."""
    with _LOCK:
        if name in _CACHE:
            return _CACHE[name]
    from prefect.blocks.system import Secret

    try:
        block: Any = Secret.load(name)
        value = block.get()
    except ValueError:
        raise ConfigurationError(
            f"Prefect Secret block {name!r} was not found; create it (prefect block create secret) "
            "or correct the ATHAR_*_BLOCK variable that names it."
        ) from None
    if not isinstance(value, str):
        raise ConfigurationError(f"Prefect Secret block {name!r} does not hold a string.")
    with _LOCK:
        _CACHE[name] = value
    return value


def install() -> None:
    """Make the kernel read ``ATHAR_*_BLOCK`` secrets through Prefect."""
    set_secret_resolver(read_secret_block)
