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

from app.bucket import open_bucket
from app.dossiers import dossiers
from app.state import INDEXED
from athar.settings import PROJECT_ROOT, Settings
from export import bag
from flows.watch import run_watch_bucket
from tests.flows.scans import png_scan
from tests.flows.test_pipeline import REGISTER_SEEDS, _child_env


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


def test_a_dossier_package_holds_every_document_and_is_sealed(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    import bagit

    settings = pipeline_settings
    scan = png_scan(REGISTER_SEEDS[0], "prison_register", "سجل.png")
    again = io.BytesIO()  # the same page scanned again: other bytes, the same people
    Image.open(io.BytesIO(scan.data)).save(again, format="PNG", dpi=(301, 301))
    bucket = open_bucket(settings)
    bucket.put(scan.name, scan.data)
    bucket.put("سجل نسخة.png", again.getvalue())
    assert run_watch_bucket(settings)[INDEXED] == 2
    shas = {hashlib.sha256(scan.data).hexdigest(), hashlib.sha256(again.getvalue()).hexdigest()}
    _key(settings.data_dir / "signing.pem")

    spanning = [d for d in dossiers(settings) if {m.sha256 for m in d.mentions} == shas]
    assert spanning, "the same person in both scans should make one dossier"
    dossier = spanning[0]

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
