"""OCR on real printed scans: Athar's OCR stage against raw Tesseract, on human-transcribed line images.

    .venv/bin/python bench/ocr_real.py [--data DIR] [--lines 150] [--pages 24] [--jobs 2]

Data: OpenITI's OCR gold standard (github.com/OpenArabic/OCR_GS_Data; line images of printed Arabic books
with double-checked human transcriptions, ``<book>/7_final/NNNNNN.png`` + ``.gt.txt``). It is not in the
repository: put a checkout at ``--data`` (default ``$ATHAR_REAL_OCR_DATA`` or ``/work/data/openiti/ara``).

Split by book, never by line:
- **report** (the headline; nothing in Athar was tuned or trained on it): ``lq_IbnJawzi.Muntazam``;
- **tune** (the segmentation and preprocessing choices were measured here, and ``ocr.train.finetune
  --real`` trains on it): ``book_IbnQutayba.Adab``, ``lq_Dhahabi.Tarikh``.
The project's own held-out books (Jahiz.Hayawan, Yacqubi.Tarikh, IbnAthir.Kamil, IbnFaqihHamadhani.Buldan)
are never read here. The ``test_*`` page images of the repository have no transcription, so pages are made
from each book's line images: ``--pages`` pages per book of 4-25 consecutive lines stacked as they follow
in the book (right-aligned, 0-0.6 of a line apart, white margins of 20-200 px, the first line centred like a
heading on about a third of them, a quarter of them scaled down to 180-255 dpi with the resolution recorded),
read as whole pages. The line images are already black and white, so these are clean scans.

Lines and pages are sampled with a fixed seed (the same every run). Variants, all in the same run:
- ``raw psm 7 / psm 3``: ``tesseract IMAGE - -l ara --psm 7`` (lines) or ``--psm 3`` (pages) with Debian's
  ``ara`` model, and the same with Athar's model (``--tessdata-dir``);
- ``athar``: the OCR stage (``ocr.recognize.recognize_page``) as shipped, with Athar's model; and the stage
  with Debian's model.

CER: edit distance over the truth's length, in reading order, after the same normalisation of both sides:
Unicode NFC (the transcriptions write hamza and madda as combining marks: ا + ٔ becomes أ), no short vowels,
shadda, sukun or tatweel (the transcriptions have none; the pages do), no bidi marks, Eastern digits as
Western ones (the transcriptions write Western digits for Eastern ones on the page), Persian ی/ک as ي/ك,
and every run of whitespace (line breaks too) as one space. Hamza forms, alef variants, ta marbuta and
punctuation are kept: they are letters of the text.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from athar.records import PageImage  # noqa: E402
from athar.settings import Settings, load_settings  # noqa: E402
from ocr.recognize import recognize_page  # noqa: E402

REPORT_BOOKS = ("lq_IbnJawzi.Muntazam",)
TUNE_BOOKS = ("book_IbnQutayba.Adab", "lq_Dhahabi.Tarikh")
HELD_OUT_BOOKS = ("Jahiz.Hayawan", "Yacqubi.Tarikh", "IbnAthir.Kamil", "IbnFaqihHamadhani.Buldan")
SEED = 13
DPI = 300  # the line images carry no resolution; their text is book type scanned at about 300 dpi
PAGE_LINES = (4, 25)  # a made page holds this many consecutive lines (inclusive range)
LINE_GAP = (0.0, 0.6)  # blank space between stacked lines, in line heights (touching to wide leading)
MARGIN = (20, 200)  # white border of a made page, pixels
HEADING_SHARE = 0.3  # pages whose first line is centred, as a heading or a title line
SCALED_SHARE = 0.25  # pages scaled down (a scan at lower resolution) ...
SCALE = (0.6, 0.85)  # ... by this factor, the DPI recorded to match

MARKS = re.compile("[\u064b-\u0652\u0640\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹یک", "01234567890123456789يك")
SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text as CER compares it (see the module docstring)."""
    text = MARKS.sub("", unicodedata.normalize("NFC", text))
    return SPACES.sub(" ", text.translate(DIGITS)).strip()


def cer(truth: str, ocr: str) -> float:
    t, o = normalise(truth), normalise(ocr)
    return Levenshtein.distance(t, o) / max(1, len(t))


@dataclass(frozen=True)
class Sample:
    book: str
    kind: str  # "line" or "page"
    path: str
    truth: str
    dpi: int = DPI


def book_lines(data: Path, book: str) -> list[tuple[Path, str]]:
    """(image, transcription) of every line of a book, in book order."""
    folder = data / book / "7_final"
    if not folder.is_dir():
        raise SystemExit(f"no line images at {folder}; give --data (OpenArabic/OCR_GS_Data's ara folder)")
    out = []
    for gt in sorted(folder.glob("*.gt.txt")):
        image = gt.with_name(gt.name.replace(".gt.txt", ".png"))
        truth = gt.read_text(encoding="utf-8").strip()
        if image.is_file() and truth:
            out.append((image, truth))
    return out


def stack_lines(images: list[Path], out: Path, rng: random.Random) -> int:
    """One page image of consecutive line images, right-aligned as Arabic type is set; its DPI."""
    lines = [np.asarray(Image.open(p).convert("L")) for p in images]
    gap = round(statistics.median(a.shape[0] for a in lines) * rng.uniform(*LINE_GAP))
    margin = rng.randint(*MARGIN)
    heading = rng.random() < HEADING_SHARE
    width = max(a.shape[1] for a in lines) + 2 * margin
    height = sum(a.shape[0] for a in lines) + gap * (len(lines) - 1) + 2 * margin
    page = np.full((height, width), 255, dtype=np.uint8)
    y = margin
    for k, a in enumerate(lines):
        x = (width - a.shape[1]) // 2 if heading and k == 0 else width - margin - a.shape[1]
        page[y : y + a.shape[0], x : x + a.shape[1]] = a
        y += a.shape[0] + gap
    image, dpi = Image.fromarray(page), DPI
    if rng.random() < SCALED_SHARE:
        factor = rng.uniform(*SCALE)
        image = image.resize((round(width * factor), round(height * factor)), Image.Resampling.BOX)
        dpi = round(DPI * factor)
    image.save(out, dpi=(dpi, dpi))
    return dpi


def samples(data: Path, books: tuple[str, ...], n_lines: int, n_pages: int, tmp: Path) -> list[Sample]:
    out: list[Sample] = []
    for book in books:
        lines = book_lines(data, book)
        rng = random.Random(f"{SEED}-{book}")
        for image, truth in rng.sample(lines, min(n_lines, len(lines))):
            out.append(Sample(book, "line", str(image), truth))
        for k in range(n_pages):
            size = rng.randint(*PAGE_LINES)
            start = rng.randrange(0, max(1, len(lines) - size))
            chunk = lines[start : start + size]
            path = tmp / f"{book}-page{k:02d}.png"
            dpi = stack_lines([p for p, _ in chunk], path, rng)
            out.append(Sample(book, "page", str(path), "\n".join(t for _, t in chunk), dpi))
    return out


def raw_tesseract(job: tuple[Sample, str | None]) -> str:
    sample, tessdata = job
    psm = "7" if sample.kind == "line" else "3"
    cmd = ["tesseract", sample.path, "-", "-l", "ara", "--psm", psm]
    if tessdata:
        cmd[1:1] = ["--tessdata-dir", tessdata]  # options after the image name are taken as config files
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout


def stage(job: tuple[Sample, Settings, str]) -> str:
    sample, settings, work = job
    image = PageImage("0" * 64, 1, sample.path, sample.dpi, 0, 0)
    return recognize_page(image, settings, work_dir=Path(work)).text


def summarise(rows: list[float]) -> str:
    if not rows:
        return "      -       -"
    return f"{statistics.mean(rows):7.3f} {statistics.median(rows):7.3f}"


def report(title: str, found: list[Sample], results: dict[str, list[str]]) -> None:
    """Mean and median CER per book and kind, each variant a column pair."""
    print(f"\n{title}")
    names = list(results)
    header = "".join(f" | {n[:15]:>15s}" for n in names)
    print(f"{'book / kind (n)':40s}{header}")
    print(f"{'':40s}" + " |  mean  median" * len(names))
    groups: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(found):
        groups.setdefault((s.book, s.kind), []).append(i)
        groups.setdefault(("all", s.kind), []).append(i)
    for (book, kind), index in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0] == "all", kv[0][0])):
        cells = ""
        for name in names:
            cells += " | " + summarise([cer(found[i].truth, results[name][i]) for i in index])
        print(f"{book + ' / ' + kind + f' ({len(index)})':40s}{cells}")
    for kind, target in (("line", "mean and median no worse"), ("page", "mean <= 0.8x, median no worse")):
        index = groups.get(("all", kind))
        if not index or "athar" not in results:
            continue
        athar = [cer(found[i].truth, results["athar"][i]) for i in index]
        raw = [cer(found[i].truth, results["raw, Debian"][i]) for i in index]
        ratio = statistics.mean(athar) / statistics.mean(raw)
        print(
            f"{kind}s, athar / raw (Debian model): mean {ratio:.2f}x, "
            f"median {statistics.median(athar):.3f} vs {statistics.median(raw):.3f} (target: {target})"
        )


def run(found: list[Sample], settings: Settings, jobs: int, work: Path) -> dict[str, list[str]]:
    debian = replace(settings, tessdata_dir=None)
    athar_model = settings.tessdata_dir
    results: dict[str, list[str]] = {}
    with ProcessPoolExecutor(jobs) as pool:
        results["raw, Debian"] = list(pool.map(raw_tesseract, [(s, None) for s in found]))
        if athar_model:
            results["raw, Athar's"] = list(pool.map(raw_tesseract, [(s, athar_model) for s in found]))
        results["athar"] = list(pool.map(stage, [(s, settings, str(work)) for s in found]))
        if athar_model:
            results["athar, Debian"] = list(pool.map(stage, [(s, debian, str(work)) for s in found]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    default_data = os.environ.get("ATHAR_REAL_OCR_DATA", "/work/data/openiti/ara")
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--lines", type=int, default=150, help="line images sampled per book")
    parser.add_argument("--pages", type=int, default=24, help="pages made per book from consecutive lines")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sets", choices=("both", "report", "tune"), default="both")
    args = parser.parse_args()
    settings = load_settings()
    print(
        f"model {settings.tessdata_dir or 'Debian ara'}; {args.lines} lines and {args.pages} pages per book; "
        "raw = tesseract CLI, psm 7 on lines, psm 3 on pages; CER mean and median"
    )
    with tempfile.TemporaryDirectory(prefix="athar-real-") as name:
        tmp = Path(name)
        sets = [
            ("report", "REPORT set (held out from every choice and from training)", REPORT_BOOKS),
            ("tune", "TUNE set (choices measured and model trained here)", TUNE_BOOKS),
        ]
        for key, title, books in sets:
            if args.sets not in ("both", key):
                continue
            found = samples(args.data, books, args.lines, args.pages, tmp)
            report(title, found, run(found, settings, args.jobs, tmp / "work"))


if __name__ == "__main__":
    main()
