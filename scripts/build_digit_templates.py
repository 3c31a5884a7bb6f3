"""Build ocr/data/digit_templates.npz: digit glyph templates from many Arabic fonts.

Run once after `apt-get install fonts-kacst fonts-kacst-one fonts-arabeyes fonts-sil-scheherazade
fonts-noto-core fonts-droid-fallback fonts-freefont-ttf fonts-hosny-thabit fonts-sil-lateef`:
    .venv/bin/python scripts/build_digit_templates.py
Amiri and DejaVu are deliberately left out: the test-page generator (tests/synth.py) draws with them, so
benchmarks measure the classifier on fonts it never saw.
"""

from __future__ import annotations

import glob
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr.glyphs import LABELS, TEMPLATES, components, features  # noqa: E402

FONT_GLOBS = (
    "/usr/share/fonts/truetype/kacst-one/*.ttf",
    "/usr/share/fonts/truetype/kacst/Kacst*.ttf",
    "/usr/share/fonts/truetype/fonts-arabeyes/*.ttf",
    "/usr/share/fonts/truetype/scheherazade/*.ttf",
    "/usr/share/fonts/opentype/scheherazade/*.ttf",
    "/usr/share/fonts/truetype/noto/Noto*Arabic-*.ttf",
    "/usr/share/fonts/truetype/freefont/Free*.ttf",
    "/usr/share/fonts/opentype/fonts-hosny-thabit/Thabit*.ttf",
    "/usr/share/fonts/opentype/lateef/Lateef-*.ttf",
    "/usr/share/fonts/truetype/droid/DroidSans*.ttf",
)
SKIP = (
    "Decorative",
    "Art",
    "Poster",
    "Pen",
    "Letter",
    "Digital",
    "Screen",
    "Graph",
    "Shado",
    "Metal",
    "Electron",
    "Japan",
    "Jet",
    "Hor",
    "Mashq",
    "Tholoth",
    "Ostorah",
    "Rehan",
    "Dimnah",
    "Nice",
    "Furat",
    "Tarablus",
    "Cortoba",
    "Sindbad",
    "Petra",
)
SIZES = (34, 46, 60)


def render(font: ImageFont.FreeTypeFont, text: str, size: int, blur: float) -> np.ndarray:
    img = Image.new("L", (size * 6, size * 3), 255)
    ImageDraw.Draw(img).text((size, size // 2), text, font=font, fill=0)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(img)


def main() -> None:
    fonts = sorted({f for g in FONT_GLOBS for f in glob.glob(g) if not any(s in f for s in SKIP)})
    feats, labels, used = [], [], []
    for path in fonts:
        added = 0
        for size in SIZES:
            font = ImageFont.truetype(path, size)
            notdef = render(font, "\uffff", size, 0)
            line_height = size * 0.72  # digit height is about 0.7 em
            for index, ch in enumerate(LABELS):
                for blur in (0.0, 0.8):
                    arr = render(font, ch, size, blur)
                    if blur == 0.0 and np.array_equal(arr, notdef):
                        break  # the font lacks this glyph
                    binary = np.where(arr < 140, 0, 255).astype(np.uint8)
                    comps = components(binary, 3)
                    if len(comps) != 1:
                        continue
                    feats.append(features(comps[0][0], line_height))
                    labels.append(index)
                    added += 1
        if added:
            used.append(Path(path).name)
    TEMPLATES.parent.mkdir(exist_ok=True)
    np.savez_compressed(
        TEMPLATES,
        features=np.asarray(feats, dtype=np.float16),
        labels=np.asarray(labels, np.uint8),
        fonts=np.asarray(used),
    )
    print(f"{len(feats)} templates from {len(used)} fonts -> {TEMPLATES}")


if __name__ == "__main__":
    main()
