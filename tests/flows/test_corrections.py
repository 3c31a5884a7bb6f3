"""Corrections and exports end to end: a real search node, real Prefect flows, `athar` in a subprocess.

A word corrected with `athar correct` is searchable as soon as the command returns (the test does
not refresh the index itself); `athar reprocess --all` recognises the page again and loses no
correction; every export is written from the corrected text.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from app import corrections
from app.bucket import open_bucket
from app.state import INDEXED
from athar.settings import PROJECT_ROOT, Settings
from flows.reprocess import run_reprocess
from flows.watch import run_watch_bucket
from tests.flows.scans import png_scan
from tests.flows.test_pipeline import REGISTER_SEEDS, _child_env

NEW_WORD = "قرنفلات"  # a word no generated page holds: a hit can only come from the correction
NEW_LINE = "ياسمينات"


def _athar(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env={**_child_env(settings), "ATHAR_SIGNING_KEY": str(settings.data_dir / "signing.pem")},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done


def _search(settings: Settings, text: str) -> list[Any]:
    from index.client import make_client
    from index.query import search

    return list(search(make_client(settings), text, settings=settings, size=5).hits)


def _key(path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))


def test_a_correction_is_searchable_at_once_survives_reprocess_and_reaches_every_export(
    pipeline_settings: Settings, tmp_path: Path
) -> None:
    settings = pipeline_settings
    scan = png_scan(REGISTER_SEEDS[0], "prison_register", "سجل للتصحيح.png")
    sha = hashlib.sha256(scan.data).hexdigest()
    open_bucket(settings).put(scan.name, scan.data)
    assert run_watch_bucket(settings)[INDEXED] == 1
    _key(settings.data_dir / "signing.pem")
    engine = corrections.engine_pages(settings, sha)[1]
    index = next(i for i, w in enumerate(engine.words) if len(w.text) >= 4 and w.text.isalpha())
    assert not _search(settings, NEW_WORD)

    began = time.monotonic()
    _athar(settings, "correct", sha[:12], "--page", "1", "--word", str(index), "--text", NEW_WORD,
           "--by", "archivist", "--why", "read on the scan")  # fmt: skip
    print(f"athar correct, start to exit: {time.monotonic() - began:.2f} s")  # a figure to read, not a check
    hits = _search(settings, NEW_WORD)  # no refresh here: the command made it searchable
    assert [h.sha256 for h in hits] == [sha]
    assert engine.words[index].text in corrections.engine_pages(settings, sha)[1].text  # reading kept

    history = [json.loads(x) for x in _athar(settings, "history", sha, "--json").stdout.splitlines()]
    assert [e["kind"] for e in history] == ["reading", "correction"]
    assert history[1]["before"] == engine.words[index].text and history[1]["text"] == NEW_WORD
    assert history[1]["by"] == "archivist" and not history[1]["flagged"]

    result = run_reprocess(settings, every_indexed=True)  # recognises every page again
    assert result[INDEXED] >= 1
    assert [h.sha256 for h in _search(settings, NEW_WORD)] == [sha]  # 0 corrections lost
    after = [json.loads(x) for x in _athar(settings, "history", sha, "--json").stdout.splitlines()]
    assert [e["kind"] for e in after] == ["reading", "correction", "reading"] and not after[1]["flagged"]

    line = corrections.engine_pages(settings, sha)[1].words[-1].line  # a line correction splits words
    _athar(settings, "correct", sha, "--page", "1", "--line", str(line), "--text", f"{NEW_LINE} {NEW_LINE}",
           "--by", "archivist")  # fmt: skip
    assert [h.sha256 for h in _search(settings, f'"{NEW_LINE} {NEW_LINE}"')] == [sha]

    _exports(settings, sha, tmp_path)

    version = str(history[1]["version"])
    _athar(settings, "correct", sha, "--revert", version, "--by", "archivist", "--why", "wrong page")
    assert not _search(settings, NEW_WORD)


def _exports(settings: Settings, sha: str, out: Path) -> None:
    import bagit
    from lxml import etree

    _athar(settings, "export", "persons", "--format", "csv", "--out", str(out / "persons.csv"))
    with (out / "persons.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["sha256"] == sha and r["scan_url"].endswith(f"/doc/{sha}?page=1") for r in rows)
    assert all(int(r["x1"]) > int(r["x0"]) for r in rows)
    _athar(settings, "export", "persons", "--format", "xlsx", "--out", str(out / "persons.xlsx"))
    assert (out / "persons.xlsx").stat().st_size > 0

    _athar(settings, "export", "alto", sha, "--page", "1", "--out", str(out / "p1.xml"))
    contents = [s.get("CONTENT") for s in etree.parse(str(out / "p1.xml")).iter("{*}String")]
    assert NEW_WORD in contents
    _athar(settings, "export", "hocr", sha, "--page", "1", "--out", str(out / "p1.html"))
    assert NEW_WORD in (out / "p1.html").read_text(encoding="utf-8")
    _athar(settings, "export", "iiif", sha, "--out", str(out / "manifest.json"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["type"] == "Manifest" and manifest["items"][0]["annotations"][0]["items"]

    _athar(settings, "export", "pdf", sha, "--out", str(out / "doc.pdf"))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "doc.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert NEW_WORD in "".join(ch for ch in text if unicodedata.category(ch) != "Cf")

    summary = json.loads(_athar(settings, "export", "bag", sha, "--out", str(out / "bag")).stdout)
    assert summary["signed"] is True
    bagit.Bag(str(out / "bag")).validate()
    provenance = json.loads((out / "bag" / "data" / "provenance.json").read_text(encoding="utf-8"))
    assert [e["kind"] for e in provenance["history"]] == ["reading", "correction", "reading", "correction"]
    assert hashlib.sha256((out / "bag" / "data" / "original" / sha).read_bytes()).hexdigest() == sha

    pairs = json.loads(_athar(settings, "export", "training", "--out", str(out / "gt")).stdout)["pairs"]
    assert pairs == 2  # the corrected word's line and the corrected line
    texts = [gt.read_text(encoding="utf-8") for gt in sorted((out / "gt").glob("*.gt.txt"))]
    assert any(NEW_WORD in t for t in texts) and any(NEW_LINE in t for t in texts)
    assert len(list((out / "gt").glob("*.png"))) == 2
