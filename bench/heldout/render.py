"""Draw held-out pages with Pillow + libraqm (right-to-left shaping), and degrade them like scans.

Independent of ``tests/synth.py``: its own block layout (wrapped lines, ruled tables whose vertical rules
sit close to the text, two-column forms, side-by-side signature blocks) and its own degradations.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

# Typefaces by split. The heldout ones are not among the faces Athar's OCR model was fine-tuned on
# (ocr/train/finetune.py: FONTS, HELD_OUT_FONTS), and must never be added there or tuned on. Debian
# packages in the comments; the dev faces may be tuned on.
TYPEFACES: dict[str, dict[str, str]] = {
    "dev": {
        "amiri": "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",  # fonts-hosny-amiri
        "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # fonts-dejavu-core
        "kacstone": "/usr/share/fonts/truetype/kacst-one/KacstOne.ttf",  # fonts-kacst-one
        "furat": "/usr/share/fonts/truetype/fonts-arabeyes/ae_Furat.ttf",  # fonts-arabeyes
        "harmattan": "/usr/share/fonts/truetype/harmattan/Harmattan-Regular.ttf",  # fonts-sil-harmattan
    },
    # dev2 (tunable): the dev faces; never a heldout face
    "dev2": {
        "amiri": "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "kacstone": "/usr/share/fonts/truetype/kacst-one/KacstOne.ttf",
        "furat": "/usr/share/fonts/truetype/fonts-arabeyes/ae_Furat.ttf",
        "harmattan": "/usr/share/fonts/truetype/harmattan/Harmattan-Regular.ttf",
    },
    # dev4 (tunable): the dev faces
    "dev4": {
        "amiri": "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "kacstone": "/usr/share/fonts/truetype/kacst-one/KacstOne.ttf",
    },
    # dev3 (tunable): the dev faces too
    "dev3": {
        "amiri": "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "kacstone": "/usr/share/fonts/truetype/kacst-one/KacstOne.ttf",
        "furat": "/usr/share/fonts/truetype/fonts-arabeyes/ae_Furat.ttf",
        "harmattan": "/usr/share/fonts/truetype/harmattan/Harmattan-Regular.ttf",
    },
    "heldout": {
        # fonts-sil-scheherazade
        "scheherazade": "/usr/share/fonts/truetype/scheherazade/Scheherazade-Regular.ttf",
        "lateef": "/usr/share/fonts/opentype/lateef/Lateef-Regular.ttf",  # fonts-sil-lateef
        # a plain, typewriter-like face (fonts-arabeyes), not among the OCR model's training faces
        "alyarmook": "/usr/share/fonts/truetype/fonts-arabeyes/ae_AlYarmook.ttf",
    },
}
# Faces drawn small for their point size are set larger, as a typist would (legible at 150 dpi too).
FACE_SCALE = {"scheherazade": 1.25, "lateef": 1.3}
DEGRADATIONS = ("clean", "rotate", "photocopy", "lowdpi", "pdf")
DPI = 300
RENDER_VERSION = 1  # bump when drawing or degrading changes, so cached images and their OCR are redone
FIXED_PDF_TIME = 1577836800  # 2020-01-01, the PDFs' creation date, so the bytes never change
A4_MM = (210, 297)
MM_PER_INCH = 25.4
LINE_SPACING = 1.75  # line height in font pixels
RULE_GAP = 0.25  # space between a cell's text and its vertical rule, in font pixels (tight, as typed tables)


@lru_cache(maxsize=64)
def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    if not features.check("raqm"):
        raise RuntimeError("Pillow lacks raqm: install libraqm0 (Debian) for Arabic shaping")
    if not Path(path).is_file():
        raise RuntimeError(
            f"font {path} missing: install the Debian package named in bench/heldout/render.py"
        )
    return ImageFont.truetype(path, px, layout_engine=ImageFont.Layout.RAQM)


def _width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont) -> int:
    return int(draw.textlength(text, font=font, direction="rtl", language="ar")) if text else 0


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont,
          anchor: str = "ra") -> None:  # fmt: skip
    draw.text(xy, text, font=font, fill=0, anchor=anchor, direction="rtl", language="ar")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, room: int) -> list[str]:
    words, out, cur = text.split(" "), [], ""
    for word in words:
        trial = f"{cur} {word}" if cur else word
        if cur and _width(draw, trial, font) > room:
            out.append(cur)
            cur = word
        else:
            cur = trial
    return [*out, cur] if cur else out


class _Canvas:
    def __init__(self, font_path: str, pt: float, rng: random.Random) -> None:
        self.w, self.h = (round(mm / MM_PER_INCH * DPI) for mm in A4_MM)
        self.img = Image.new("L", (self.w, self.h), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.path = font_path
        self.px = round(pt * DPI / 72)
        self.margin = round(rng.uniform(14, 22) / MM_PER_INCH * DPI)
        self.y = self.margin
        self.rng = rng

    def font(self, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return _font(self.path, max(10, round(self.px * scale)))

    @property
    def right(self) -> int:
        return self.w - self.margin

    @property
    def room(self) -> int:
        return self.w - 2 * self.margin

    def full(self) -> bool:
        return self.y > self.h - self.margin - self.px * 2

    def line(self, text: str, align: str, size: float) -> None:
        font = self.font(size)
        step = round(self.px * size * LINE_SPACING)
        for part in _wrap(self.draw, text, font, self.room):
            if align == "center":
                _text(self.draw, (self.w // 2, self.y), part, font, "ma")
            elif align == "left":
                _text(self.draw, (self.margin, self.y), part, font, "la")
            else:
                _text(self.draw, (self.right, self.y), part, font)
            self.y += step

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], rules: str) -> None:
        ncols = max(len(r) for r in (header, *rows))
        scale = 1.0
        while True:
            font = self.font(scale)
            pad = (
                max(4, round(self.px * scale * RULE_GAP)) if rules == "grid" else round(self.px * scale * 0.7)
            )
            widths = [
                max(_width(self.draw, r[i], font) for r in (header, *rows) if i < len(r))
                for i in range(ncols)
            ]
            total = sum(widths) + 2 * pad * ncols
            if total <= self.room or scale < 0.55:
                break
            scale *= 0.92
        step = round(self.px * scale * LINE_SPACING)
        left = self.right - total
        top = self.y - step // 5
        for r_i, row in enumerate((header, *rows)):
            x = self.right
            for i, cell in enumerate(row):
                _text(self.draw, (x - pad, self.y), cell, font)
                x -= widths[i] + 2 * pad
            y_rule = self.y + step - step // 5
            if rules in ("grid", "rows") or r_i == 0:
                self.draw.line((left, y_rule, self.right, y_rule), fill=40, width=3 if r_i == 0 else 2)
            self.y += step
        if rules == "grid":
            bottom = self.y - step // 5
            self.draw.line((left, top, self.right, top), fill=40, width=3)
            x = self.right
            for wcol in [0, *widths]:
                x -= wcol + (2 * pad if wcol else 0)
                self.draw.line((x, top, x, bottom), fill=40, width=3)
        self.y += step // 3

    def pairs(self, rows: Sequence[Sequence[tuple[str, str]]]) -> None:
        font = self.font()
        step = round(self.px * LINE_SPACING * 1.1)
        half = self.room // 2
        for row in rows:
            for k, (label, value) in enumerate(row):
                _text(self.draw, (self.right - k * half, self.y), f"{label} {value}".strip(), font)
            self.y += step

    def rule(self) -> None:
        y = self.y - round(self.px * 0.4)
        self.draw.line((self.margin, y, self.right, y), fill=60, width=2)
        self.y += round(self.px * 0.5)

    def signs(self, stacks: Sequence[Sequence[str]]) -> None:
        font = self.font()
        step = round(self.px * LINE_SPACING)
        self.y += step
        slot = self.room // len(stacks)
        for k, stack in enumerate(stacks):  # the first stack on the left, as letters are signed
            cx = self.margin + slot * k + slot // 2
            for j, text in enumerate(stack):
                _text(self.draw, (cx, self.y + j * step), text, font, "ma")
        self.y += step * max(len(s) for s in stacks)


def render(blocks: Sequence[tuple[Any, ...]], font_path: str, seed: str) -> Image.Image:
    """The clean page: A4, 300 dpi, grayscale."""
    rng = random.Random(f"render:{seed}")
    scale = next((v for k, v in FACE_SCALE.items() if k in font_path.lower()), 1.0)
    canvas = _Canvas(font_path, rng.choice((11, 11.5, 12, 13)) * scale, rng)
    for block in blocks:
        if canvas.full():
            break
        kind = block[0]
        if kind == "line":
            canvas.line(block[1], block[2], block[3])
        elif kind == "gap":
            canvas.y += round(canvas.px * block[1] * LINE_SPACING)
        elif kind == "table":
            canvas.table(block[1], block[2], block[3])
        elif kind == "pairs":
            canvas.pairs(block[1])
        elif kind == "signs":
            canvas.signs(block[1])
        elif kind == "rule":
            canvas.rule()
    if canvas.full():
        raise ValueError(f"page {seed} does not fit on A4; shorten its family")
    canvas.img.info["dpi"] = (DPI, DPI)
    return canvas.img


def degrade(img: Image.Image, kind: str, seed: str) -> Image.Image:
    """clean, rotate (a few degrees), photocopy (grey paper, contrast, shadowed edge, toner specks, blur),
    lowdpi (150 dpi), pdf (the photocopy look, saved as a PDF by the caller)."""
    rng = random.Random(f"degrade:{kind}:{seed}")
    nrng = np.random.default_rng(rng.randrange(2**32))
    dpi = DPI
    out = img
    if kind == "rotate":
        angle = rng.uniform(1.5, 4.0) * rng.choice((-1, 1))
        out = out.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    elif kind in ("photocopy", "pdf"):
        arr = np.asarray(out, dtype=np.float32)
        paper, ink = rng.uniform(205, 235), rng.uniform(25, 60)
        arr = ink + (paper - ink) * (arr / 255.0)
        ramp = np.linspace(rng.uniform(0.55, 0.8), 1.0, arr.shape[1], dtype=np.float32)
        arr *= (ramp if rng.random() < 0.5 else ramp[::-1])[None, :]
        arr += nrng.normal(0, rng.uniform(6, 14), arr.shape)
        arr[nrng.random(arr.shape) < 0.0015] = ink
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
        if kind == "pdf":
            out = out.rotate(rng.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC, fillcolor=220)
    elif kind == "lowdpi":
        out = out.resize((out.width // 2, out.height // 2), Image.Resampling.LANCZOS)
        dpi = DPI // 2
    elif kind != "clean":
        raise ValueError(f"degradation must be one of {DEGRADATIONS}")
    out.info["dpi"] = (dpi, dpi)
    return out


def save(img: Image.Image, path: Path, kind: str) -> Path:
    """Write a page: PNG with its DPI, or a one-page image PDF for the pdf degradation."""
    dpi = img.info.get("dpi", (DPI, DPI))[0]
    if kind == "pdf":
        target = path.with_suffix(".pdf")
        fixed = time.gmtime(FIXED_PDF_TIME)  # same bytes every run
        img.save(target, "PDF", resolution=float(dpi), creationDate=fixed, modDate=fixed, title="scan")
    else:
        target = path.with_suffix(".png")
        img.save(target, dpi=(dpi, dpi))
    return target
