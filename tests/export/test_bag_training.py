"""The BagIt evidence package (validated by the bagit library, signed with Ed25519) and training pairs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from export import bag, training
from export import corrections as c
from tests.export.conftest import Read


def _key(tmp_path: Path) -> Path:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path = tmp_path / "key.pem"
    path.write_bytes(pem)
    return path


def test_a_signed_bag_validates_and_any_change_is_caught(read_page: Read, tmp_path: Path) -> None:
    import bagit

    out = tmp_path / "bag"
    original = read_page.image
    payload = {f"original/{read_page.page.sha256}.jpg": original, "exports/page-1.txt": b"text"}
    provenance = {"sha256": read_page.page.sha256, "chain": [{"event": "intake"}]}
    summary = bag.write_bag(out, payload, provenance, signing_key=str(_key(tmp_path)))
    assert summary["signed"] and summary["files"] == 3
    bagit.Bag(str(out)).validate()  # an independent BagIt implementation agrees
    assert bag.verify_bag(out) is True
    assert (out / "data" / "original" / f"{read_page.page.sha256}.jpg").read_bytes() == original.read_bytes()
    assert "Signing-Key-Fingerprint: sha256:" in (out / "bag-info.txt").read_text()
    # another key does not verify it
    other = tmp_path / "other"
    other.mkdir()
    bag.write_bag(tmp_path / "bag2", payload, provenance, signing_key=str(_key(other)))
    with pytest.raises(bag.BagError, match="altered"):
        bag.verify_bag(out, (tmp_path / "bag2" / bag.PUBLIC_KEY).read_bytes())
    # a changed payload byte is caught
    target = out / "data" / "exports" / "page-1.txt"
    os.chmod(target, 0o644)
    target.write_bytes(b"texT")
    with pytest.raises(bag.BagError, match="checksum"):
        bag.verify_bag(out)
    with pytest.raises(bag.BagError, match="not empty"):
        bag.write_bag(out, payload, provenance)


def test_an_unsigned_bag_without_a_key(read_page: Read, tmp_path: Path) -> None:
    summary = bag.write_bag(tmp_path / "b", {"x.txt": b"x"}, {"chain": []})
    assert not summary["signed"] and bag.verify_bag(tmp_path / "b") is False


def test_training_pairs_are_the_corrected_lines(read_page: Read, tmp_path: Path) -> None:
    page = read_page.page
    target = c.word_target(page, 5)
    fix = c.Correction("a" * 64, 1, target, "سهام", page.words[5].text, "me", "2026-12-04T00:00:00+00:00")
    corrected = c.apply_to_page(page, [fix])
    names = training.write_pairs([(page, read_page.image), (corrected, read_page.image)], tmp_path / "gt")
    assert len(names) == 1  # the engine's page has no corrected line
    line = [w for w in corrected.words if w.line == page.words[5].line]
    text = (tmp_path / "gt" / f"{names[0]}.gt.txt").read_text(encoding="utf-8")
    assert text == " ".join(w.text for w in line) + "\n" and "سهام" in text
    with Image.open(tmp_path / "gt" / f"{names[0]}.png") as crop:
        x0 = min(w.bbox[0] for w in line)
        x1 = max(w.bbox[2] for w in line)
        assert crop.width == x1 - x0 + 2 * training.MARGIN


def test_exported_pairs_become_tesseract_training_samples(read_page: Read, tmp_path: Path) -> None:
    import shutil

    from ocr.tesseract import SHIPPED_MODEL
    from ocr.train.finetune import DEBIAN_CONFIGS
    from ocr.train.lines import box_file, make_samples

    page = read_page.page
    fix = c.Correction("a" * 64, 1, c.word_target(page, 5), "سهام", page.words[5].text, "me", "2026-12-04")
    training.write_pairs([(c.apply_to_page(page, [fix]), read_page.image)], tmp_path / "gt")
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    shutil.copyfile(SHIPPED_MODEL, tessdata / "ara.traineddata")
    (tessdata / "configs").symlink_to(DEBIAN_CONFIGS)
    (sample,) = make_samples(tmp_path / "gt", tmp_path / "work", tessdata)
    assert sample.stat().st_size > 1000
    # the trainer wants right-to-left text in visual order, digits kept as they are
    assert box_file("سجل 12", 10, 5).splitlines()[:5] == [
        "1 0 0 10 5 0", "2 0 0 10 5 0", "  0 0 10 5 0", "ل 0 0 10 5 0", "ج 0 0 10 5 0",
    ]  # fmt: skip
