"""Status: documents per state, the last runs and the quarantine (codes and messages, never content)."""

from __future__ import annotations

from typing import Any

from app.state import QUARANTINED, open_state
from athar.settings import Settings


def status_report(settings: Settings, runs: int = 5) -> dict[str, Any]:
    """Counts per state, recent runs, quarantined documents, skipped inbox objects and originals that
    failed their fixity check, as plain data."""
    store = open_state(settings)
    quarantined = [
        {"sha256": d.sha256, "code": d.code, "message": d.message, "since": d.updated}
        for d in store.documents(QUARANTINED)
    ]
    return {
        "data_dir": str(settings.data_dir),
        "inbox": settings.inbox,
        "counts": store.counts(),
        "runs": store.last_runs(runs),
        "quarantined": quarantined,
        # objects of the inbox that are not taken in, once each, with why (fix or remove them)
        "skipped_objects": [
            {"name": o["object_key"], "reason": o["reason"], "bucket": o["bucket"], "since": o["first_seen"]}
            for o in store.skipped()
        ],
        # originals that are missing or no longer hash to their name (`athar verify`)
        "integrity_failures": [f["sha256"] for f in store.integrity_failures()],
    }
