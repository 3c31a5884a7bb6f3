"""Training samples from real scanned lines with human transcriptions (image + ``.gt.txt`` pairs).

For each line image, a box file that gives every character of the transcription the whole line's box
(the line-level ground truth Tesseract's LSTM trainer takes, as tesstrain writes it), then
``tesseract IMAGE BASE --psm 13 lstm.train`` makes the ``.lstmf`` sample. Images and box files go to a work
folder; the data folder is only read.

Lines are left out when the transcription cannot teach the glyphs on the image:
- it holds a digit (OpenITI's transcriptions write Western digits for the Eastern ones printed on the page;
  Athar's digit pass reads digits glyph by glyph anyway);
- it holds a character the model cannot write (``unicharset``), or it is empty.
The Arabic comma ، is not among the characters the ``ara`` models can write (they read it as », ء or .,
3 % of the characters of these books): it is trained as the Latin comma, and :func:`ocr.text.clean_word`
writes a comma at an Arabic word as ،.
The transcriptions have no short vowels while the pages do: the model learns to leave them out, as the
rest of Athar does (search and matching drop them).
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

HAS_DIGIT = re.compile(r"\d")


def line_box(text: str, width: int, height: int, page: int = 0) -> str:
    """Box-file lines for one text line on page ``page`` of an image: each character (with its combining
    marks) boxed over the whole page, then a tab that ends the line."""
    units: list[str] = []
    for ch in text:
        if units and unicodedata.combining(ch):
            units[-1] += ch
        else:
            units.append(ch)
    rows = [f"{unit} 0 0 {width} {height} {page}" for unit in units]
    rows.append(f"\t {width} {height} {width + 1} {height + 1} {page}")
    return "\n".join(rows) + "\n"


def unicharset_chars(path: Path) -> set[str]:
    """Characters a model's unicharset can write (its first column, after the count line)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(" ", 1)[0] for line in lines if line}


def usable(text: str, charset: set[str]) -> str | None:
    """The transcription as it is trained (NFC, one space between words), or None to leave the line out."""
    text = " ".join(unicodedata.normalize("NFC", text).replace("،", ",").split())
    if not text or HAS_DIGIT.search(text):
        return None
    if any(ch not in charset and ch != " " for ch in text):
        return None
    return text


def pairs(folders: Iterable[Path]) -> list[tuple[Path, str]]:
    """(line image, transcription) for every ``*.gt.txt`` with a ``.png`` beside it."""
    out = []
    for folder in folders:
        for gt in sorted(folder.glob("*.gt.txt")):
            image = gt.with_name(gt.name[: -len(".gt.txt")] + ".png")
            if image.is_file():
                out.append((image, gt.read_text(encoding="utf-8")))
    return out


def _document(lines: list[tuple[Path, str]], base: Path, tessdata: Path) -> Path | None:
    """One ``.lstmf`` of several lines: a multi-page TIFF, one line image a page, and its box file."""
    images = [Image.open(image).convert("L") for image, _ in lines]
    tif = base.with_suffix(".tif")
    images[0].save(tif, save_all=True, append_images=images[1:], compression="tiff_lzw", dpi=(300, 300))
    boxes = "".join(line_box(text, img.width, img.height, page) for page, (img, (_, text)) in
                    enumerate(zip(images, lines, strict=True)))  # fmt: skip
    base.with_suffix(".box").write_text(boxes, encoding="utf-8")
    base.with_suffix(".gt.txt").write_text("".join(text + "\n" for _, text in lines), encoding="utf-8")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", str(tif), str(base), "-l", "ara", "--tessdata-dir", str(tessdata), "--psm", "13"]
    subprocess.run([*command, "lstm.train"], check=True, capture_output=True, env=env)
    lstmf = base.with_suffix(".lstmf")
    return lstmf if lstmf.is_file() else None


def make_samples(
    folders: Iterable[Path], out: Path, tessdata: Path, charset: set[str], per_document: int
) -> list[Path]:
    """``.lstmf`` files in ``out`` for the usable lines of ``folders``, ``per_document`` lines each.

    Several lines a document: ``lstmtraining`` takes one line from each document in turn, so documents of
    as many lines as the rendered ones keep scanned and rendered lines in balance."""
    out.mkdir(parents=True, exist_ok=True)
    kept = [(image, text) for image, raw in pairs(folders) if (text := usable(raw, charset)) is not None]
    groups = [kept[i : i + per_document] for i in range(0, len(kept), per_document)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        made = pool.map(lambda k: _document(groups[k], out / f"scan{k:03d}", tessdata), range(len(groups)))
        return [p for p in made if p is not None]
