"""Bad input: each gets its own code and a message, never a traceback; the batch goes on; files untouched."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from tests.ocr.conftest import ROOT, run_cli
from tests.synth import make_page, render_page, write_pdf

GOOD = ROOT / "samples" / "register-page.png"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pdf_bytes() -> bytes:
    buf = io.BytesIO()
    write_pdf([render_page(make_page(1, "death_report"), seed=1, size="strip")], buf)
    return buf.getvalue()


def make_empty(tmp: Path) -> Path:
    path = tmp / "empty.pdf"
    path.write_bytes(b"")
    return path


def make_truncated_pdf(tmp: Path) -> Path:
    path = tmp / "truncated.pdf"
    data = _pdf_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_corrupt_pdf(tmp: Path) -> Path:
    path = tmp / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    return path


def make_encrypted_pdf(tmp: Path) -> Path:
    from pypdf import PdfReader

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp / "encrypted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_text_as_jpg(tmp: Path) -> Path:
    path = tmp / "notes.jpg"
    path.write_text("قائمة الموقوفين\nthis is a text file, not a scan\n", encoding="utf-8")
    return path


def make_bomb(tmp: Path) -> Path:
    # 12000 x 12000 = 144 megapixels, a few kilobytes on disk: over the default 120 MP limit.
    path = tmp / "bomb.png"
    Image.new("1", (12000, 12000), 1).save(path, optimize=True)
    return path


def make_truncated_jpeg(tmp: Path) -> Path:
    buf = io.BytesIO()
    render_page(make_page(2, "court_record"), seed=2, size="strip").save(buf, "JPEG", quality=90)
    path = tmp / "cut.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return path


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    render_page(make_page(3, "prison_register"), seed=3, size="strip").save(buf, "PNG")
    return buf.getvalue()


def make_truncated_png(tmp: Path) -> Path:
    path = tmp / "cut.png"
    path.write_bytes(_png_bytes()[:-100])  # the copy stopped just before the end
    return path


def make_damaged_png(tmp: Path) -> Path:
    data = bytearray(_png_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside the compressed pixels: a checksum fails
    path = tmp / "flipped.png"
    path.write_bytes(bytes(data))
    return path


CASES = [
    ("empty_file", make_empty),
    ("corrupt_pdf", make_truncated_pdf),
    ("corrupt_pdf", make_corrupt_pdf),  # same code, a different fault
    ("encrypted_pdf", make_encrypted_pdf),
    ("unsupported_type", make_text_as_jpg),
    ("image_too_large", make_bomb),
    ("corrupt_file", make_truncated_jpeg),
    ("corrupt_file", make_truncated_png),
    ("corrupt_file", make_damaged_png),
]


@pytest.mark.parametrize(("code", "make"), CASES, ids=[m.__name__[5:] for _c, m in CASES])
def test_bad_input_has_its_code_and_leaves_the_file_alone(
    code: str, make: Callable[[Path], Path], tmp_path: Path
) -> None:
    bad = make(tmp_path)
    before = _sha(bad)
    result = run_cli("extract", "--no-nlp", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = json.loads(result.stdout.strip())
    assert line["source"] == str(bad)
    assert line["error"]["code"] == code
    assert len(line["error"]["message"]) > 20
    assert _sha(bad) == before and bad.exists()


def test_unreadable_path(tmp_path: Path) -> None:
    link = tmp_path / "gone.pdf"
    link.symlink_to(tmp_path / "missing.pdf")
    result = run_cli("extract", str(link))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["error"]["code"] == "unreadable_path"


def test_page_limit(tmp_path: Path) -> None:
    pdf = ROOT / "samples" / "court-and-death-report.pdf"
    result = run_cli("extract", str(pdf), env={"ATHAR_MAX_PAGES": "1"})
    assert json.loads(result.stdout)["error"]["code"] == "too_many_pages"


def test_batch_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    bad = make_text_as_jpg(tmp_path)
    result = run_cli("extract", "--no-nlp", str(bad), str(GOOD))
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert result.returncode == 1
    assert [("error" in x) for x in lines] == [True, False]
    assert lines[1]["pages"][0]["words"]
