"""Training samples from line pairs: ``NAME.png`` + ``NAME.gt.txt`` (what `athar export training` writes,
the layout of tesstrain's ``data/<MODEL>-ground-truth``) to Tesseract ``.lstmf`` files.

For each line a box file gives the whole line's box to every character, as tesstrain's
``generate_line_box.py`` does, but with the characters in *visual* order (left to right on the
page): Tesseract's trainer expects right-to-left text that way, and logical order trains Arabic
backwards (tesseract-ocr/tesstrain#355). Digits keep their order (:func:`athar.bidi.visual_order`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from athar.bidi import visual_order


def pairs(folder: Path) -> list[tuple[Path, str]]:
    """(image, text) of every complete pair in ``folder``, sorted by name; empty texts are skipped."""
    found = []
    for image in sorted(folder.glob("*.png")):
        truth = image.with_name(image.name[: -len(".png")] + ".gt.txt")
        if truth.exists():
            text = " ".join(truth.read_text(encoding="utf-8").split())
            if text:
                found.append((image, text))
    return found


def box_file(text: str, width: int, height: int) -> str:
    """A line box file: every character of the line in visual order on the whole line's box, then a tab."""
    rows = [f"{ch} 0 0 {width} {height} 0" for ch in visual_order(text)]
    return "\n".join([*rows, f"\t 0 0 {width} {height} 0"]) + "\n"


def make_samples(folder: Path, work: Path, tessdata: Path, lang: str = "ara") -> list[Path]:
    """``.lstmf`` files (in ``work``) for the pairs of ``folder``; returns their paths."""
    from PIL import Image

    work.mkdir(parents=True, exist_ok=True)
    samples = []
    for image, text in pairs(folder):
        base = work / image.name[: -len(".png")]
        with Image.open(image) as opened:
            opened.convert("L").save(base.with_suffix(".png"))
            width, height = opened.size
        base.with_suffix(".box").write_text(box_file(text, width, height), encoding="utf-8")
        command = ["tesseract", str(base.with_suffix(".png")), str(base), "-l", lang]
        command += ["--tessdata-dir", str(tessdata), "--psm", "13", "lstm.train"]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        if base.with_suffix(".lstmf").exists():
            samples.append(base.with_suffix(".lstmf"))
    return samples
