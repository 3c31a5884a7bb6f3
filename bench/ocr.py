"""OCR stage benchmark against raw Tesseract on the same generated pages, in the same run.

    .venv/bin/python bench/ocr.py [--pages 24] [--jobs 2] [--rss] [--rss-pages 10 200]

Prints, for the stage (with and without the digit pass) and for raw
``tesseract IMAGE - -l ara --psm 3`` (Debian model, OMP_THREAD_LIMIT=1, a
process pool of the same size): CER median by degradation, number recall
(share of truth digit strings of length >= 2 found) on clean and degraded
pages, seconds per page and the throughput ratio; with --rss, the peak RSS of
`athar extract` on a 10-page and a 200-page PDF.

CER here is reading-order-insensitive: both texts are split into words, the
words sorted, and the edit distance of the joined strings divided by the truth
length. Tesseract reads register tables column by column, so plain
reading-order CER would mostly measure layout, not recognition. Digits are
compared as values (٤ = 4) and Persian ی/ک count as ي/ك.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from athar.records import PageImage  # noqa: E402
from athar.settings import Settings, load_settings  # noqa: E402
from ocr.pipeline import new_executor  # noqa: E402
from ocr.recognize import recognize_page  # noqa: E402
from ocr.text import clean_word  # noqa: E402
from tests.synth import (  # noqa: E402
    DEGRADATIONS,
    DOC_TYPES,
    HELD_OUT_FONT,
    degrade,
    make_page,
    render_page,
    to_western,
    write_pdf,
)

LETTERS = str.maketrans({"ی": "ي", "ک": "ك", "ـ": None})
RUN = re.compile(r"[0-9]+")


def normalise(text: str) -> str:
    return to_western(clean_word(text.replace("\n", " "))).translate(LETTERS)


def cer(truth: str, ocr: str) -> float:
    t = " ".join(sorted(normalise(truth).split()))
    o = " ".join(sorted(normalise(ocr).split()))
    return Levenshtein.distance(t, o) / max(1, len(t))


def number_recall(truth_numbers: tuple[str, ...], ocr: str) -> tuple[int, int]:
    found = Counter(n for n in RUN.findall(normalise(ocr)) if len(n) >= 2)
    want = Counter(truth_numbers)
    hit = sum(min(c, found[n]) for n, c in want.items())
    return hit, sum(want.values())


def raw_tesseract(path: str) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    return subprocess.run(
        ["tesseract", path, "-", "-l", "ara", "--psm", "3"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


def stage(args: tuple[str, int, int, Settings, str]) -> str:
    path, page, dpi, settings, work = args
    image = PageImage("0" * 64, page, path, dpi, 0, 0)
    return recognize_page(image, settings, work_dir=Path(work)).text


def make_pages(n: int, tmp: Path, font: str | None = None) -> list[tuple[str, str, int, object]]:
    """(kind, path, dpi, truth) for n pages cycling clean + every degradation, layouts, digit sets."""
    kinds = ("clean", *DEGRADATIONS)
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        digits = ("western", "eastern")[(i // len(kinds)) % 2]
        page = make_page(9000 + i, DOC_TYPES[i % len(DOC_TYPES)], digits=digits)
        img = render_page(page, seed=9000 + i, size="a5", font=font)
        dpi = 300
        if kind != "clean":
            img, info = degrade(img, kind, seed=9000 + i)
            dpi = int(info["dpi"])  # type: ignore[call-overload]
        path = tmp / f"p{i:03d}-{kind}.png"
        img.save(path, dpi=(dpi, dpi))
        out.append((kind, str(path), dpi, page))
    return out


def _noop(_: int) -> None:
    return None


def _cpu_seconds() -> float:
    """CPU seconds of this process and of every finished descendant (pool workers, tesseract runs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


CPU_SECONDS: dict[str, float] = {}


def run_variant(name: str, fn, jobs: int, items: list) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    """Wall seconds for all items on ``jobs`` processes; CPU seconds go to CPU_SECONDS[name].

    Raw Tesseract runs on a plain process pool. The stage runs on the pool the pipeline uses
    (ocr.pipeline.new_executor: spawned workers, one BLAS and one OpenCV thread each), started and
    warmed up before the clock starts, as a long-running pipeline's pool is.
    """
    pool = ProcessPoolExecutor(jobs) if name == "raw" else new_executor(jobs)
    with pool:
        list(pool.map(_noop, range(jobs)))
        cpu, start = _cpu_seconds(), time.monotonic()
        texts = list(pool.map(fn, items))
        wall = time.monotonic() - start
    CPU_SECONDS[name] = _cpu_seconds() - cpu  # workers are reaped at shutdown: their CPU counts here
    return texts, wall


def report(name: str, pages: list, texts: list[str], seconds: float) -> dict[str, float]:
    by_kind: dict[str, list[float]] = {}
    rec = {"clean": [0, 0], "degraded": [0, 0]}
    for (kind, _, _, truth), text in zip(pages, texts, strict=True):
        by_kind.setdefault(kind, []).append(cer(truth.text, text))
        hit, total = number_recall(truth.numbers, text)
        bucket = rec["clean" if kind == "clean" else "degraded"]
        bucket[0] += hit
        bucket[1] += total
    degraded = [c for k, v in by_kind.items() if k != "clean" for c in v]
    row = {
        "cer_clean": statistics.median(by_kind.get("clean", [0.0])),
        "cer_degraded": statistics.median(degraded) if degraded else 0.0,
        "recall_clean": rec["clean"][0] / max(1, rec["clean"][1]),
        "recall_degraded": rec["degraded"][0] / max(1, rec["degraded"][1]),
        "s_per_page": seconds / len(pages),
    }
    kinds = "  ".join(f"{k}={statistics.median(v):.3f}" for k, v in sorted(by_kind.items()))
    print(
        f"{name:28s} CER median clean {row['cer_clean']:.3f} degraded {row['cer_degraded']:.3f} | "
        f"numbers clean {row['recall_clean']:.2f} degraded {row['recall_degraded']:.2f} | "
        f"{row['s_per_page']:.2f} s/page"
    )
    print(f"{'':28s} CER by kind: {kinds}")
    return row


def _vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _ocr_workers(pid: int) -> list[int]:
    """The spawned OCR worker processes of ``pid`` (not its short-lived poppler/tesseract forks)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            children = [int(x) for x in fh.read().split()]
    except OSError:
        return []
    workers = []
    for child in children:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as fh:
                if b"multiprocessing.spawn" in fh.read():
                    workers.append(child)
        except OSError:
            continue
    return workers


def peak_rss_of_extract(pdf: Path, jobs: int, data_dir: Path) -> tuple[float, float]:
    """Peak RSS (MiB) of one `athar extract` run: (main process, largest OCR worker), sampled from /proc."""
    env = dict(os.environ, ATHAR_DATA_DIR=str(data_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "extract", "--jobs", str(jobs), str(pdf)],
        stdout=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    main_peak = worker_peak = 0
    while proc.poll() is None:
        main_peak = max(main_peak, _vm_hwm_kib(proc.pid))
        for child in _ocr_workers(proc.pid):
            worker_peak = max(worker_peak, _vm_hwm_kib(child))
        time.sleep(0.2)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"athar extract failed with status {proc.returncode}")
    return main_peak / 1024, worker_peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=28)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--psm", type=int, nargs="+", default=None, help="also run the stage with these psm values"
    )
    parser.add_argument(
        "--font", help="font file for the pages instead of the generator's two (e.g. " + HELD_OUT_FONT + ")"
    )
    parser.add_argument("--rss", action="store_true", help="also measure peak RSS on 10- and 200-page PDFs")
    parser.add_argument("--rss-pages", type=int, nargs=2, default=(10, 200))
    parser.add_argument("--rss-only", action="store_true", help="only the peak RSS measurement")
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="athar-bench-") as tmpname:
        tmp = Path(tmpname)
        if args.rss_only:
            measure_rss(args.rss_pages, args.jobs, tmp)
            return
        pages = make_pages(args.pages, tmp, args.font)
        print(
            f"{len(pages)} generated A5 pages ({', '.join(('clean', *DEGRADATIONS))}; "
            "Western and Eastern digits), "
            f"{args.jobs} processes, model {settings.tessdata_dir or 'Debian ara'}"
            + (f", font {Path(args.font).stem}" if args.font else "")
        )
        raw_texts, raw_s = run_variant("raw", raw_tesseract, args.jobs, [p[1] for p in pages])
        raw = report("raw tesseract (ara, psm 3)", pages, raw_texts, raw_s)
        items = [(p[1], i + 1, p[2], settings, str(tmp / "work")) for i, p in enumerate(pages)]
        texts, s = run_variant("stage", stage, args.jobs, items)
        full = report("athar stage", pages, texts, s)
        no_digits = replace(settings, digit_pass=False)
        items = [(p[1], i + 1, p[2], no_digits, str(tmp / "work")) for i, p in enumerate(pages)]
        texts, s2 = run_variant("stage-no-digits", stage, args.jobs, items)
        report("athar stage, no digit pass", pages, texts, s2)
        if settings.tessdata_dir:
            debian = replace(settings, tessdata_dir=None)
            items = [(p[1], i + 1, p[2], debian, str(tmp / "work")) for i, p in enumerate(pages)]
            texts, s4 = run_variant("debian", stage, args.jobs, items)
            report("athar stage, Debian ara model", pages, texts, s4)
        for psm in args.psm or ():
            other = replace(settings, psm=psm)
            items = [(p[1], i + 1, p[2], other, str(tmp / "work")) for i, p in enumerate(pages)]
            texts, s3 = run_variant(f"psm{psm}", stage, args.jobs, items)
            report(f"athar stage, psm {psm}", pages, texts, s3)
        print()
        print(
            f"CER degraded ratio stage/raw: {full['cer_degraded'] / max(1e-9, raw['cer_degraded']):.2f} "
            "(target <= 0.5)"
        )
        print(
            f"number recall: clean {full['recall_clean']:.2f} (target >= 0.9), degraded "
            f"{full['recall_degraded']:.2f} (target >= 0.75)"
        )
        print(f"throughput ratio stage/raw: {raw['s_per_page'] / full['s_per_page']:.2f} (target >= 0.8)")
        print(
            f"CPU seconds per page: raw {CPU_SECONDS['raw'] / len(pages):.3f}, stage "
            f"{CPU_SECONDS['stage'] / len(pages):.3f} "
            f"(ratio {CPU_SECONDS['raw'] / CPU_SECONDS['stage']:.2f}; "
            "load-independent, includes the warm-up of the stage's pool)"
        )
        if args.rss:
            measure_rss(args.rss_pages, args.jobs, tmp)


def measure_rss(sizes: tuple[int, int], jobs: int, tmp: Path) -> None:
    """Peak RSS of `athar extract` on a short and a long PDF of the same pages."""
    small_n, large_n = sizes
    base = [render_page(make_page(i, DOC_TYPES[i % 4]), seed=i, size="a5") for i in range(4)]
    rss = {}
    for n in (small_n, large_n):
        pdf = tmp / f"doc-{n}.pdf"
        write_pdf([base[i % 4] for i in range(n)], pdf)
        rss[n] = peak_rss_of_extract(pdf, jobs, tmp / f"data-{n}")
        print(f"peak RSS, {n}-page PDF: main {rss[n][0]:.0f} MiB, largest OCR worker {rss[n][1]:.0f} MiB")
    ratio_main = rss[large_n][0] / rss[small_n][0]
    ratio_worker = rss[large_n][1] / rss[small_n][1]
    print(
        f"peak RSS ratio {large_n}/{small_n} pages: main {ratio_main:.2f}, worker {ratio_worker:.2f} "
        "(target <= 1.2)"
    )


if __name__ == "__main__":
    main()
