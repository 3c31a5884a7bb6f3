"""Persons export benchmark: XLSX (openpyxl write-only) and CSV at two sizes, each in its own process.

    .venv/bin/python bench/export.py [--rows 10000 100000]

Prints wall and CPU seconds and peak RSS per run, and the ratios that matter: peak memory of the
largest run against the smallest (flat memory: near 1), CPU seconds per 100,000 rows, and each
format against making the rows alone in the same run (the baseline). CPU seconds are the figure to
read on a shared machine: wall time there includes waiting for the cores.
The rows are made up (names drawn from small pools), never real people.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from export.persons import PersonRow, write  # noqa: E402

GIVEN = ("محمد", "أحمد", "سهام", "ريم", "عمر", "ليلى", "زياد", "منى", "خالد", "وفاء")
FAMILY = ("الحوراني", "الجاسم", "حداد", "الخطيب", "العلي", "السيد")
PLACES = ("حماة", "حمص", "دمشق", "المزة", "صيدنايا", "طرطوس")


def rows(count: int, seed: int = 7) -> Iterator[PersonRow]:
    """``count`` made-up person rows, generated lazily (the exporter must not need them all at once)."""
    rng = random.Random(seed)
    for n in range(count):
        sha = f"{n // 40:064x}"
        yield PersonRow(
            sha256=sha,
            page=n % 40 + 1,
            name=f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            mother=rng.choice(GIVEN),
            birth_date=str(rng.randint(1950, 2000)),
            birth_place=rng.choice(PLACES),
            national_id=f"{rng.randint(0, 10**11 - 1):011d}",
            doc_type="prison_register",
            source=f"s3://archive/box-{n // 4000}/scan-{n // 40}.pdf",
            scan_url=f"http://127.0.0.1:8000/doc/{sha}?page={n % 40 + 1}",
            bbox=(rng.randint(0, 900), rng.randint(0, 2000), rng.randint(900, 1700), rng.randint(2000, 2400)),
        )


def one(fmt: str, count: int) -> dict[str, float]:
    """Write ``count`` rows as ``fmt`` in this process; seconds and peak RSS (MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"persons.{fmt}"
        began, cpu = time.perf_counter(), time.process_time()
        if fmt == "rows":  # the baseline: making the rows, writing nothing
            written, size = sum(1 for _ in rows(count)), 0
        else:
            written = write(rows(count), out, fmt)
            size = out.stat().st_size
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": written, "seconds": seconds, "cpu": cpu, "peak_mib": peak, "bytes": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return 0
    results: dict[tuple[str, int], dict[str, float]] = {}
    for fmt in ("rows", "csv", "xlsx"):
        for count in args.rows:
            done = subprocess.run(
                [sys.executable, __file__, "--one", fmt, str(count)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[(fmt, count)] = json.loads(done.stdout)
            r = results[(fmt, count)]
            print(f"{fmt:5s} {count:>8,d} rows: {r['seconds']:6.2f} s ({r['cpu']:6.2f} CPU-s), "
                  f"peak RSS {r['peak_mib']:6.1f} MiB, {r['bytes'] / 1e6:6.1f} MB")  # fmt: skip
    small, large = args.rows
    for fmt in ("csv", "xlsx"):
        memory = results[(fmt, large)]["peak_mib"] / results[(fmt, small)]["peak_mib"]
        per_100k = results[(fmt, large)]["cpu"] * 100_000 / large
        print(
            f"{fmt}: peak memory {large:,d} / {small:,d} rows = {memory:.2f}; {per_100k:.1f} CPU-s/100k rows"
        )
    for fmt in ("csv", "xlsx"):
        ratio = results[(fmt, large)]["cpu"] / results[("rows", large)]["cpu"]
        print(f"{fmt} / making the rows alone, CPU at {large:,d} rows: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
