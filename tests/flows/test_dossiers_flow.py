"""Person dossiers in the processing path: a real watch-bucket flow run links what it indexes, re-runs
the saved searches, and the CLI (a separate process) lists every person record in exactly one dossier."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

from app import watchlist
from app.bucket import open_bucket
from app.dossiers import dossiers
from app.state import INDEXED
from athar.settings import Settings
from flows.watch import run_watch_bucket
from index.client import make_client
from index.persons import person_ids, person_sources
from tests.flows.scans import png_scan
from tests.flows.test_pipeline import _child_env


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=_child_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_flow_links_on_ingest_and_reruns_saved_searches(pipeline_settings: Settings) -> None:
    settings = pipeline_settings
    client = make_client(settings)
    scans = [png_scan(31, "prison_register", "سجل 31.png"), png_scan(32, "death_report", "وفاة 32.png")]
    wanted = scans[0].truth[0].persons[0]
    from index.schema import ensure_indices_once

    ensure_indices_once(client, settings)
    saved, first = watchlist.save(settings, wanted.name, mother=wanted.mother, by="family-1", client=client)
    assert first == []  # nothing indexed yet
    bucket = open_bucket(settings)
    for scan in scans:
        bucket.put(scan.name, scan.data)
    assert run_watch_bucket(settings)[INDEXED] == 2

    # linked in the flow (no `athar link`): every person entry is in exactly one dossier
    entries = dict(person_ids(client, settings))
    assert entries
    owner: dict[str, str] = {}
    for d in dossiers(settings):
        for m in d.mentions:
            assert m.id not in owner
            owner[m.id] = d.id
    assert set(owner) == set(entries)
    sources = person_sources(client, settings, entries)
    assert {i: s.get("dossier") for i, s in sources.items()} == owner

    # the saved search found its person in the new documents, with reasons
    hits = watchlist.watch_list(settings, saved.id)
    assert hits and hits[0]["search"] == saved.id and "mother's name" in hits[0]["why"]
    assert hits[0]["dossier"] == owner[hits[0]["id"]]

    # the CLI: link is idempotent, dossiers lists every record once
    done = _cli(settings, "link", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mentions"] == 0
    done = _cli(settings, "dossiers", "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    listed = Counter((m["sha256"], m["page"], m["name"]) for line in lines for m in line["mentions"])
    expected = Counter((s["sha256"], s["page"], s["name"]) for s in sources.values())
    assert listed == expected
    assert all(
        set(line) == {"dossier", "name", "mother", "birth_year", "mentions", "review"} for line in lines
    )
    one = lines[0]["dossier"]
    done = _cli(settings, "dossier", one, "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["dossier"] == one
    done = _cli(settings, "review", "--json")
    assert done.returncode == 0, done.stderr
    bad = _cli(settings, "review", "decide", "Pnothing", "same", "--by", "rana")
    assert bad.returncode == 2 and "pair_not_found" in bad.stderr
