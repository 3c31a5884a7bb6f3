"""Seeded generator of synthetic Arabic record pages with ground truth.

Fictional people in the four layouts Athar reads (prison register, court record,
death report, transfer list), drawn with Pillow + raqm (right-to-left shaping)
in Amiri or DejaVu Sans, in Western or Eastern Arabic digits, plus seeded scan
degradations. Used by tests, ``samples/`` and ``bench/``. Same seed, same bytes.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

from tests import synth_data as data

DOC_TYPES = ("prison_register", "court_record", "death_report", "transfer_list")
DEGRADATIONS = ("rotate", "noise", "blur", "jpeg", "lowdpi", "combo")
EXTRA_DEGRADATIONS = (
    "shadow",
)  # not in the benchmarks' cycle (kept comparable across rounds); tested on its own
FONTS = {
    "amiri": "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}
# A Naskh typeface kept out of the OCR model's fine-tuning (ocr/train/finetune.py): the benchmarks' --font
# with it measures type the model never saw. Debian package fonts-sil-scheherazade (not installed by make).
HELD_OUT_FONT = "/usr/share/fonts/truetype/scheherazade/Scheherazade-Regular.ttf"
SIZES_MM = {"a4": (210, 297), "a5": (148, 210), "strip": (148, 40)}
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class TruthEvent:
    type: str
    date: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class TruthPerson:
    name: str
    first: str
    father: str | None
    grandfather: str | None
    family: str | None
    mother: str | None
    birth_date: str | None
    birth_place: str | None
    national_id: str | None
    events: tuple[TruthEvent, ...] = ()


@dataclass(frozen=True)
class TruthPage:
    doc_type: str
    lines: tuple[str, ...]
    persons: tuple[TruthPerson, ...]
    dates: tuple[tuple[str, str], ...]
    places: tuple[tuple[str, str], ...]
    numbers: tuple[str, ...]
    digits: str
    # layout: one entry per line; a str is a plain line, a tuple is a table row (cells in reading order)
    layout: tuple[object, ...] = field(default=(), repr=False, compare=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def to_western(text: str) -> str:
    """Eastern/Persian digits to Western."""
    return text.translate(TO_WESTERN)


class _Writer:
    """Builds one page's lines and truth as content is chosen."""

    def __init__(self, rng: random.Random, digits: str) -> None:
        self.rng = rng
        self.digits = digits
        self.layout: list[object] = []
        self.dates: list[tuple[str, str]] = []
        self.places: list[tuple[str, str]] = []

    def num(self, value: str | int) -> str:
        text = str(value)
        eastern = self.digits == "eastern" or (self.digits == "mixed" and self.rng.random() < 0.5)
        return text.translate(EASTERN) if eastern else text

    def fill(self, template: str) -> str:
        """Replace {123} in a facility template by the number in this page's digits."""
        out = template
        while "{" in out:
            a, b = out.index("{"), out.index("}")
            out = out[:a] + self.num(out[a + 1 : b]) + out[b + 1 :]
        return out

    def place(self) -> tuple[str, str]:
        ar, latin = self.rng.choice(data.PLACES)
        self.places.append((ar, latin))
        return ar, latin

    def facility(self, pool: Sequence[tuple[str, str]] = data.DETENTION) -> tuple[str, str]:
        ar, latin = self.rng.choice(pool)
        written = self.fill(ar)
        self.places.append((written, latin))
        return written, latin

    def date(self, year_range: tuple[int, int] = (2011, 2019), style: str | None = None) -> tuple[str, str]:
        rng = self.rng
        y, m, d = rng.randint(*year_range), rng.randint(1, 12), rng.randint(1, 28)
        style = style or rng.choice(("numeric", "numeric", "levantine", "egyptian"))
        if style == "numeric":
            sep = rng.choice(("/", "/", "-"))
            surface = f"{self.num(d)}{sep}{self.num(m)}{sep}{self.num(y)}"
        elif style == "levantine":
            surface = f"{self.num(d)} {data.LEVANTINE_MONTHS[m - 1]} {self.num(y)}"
        else:
            surface = f"{self.num(d)} {data.EGYPTIAN_MONTHS[m - 1]} {self.num(y)}"
        iso = f"{y:04d}-{m:02d}-{d:02d}"
        self.dates.append((surface, iso))
        return surface, iso

    def year(self, lo: int = 1950, hi: int = 2000) -> tuple[str, str]:
        y = self.rng.randint(lo, hi)
        surface = self.num(y)
        self.dates.append((surface, str(y)))
        return surface, str(y)

    def national_id(self) -> str:
        rng = self.rng
        office, serial = rng.randint(1, 99), rng.randint(0, 9999999)
        return f"{rng.choice(data.GOVERNORATE_CODES)}{office:02d}{serial:07d}"

    def person(self, *, grandfather: bool = False) -> dict[str, str | None]:
        rng = self.rng
        first, father, family = rng.choice(data.MALE_FIRST), rng.choice(data.FATHER), rng.choice(data.FAMILY)
        gf = rng.choice(data.FATHER) if grandfather else None
        parts = [first, father] + ([gf] if gf else []) + [family]
        return {
            "name": " ".join(parts),
            "first": first,
            "father": father,
            "grandfather": gf,
            "family": family,
            "mother": rng.choice(data.MOTHER),
        }

    def line(self, text: str) -> None:
        self.layout.append(text)

    def row(self, cells: Sequence[str]) -> None:
        self.layout.append(tuple(cells))


def _prison_register(w: _Writer, rows: int) -> list[TruthPerson]:
    fac, fac_latin = w.facility()
    w.line("الجمهورية العربية السورية")
    w.line(f"وزارة الداخلية - {fac}")
    w.line(f"سجل الموقوفين - الصفحة {w.num(w.rng.randint(2, 99))}")
    w.row(("الرقم", "الاسم الثلاثي", "اسم الأم", "محل وتاريخ الولادة", "الرقم الوطني", "تاريخ التوقيف"))
    persons = []
    start = w.rng.randint(10, 900)
    for i in range(rows):
        p = w.person()
        place, place_latin = w.place()
        year, year_iso = w.year()
        nid = w.national_id()
        arrest, arrest_iso = w.date(style="numeric")
        w.row((w.num(start + i), str(p["name"]), str(p["mother"]), f"{place} {year}", w.num(nid), arrest))
        persons.append(
            TruthPerson(
                **p,
                birth_date=year_iso,
                birth_place=place_latin,
                national_id=nid,  # type: ignore[arg-type]
                events=(TruthEvent("detention", arrest_iso, fac_latin),),
            )
        )
    return persons


def _transfer_list(w: _Writer, rows: int) -> list[TruthPerson]:
    src, _src_latin = w.facility()
    dst, dst_latin = w.facility()
    when, when_iso = w.date()
    w.line("قائمة بأسماء الموقوفين المنقولين")
    w.line(f"من {src} إلى {dst}")
    w.line(f"تاريخ النقل: {when}")
    w.row(("الرقم", "الاسم", "اسم الأم", "التولد", "الرقم الوطني"))
    persons = []
    for i in range(rows):
        p = w.person()
        year, year_iso = w.year()
        nid = w.national_id()
        w.row((w.num(i + 1), str(p["name"]), str(p["mother"]), year, w.num(nid)))
        persons.append(
            TruthPerson(
                **p,
                birth_date=year_iso,
                birth_place=None,
                national_id=nid,  # type: ignore[arg-type]
                events=(TruthEvent("transfer", when_iso, dst_latin),),
            )
        )
    return persons


def _court_record(w: _Writer, rows: int) -> list[TruthPerson]:
    rng = w.rng
    court = rng.choice(("محكمة الميدان العسكرية", "محكمة قضايا الإرهاب"))
    when, when_iso = w.date(style=rng.choice(("levantine", "numeric")))
    w.line("الجمهورية العربية السورية")
    w.line(court)
    w.line(f"القرار رقم {w.num(rng.randint(10, 999))} لعام {w.num(when_iso[:4])}")
    w.line(f"بتاريخ {when} انعقدت المحكمة")
    w.line("للنظر في الدعوى المقامة على:")
    persons = []
    for _ in range(max(1, min(2, rows // 3))):
        p = w.person(grandfather=rng.random() < 0.3)
        place, place_latin = w.place()
        year, year_iso = w.year()
        nid = w.national_id()
        sentence = rng.choice(data.SENTENCES)
        w.line(f"الاسم: {p['first']}")
        w.line(f"اسم الأب: {p['father']}")
        w.line(f"الشهرة: {p['family']}")
        w.line(f"اسم الأم: {p['mother']}")
        w.line(f"تولد: {place} {year}")
        w.line(f"الرقم الوطني: {w.num(nid)}")
        w.line(f"بجرم {rng.choice(data.CHARGES)}")
        w.line(f"وحكمت عليه {sentence}.")
        full = " ".join(x for x in (p["first"], p["father"], p["family"]) if x)
        persons.append(
            TruthPerson(
                name=full,
                first=str(p["first"]),
                father=p["father"],
                grandfather=None,
                family=p["family"],
                mother=p["mother"],
                birth_date=year_iso,
                birth_place=place_latin,
                national_id=nid,
                events=(TruthEvent("trial", when_iso, None), TruthEvent("sentence", when_iso, None)),
            )
        )
    w.line("قراراً وجاهياً قابلاً للطعن.")
    return persons


def _death_report(w: _Writer, rows: int) -> list[TruthPerson]:
    rng = w.rng
    hosp, hosp_latin = w.facility(data.HOSPITALS)
    branch, _ = w.facility()
    died, died_iso = w.date()
    p = w.person()
    year, year_iso = w.year()
    place, place_latin = w.place()
    nid = w.national_id()
    w.line(hosp)
    w.line("تقرير طبي عن حالة وفاة")
    w.line(f"اسم المتوفى: {p['name']}")
    w.line(f"اسم الأم: {p['mother']}")
    w.line(f"مواليد: {place} {year}")
    w.line(f"الرقم الوطني: {w.num(nid)}")
    w.line(f"الجهة المحيلة: {branch}")
    w.line(f"رقم الموقوف: {w.num(rng.randint(1000, 9999))}")
    w.line(f"تاريخ الوفاة: {died}")
    w.line(f"سبب الوفاة: {rng.choice(data.CAUSES)}")
    w.line("الطبيب الشرعي")
    return [
        TruthPerson(
            **p,
            birth_date=year_iso,
            birth_place=place_latin,
            national_id=nid,  # type: ignore[arg-type]
            events=(TruthEvent("death", died_iso, hosp_latin),),
        )
    ]


_LAYOUTS = {
    "prison_register": _prison_register,
    "transfer_list": _transfer_list,
    "court_record": _court_record,
    "death_report": _death_report,
}


def _numbers(lines: Iterable[str]) -> tuple[str, ...]:
    out = []
    for line in lines:
        token = ""
        for ch in to_western(line) + " ":
            if ch.isascii() and ch.isdigit():
                token += ch
            else:
                if len(token) >= 2:
                    out.append(token)
                token = ""
    return tuple(out)


def make_page(seed: int, doc_type: str, *, digits: str = "western", rows: int = 6) -> TruthPage:
    """Content and truth of one record page (not yet drawn)."""
    if doc_type not in _LAYOUTS:
        raise ValueError(f"doc_type must be one of {DOC_TYPES}")
    if digits not in ("western", "eastern", "mixed"):
        raise ValueError("digits must be western, eastern or mixed")
    rng = random.Random(f"{seed}:{doc_type}:{digits}:{rows}")
    w = _Writer(rng, digits)
    persons = _LAYOUTS[doc_type](w, rows)
    lines = tuple(" ".join(x) if isinstance(x, tuple) else str(x) for x in w.layout)
    return TruthPage(
        doc_type=doc_type,
        lines=lines,
        persons=tuple(persons),
        dates=tuple(w.dates),
        places=tuple(w.places),
        numbers=_numbers(lines),
        digits=digits,
        layout=tuple(w.layout),
    )


def _font(name: str, px: int) -> ImageFont.FreeTypeFont:
    if not features.check("raqm"):
        raise RuntimeError("Pillow lacks raqm: install libraqm0 (Debian) for Arabic shaping")
    # a key of FONTS, or the path of any other font file (benchmarks on typefaces the OCR was not trained on)
    return ImageFont.truetype(FONTS.get(name, name), px, layout_engine=ImageFont.Layout.RAQM)


def render_page(
    page: TruthPage, *, seed: int = 0, dpi: int = 300, size: str = "a5", font: str | None = None
) -> Image.Image:
    """Draw a page as a clean grayscale scan ("L"), right-aligned, right to left."""
    rng = random.Random(f"render:{seed}")
    font_name = font or rng.choice(tuple(FONTS))
    mm_w, mm_h = SIZES_MM[size]
    width, height = round(mm_w / 25.4 * dpi), round(mm_h / 25.4 * dpi)
    pt = 11 if size != "a4" else 12
    px = round(pt * dpi / 72)
    fnt = _font(font_name, px)
    line_h = round(px * 1.9)
    margin = round(12 / 25.4 * dpi)
    layout = page.layout or page.lines
    if size == "strip":
        layout = layout[: max(1, (height - 2 * margin // 3) // line_h)]
        height = max(height, margin // 3 * 2 + line_h * len(layout))
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    right = width - margin
    y = margin // 3 if size == "strip" else margin
    # table column widths from the widest cell of each column
    rows = [r for r in layout if isinstance(r, tuple)]
    ncols = max((len(r) for r in rows), default=0)
    col_w = [0] * ncols
    for r in rows:
        for i, cell in enumerate(r):
            col_w[i] = max(col_w[i], int(draw.textlength(cell, font=fnt, direction="rtl", language="ar")))
    pad = round(px * 0.6)
    table_w = sum(col_w) + 2 * pad * ncols
    scale = min(1.0, (width - 2 * margin) / table_w) if table_w else 1.0
    tfnt = fnt if scale >= 1.0 else _font(font_name, max(8, int(px * scale)))
    if scale < 1.0:
        col_w = [int(c * scale) + 1 for c in col_w]
    for item in layout:
        if y + line_h > height - margin // 3:
            break
        if isinstance(item, tuple):
            x = right
            left = right - sum(col_w) - 2 * pad * ncols
            draw.line((left, y - pad // 2, right, y - pad // 2), fill=110, width=2)
            for i, cell in enumerate(item):
                draw.text((x - pad, y), cell, font=tfnt, fill=0, anchor="ra", direction="rtl", language="ar")
                x -= col_w[i] + 2 * pad
        else:
            lfnt = fnt
            room = width - 2 * margin
            length = draw.textlength(str(item), font=fnt, direction="rtl", language="ar")
            if length > room:  # shrink an over-long line rather than clip it
                lfnt = _font(font_name, max(8, int(px * room / length)))
            draw.text((right, y), str(item), font=lfnt, fill=0, anchor="ra", direction="rtl", language="ar")
        y += line_h
    img.info["dpi"] = (dpi, dpi)
    return img


def rotate_quarter(img: Image.Image, quarter: int) -> Image.Image:
    """Turn a page by quarter*90 degrees counter-clockwise (as a scanner might)."""
    out = img.rotate(90 * (quarter % 4), expand=True)
    out.info["dpi"] = img.info.get("dpi", (300, 300))
    return out


def degrade(img: Image.Image, kind: str, *, seed: int) -> tuple[Image.Image, dict[str, object]]:
    """A seeded scan defect; returns the new image and what was done."""
    rng = random.Random(f"degrade:{kind}:{seed}")
    nrng = np.random.default_rng(rng.randrange(2**32))
    dpi = img.info.get("dpi", (300, 300))[0]
    info: dict[str, object] = {"kind": kind}
    out = img
    if kind in ("rotate", "combo"):
        angle = rng.uniform(2.0, 8.0) * rng.choice((-1, 1)) if kind == "rotate" else rng.uniform(-3.0, 3.0)
        out = out.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        info["rotation"] = angle  # counter-clockwise degrees
    if kind in ("blur", "combo"):
        radius = rng.uniform(1.0, 1.6) if kind == "blur" else rng.uniform(0.6, 1.0)
        out = out.filter(ImageFilter.GaussianBlur(radius))
        info["blur"] = radius
    if kind in ("noise", "combo"):
        sigma = rng.uniform(25, 40) if kind == "noise" else rng.uniform(12, 20)
        arr = np.asarray(out, dtype=np.float32) + nrng.normal(0, sigma, (out.height, out.width))
        speckle = nrng.random((out.height, out.width)) < 0.004
        arr[speckle] = 0
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
        info["noise"] = sigma
    if kind in ("jpeg", "combo"):
        quality = rng.randint(25, 40)
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=quality)
        out = Image.open(io.BytesIO(buf.getvalue())).convert("L")
        info["jpeg_quality"] = quality
    if kind == "shadow":  # a photocopy or photo darker towards one edge (the binding), on grey paper
        low = rng.uniform(0.35, 0.5)
        ramp = np.linspace(low, 0.95, out.width, dtype=np.float32)
        if rng.random() < 0.5:
            ramp = ramp[::-1]
        arr = np.asarray(out.convert("L"), dtype=np.float32) * ramp[None, :]
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
        info["shadow"] = low
    if kind == "lowdpi":
        out = out.resize((out.width // 2, out.height // 2), Image.Resampling.LANCZOS)
        dpi = dpi // 2
    if kind not in (*DEGRADATIONS, *EXTRA_DEGRADATIONS):
        raise ValueError(f"kind must be one of {DEGRADATIONS + EXTRA_DEGRADATIONS}")
    out.info["dpi"] = (dpi, dpi)
    info["dpi"] = dpi
    return out, info


def write_pdf(images: Sequence[Image.Image], path: str | Path, *, dpi: int = 300) -> None:
    """A scanner-style PDF: one image per page, no text layer."""
    first, *rest = [im.convert("L") for im in images]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(dpi))


def write_tiff(images: Sequence[Image.Image], path: str | Path, *, dpi: int = 300) -> None:
    """A multi-page TIFF (deflate-compressed)."""
    first, *rest = [im.convert("L") for im in images]
    first.save(path, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi), compression="tiff_deflate")


_PROSE_STYLES = (
    "المدعو {name} والدته {mother} تولد {place} {year} أوقف بتاريخ {date} من قبل {fac}.",
    "تم توقيف {name} من مواليد {place} عام {year} واسم والدته {mother}، وذلك في {date} وأودع في {fac}.",
    "الموقوف {name}، أمه {mother}، مواليد {year}، نقل إلى {fac} بتاريخ {date}.",
    "توفي المعتقل {name} (اسم الأم: {mother}، تولد {place} {year}) في {fac} بتاريخ {date}.",
)
_PROSE_EVENTS = ("detention", "detention", "transfer", "death")


def make_prose(
    seed: int, *, digits: str = "western"
) -> tuple[str, tuple[TruthPerson, ...], tuple[tuple[str, str], ...]]:
    """A paragraph about two or three persons in varied prose styles: text, persons, dates."""
    rng = random.Random(f"prose:{seed}:{digits}")
    w = _Writer(rng, digits)
    sentences, persons = [], []
    for _ in range(rng.randint(2, 3)):
        style = rng.randrange(len(_PROSE_STYLES))
        p = w.person()
        place, place_latin = w.place()
        year, year_iso = w.year()
        pool = data.HOSPITALS if _PROSE_EVENTS[style] == "death" else data.DETENTION
        fac, fac_latin = w.facility(pool)
        date, date_iso = w.date(style=rng.choice(("numeric", "levantine", "egyptian")))
        sentences.append(
            _PROSE_STYLES[style].format(
                name=p["name"], mother=p["mother"], place=place, year=year, date=date, fac=fac
            )
        )
        has_place = "{place}" in _PROSE_STYLES[style]
        persons.append(
            TruthPerson(
                **p,
                birth_date=year_iso,
                birth_place=place_latin if has_place else None,  # type: ignore[arg-type]
                national_id=None,
                events=(TruthEvent(_PROSE_EVENTS[style], date_iso, fac_latin),),
            )
        )
    return " ".join(sentences), tuple(persons), tuple(w.dates)


def make_corpus(
    seed: int,
    n: int,
    *,
    degradations: Sequence[str] = ("clean",),
    digits: Sequence[str] = ("western", "eastern"),
    size: str = "a5",
    rows: int = 6,
) -> list[tuple[TruthPage, Image.Image, dict[str, object]]]:
    """n pages cycling through layouts, digit sets and degradations."""
    out = []
    for i in range(n):
        doc_type = DOC_TYPES[i % len(DOC_TYPES)]
        dg = digits[(i // len(DOC_TYPES)) % len(digits)]
        kind = degradations[i % len(degradations)]
        page = make_page(seed * 1000 + i, doc_type, digits=dg, rows=rows)
        img = render_page(page, seed=seed * 1000 + i, size=size)
        info: dict[str, object] = {"kind": "clean", "dpi": 300}
        if kind != "clean":
            img, info = degrade(img, kind, seed=seed * 1000 + i)
        out.append((page, img, info))
    return out
