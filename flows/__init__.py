"""Athar flows stage.

Importing it (as Prefect's flow-run processes and `python -m flows.serve` do) makes the process's
new files owner-only and turns off every outbound Prefect call, before Prefect itself is imported.
"""

from athar.private import offline_prefect, private_umask

private_umask()
offline_prefect()
