"""Athar flows stage.

Importing it (as Prefect's flow-run processes and `python -m flows.serve` do) makes the process's
new files owner-only and turns off every outbound Prefect call, before Prefect itself is imported;
and it lets settings read Prefect Secret blocks (``ATHAR_<SECRET>_BLOCK``, :mod:`flows.secrets`).
"""

from athar.private import offline_prefect, private_umask

private_umask()
offline_prefect()

from flows.secrets import install as _install_secret_blocks  # noqa: E402  (after the umask and offline)

_install_secret_blocks()
