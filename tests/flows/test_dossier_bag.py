"""The evidence package of a dossier: two documents (the same register page scanned twice) processed by a
real flow run on a real node, linked into one dossier, packaged with `athar export bag DOSSIER`, validated
by the bagit library and by Athar's own check, and any tampering caught."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app import corrections
from app.bucket import open_bucket
from app.dossiers import dossiers, open_store
from app.state import INDEXED
from athar.settings import PROJECT_ROOT, Settings
from export import bag
from flows.watch import run_watch_bucket
from link.timeline import Dossier
from tests.flows.scans import png_scan
from tests.flows.test_pipeline import REGISTER_SEEDS, _child_env

NEW_MOTHER = "قرنفلات"  # no generated page holds it


def _athar(settings: Settings, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env={**_child_env(settings), "ATHAR_SIGNING_KEY": str(settings.data_dir / "signing.pem")},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
    )
    assert (done.returncode == 0) == ok, done.stderr
    return done


def _key(path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))


def _rewrite(path: Path, data: bytes) -> None:
    os.chmod(path, 0o644)
    path.write_bytes(data)


def _two_scans(settings: Settings) -> tuple[set[str], Dossier]:
    """The same register page scanned twice (other bytes, the same people), processed by a real flow
    run; the shas and a dossier holding a person of both."""
    scan = png_scan(REGISTER_SEEDS[0], "prison_register", "سجل.png")
    again = io.BytesIO()
    Image.open(io.BytesIO(scan.data)).save(again, format="PNG", dpi=(301, 301))
    bucket = open_bucket(settings)
    bucket.put(scan.name, scan.data)
    bucket.put("سجل نسخة.png", again.getvalue())
    assert run_watch_bucket(settings)[INDEXED] == 2
    shas = {hashlib.sha256(scan.data).hexdigest(), hashlib.sha256(again.getvalue()).hexdigest()}
    spanning = [d for d in dossiers(settings) if {m.sha256 for m in d.mentions} == shas]
    assert spanning, "the same person in both scans should make one dossier"
    return shas, spanning[0]


def test_a_dossier_package_holds_every_document_and_is_sealed(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    import bagit

    settings = pipeline_settings
    shas, dossier = _two_scans(settings)
    _key(settings.data_dir / "signing.pem")

    out = tmp_path / "bag"
    summary = json.loads(_athar(settings, "export", "bag", dossier.id, "--out", str(out)).stdout)
    assert summary["signed"] is True and summary["dossier"] == dossier.id and summary["documents"] == 2
    bagit.Bag(str(out)).validate()  # an independent BagIt implementation agrees
    assert bag.verify_bag(out) is True
    data = out / "data"
    for sha in shas:  # every document: original bytes and its exports
        assert hashlib.sha256((data / "documents" / sha / "original" / sha).read_bytes()).hexdigest() == sha
        assert (data / "documents" / sha / "exports" / "document.pdf").stat().st_size > 0
        assert (data / "documents" / sha / "exports" / "alto" / "page-0001.xml").exists()
    timeline = json.loads((data / "dossier" / "timeline.json").read_text(encoding="utf-8"))
    assert timeline["dossier"] == dossier.id
    assert {m["sha256"] for m in timeline["mentions"]} == shas
    assert isinstance(json.loads((data / "dossier" / "judgements.json").read_text()), list)
    provenance = json.loads((data / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["dossier"] == dossier.id
    assert {d["sha256"] for d in provenance["documents"]} == shas
    assert all(d["intake"] and d["engines"] and d["history"] for d in provenance["documents"])
    listed = (out / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert "data/dossier/timeline.json" in listed and listed.count("/original/") == 2

    # the same package through --dossier
    other = tmp_path / "bag2"
    _athar(settings, "export", "bag", "--dossier", dossier.id, "--out", str(other))
    assert bag.verify_bag(other) is True
    missing = _athar(settings, "export", "bag", "D000000000000", "--out", str(tmp_path / "x"), ok=False)
    assert "dossier_not_found" in missing.stderr

    # tampering: one byte of an original
    original = data / "documents" / sorted(shas)[0] / "original" / sorted(shas)[0]
    good = original.read_bytes()
    _rewrite(original, good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()
    with pytest.raises(bag.BagError, match="checksum"):
        bag.verify_bag(out)
    _rewrite(original, good)
    assert bag.verify_bag(out) is True
    # tampering with the timeline and re-computing every checksum: only the signature catches it
    path = data / "dossier" / "timeline.json"
    _rewrite(path, path.read_bytes().replace(dossier.id.encode(), b"D" + b"0" * 12))
    manifest = out / "manifest-sha256.txt"
    lines = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        name = line.partition("  ")[2]
        lines.append(f"{hashlib.sha256((out / name).read_bytes()).hexdigest()}  {name}\n")
    manifest.write_text("".join(lines), encoding="utf-8")
    tags = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    (out / "tagmanifest-sha256.txt").write_text(
        "".join(f"{hashlib.sha256((out / t).read_bytes()).hexdigest()}  {t}\n" for t in tags),
        encoding="utf-8",
    )
    bagit.Bag(str(out)).validate()  # the checksums agree again...
    with pytest.raises(bag.BagError, match="altered"):
        bag.verify_bag(out)  # ...but the signature does not


def test_a_person_field_corrected_from_the_cli_relinks_at_once_and_reaches_exports(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    import csv

    from index.client import make_client
    from index.persons import person_sources

    settings = pipeline_settings
    _, dossier = _two_scans(settings)
    assert corrections.review_size(settings)["unscanned"] == 0  # processing queued both scans' words
    mine = sorted(dossier.mentions, key=lambda m: m.sha256)[0]  # one document's record of the person
    theirs = next(m for m in dossier.mentions if m.sha256 != mine.sha256)
    persons = [p for p in corrections.current(settings, mine.sha256)[2].persons if p.page == mine.page]
    k = next(i for i, p in enumerate(persons) if (p.start, p.end) == (mine.start, mine.end))

    bad = _athar(settings, "correct", mine.sha256, "--page", str(mine.page), "--person", str(k),
                 "--text", NEW_MOTHER, "--by", "archivist", ok=False)  # fmt: skip
    assert "bad_arguments" in bad.stderr  # --person needs --field
    done = _athar(settings, "correct", mine.sha256, "--page", str(mine.page), "--person", str(k),
                  "--field", "mother", "--text", NEW_MOTHER, "--by", "archivist",
                  "--why", "the register's margin")  # fmt: skip
    made = json.loads(done.stdout)
    assert made["target"]["kind"] == "person" and made["target"]["field"] == "mother"

    # linked again by the command itself (no `athar link`): the stored record has the new mother, and a
    # different mother keeps it out of the other scan's dossier
    store = open_store(settings)
    assert store.mentions([mine.id])[mine.id].mother == NEW_MOTHER
    owner = store.dossiers_of([mine.id, theirs.id])
    assert owner[mine.id] != owner[theirs.id]
    source = person_sources(make_client(settings), settings, [mine.id])[mine.id]
    assert source["mother"] == NEW_MOTHER and source.get("dossier") == owner[mine.id]

    history = [json.loads(x) for x in _athar(settings, "history", mine.sha256, "--json").stdout.splitlines()]
    assert history[-1]["kind"] == "correction" and history[-1]["text"] == NEW_MOTHER
    assert history[-1]["target"]["field"] == "mother" and history[-1]["why"] == "the register's margin"
    text = _athar(settings, "history", mine.sha256).stdout
    assert f"person {k} mother" in text and NEW_MOTHER in text

    queue = [
        json.loads(x)
        for x in _athar(settings, "review-words", "--json", "--limit", "500").stdout.splitlines()
    ]
    assert [(q["priority"], q["conf"]) for q in queue] == sorted((q["priority"], q["conf"]) for q in queue)
    assert all(q["conf"] < corrections.LOW_CONFIDENCE for q in queue)
    assert "words in the queue" in _athar(settings, "review-words", "--limit", "3").stdout

    _athar(settings, "export", "persons", "--format", "csv", "--out", str(tmp_path / "p.csv"))
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["sha256"] == mine.sha256]
    assert NEW_MOTHER in {r["mother"] for r in rows}

    _athar(settings, "correct", mine.sha256, "--revert", str(made["version"]), "--by", "archivist")
    assert store.mentions([mine.id])[mine.id].mother == mine.mother
    owner = store.dossiers_of([mine.id, theirs.id])
    assert owner[mine.id] == owner[theirs.id]  # together again, at once
