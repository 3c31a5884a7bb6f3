"""Persons export benchmark: XLSX (openpyxl write-only) and CSV at two sizes, each in its own process.

    .venv/bin/python bench/export.py [--rows 10000 100000]
    .venv/bin/python bench/export.py --index [--rows 10000 100000] [--url URL]

Without --index, the writers alone (rows made in memory). With --index, the whole export as
`athar export persons` runs it: an embedded search node (or --url) holds that many person entries
of made-up register pages (10 persons a page, 4 pages a document, their OCR in the OCR cache), and
the exporting process pages through the persons index, finds each person's words and box in the
OCR kept, and writes CSV / XLSX. Peak RSS is the exporting process's (the node's is not counted);
the embedded node's CPU seconds during each export are printed beside the exporter's (on an idle
machine with two cores the wall time is about the larger of the two: the exporter reads ahead).

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
from typing import Any

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


PERSONS_PER_PAGE = 10
PAGES_PER_DOCUMENT = 4


def documents(count: int, settings: Any, seed: int = 11) -> Iterator[Any]:
    """Made-up documents holding ``count`` person records, their OCR written to the OCR cache."""
    import hashlib

    from app.ocr_cache import write_cached_page
    from athar.records import (
        Analysis,
        ExtractedDocument,
        OcrPage,
        OcrWord,
        Person,
        Preprocessing,
        SourceDocument,
        join_words,
    )  # fmt: skip

    rng = random.Random(seed)
    per_document = PERSONS_PER_PAGE * PAGES_PER_DOCUMENT
    for n in range((count + per_document - 1) // per_document):
        sha = hashlib.sha256(f"athar-bench-export-{seed}-{n}".encode()).hexdigest()
        left = min(per_document, count - n * per_document)
        pages, persons = [], []
        for number in range(1, (left + PERSONS_PER_PAGE - 1) // PERSONS_PER_PAGE + 1):
            rows = min(PERSONS_PER_PAGE, left - (number - 1) * PERSONS_PER_PAGE)
            words: list[OcrWord] = []
            records = []
            for line in range(rows):
                given, father, family = rng.choice(GIVEN), rng.choice(GIVEN), rng.choice(FAMILY)
                mother, born, place = rng.choice(GIVEN), str(rng.randint(1950, 2000)), rng.choice(PLACES)
                tokens = (given, father, family, "والدته", mother, "مواليد", born, place)
                first = len(words)
                for i, token in enumerate(tokens):
                    x1 = 1650 - 190 * i
                    box = (x1 - 170, 120 + 90 * line, x1, 180 + 90 * line)
                    words.append(OcrWord(token, round(rng.uniform(55, 96), 1), box, line))
                records.append((first, len(words) - 1, f"{given} {father} {family}", mother, born, place))
            text, spans = join_words(words)
            page = OcrPage(sha, number, text, tuple(words), 80.0, Preprocessing(), "tesseract 5.3.0",
                           "ara (bench)", 1700, 2400)  # fmt: skip
            write_cached_page(settings, page)
            pages.append(page)
            for first, last, name, mother, born, place in records:
                persons.append(Person(name, mother=mother, birth_date=born, birth_place=place, page=number,
                                      start=spans[first][0], end=spans[last][1]))  # fmt: skip
        source = SourceDocument(
            f"s3://archive/box-{n // 100}/scan-{n}.pdf", sha, 1, "application/pdf", len(pages)
        )
        yield ExtractedDocument(
            source, tuple(pages), (), Analysis("prison_register", 0.9, (), tuple(persons))
        )


def one_index(fmt: str, data_dir: str, prefix: str, url: str) -> dict[str, float]:
    """Export the persons index as ``fmt`` in this process, as `athar export persons` does."""
    from app.exports import export_persons
    from athar.settings import load_settings

    settings = load_settings().with_(data_dir=Path(data_dir), index_prefix=prefix, search_url=url)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"persons.{fmt}"
        began, cpu = time.perf_counter(), time.process_time()
        written = export_persons(settings, out, fmt)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": written, "seconds": seconds, "cpu": cpu, "peak_mib": peak, "bytes": size}


def _cpu_of(pid: int | None) -> float:
    """CPU seconds a process (the node) has used so far; 0 when unknown (another engine: --url)."""
    import os

    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main_index(args: argparse.Namespace) -> int:
    """Load two corpora into a search node, then export each as CSV and XLSX in its own process."""
    import os
    import secrets
    import shutil

    from athar.settings import load_settings
    from index import node
    from index.client import make_client
    from index.load import load

    os.environ.setdefault("ATHAR_SEARCH_PASSWORD", secrets.token_urlsafe(18))  # the node and the children
    work = Path(tempfile.mkdtemp(prefix="athar-bench-export-"))
    settings = load_settings().with_(data_dir=work / "var")
    node_dir, node_pid = None, None
    if args.url:
        settings = settings.with_(search_url=args.url)
    else:
        node_dir = work / "node"
        status = node.start(settings, node_dir=node_dir, port=node.free_port(), heap=args.heap)
        settings, node_pid = settings.with_(search_url=status.url), status.pid
    client = make_client(settings, timeout=300)
    prefixes = []
    try:
        results: dict[tuple[str, int], dict[str, float]] = {}
        for count in args.rows:
            mine = settings.with_(index_prefix=f"benchexport{count}-{random.randrange(10**6)}",
                                  data_dir=work / f"var-{count}")  # fmt: skip
            prefixes.append(mine.index_prefix)
            began = time.perf_counter()
            report = load(client, mine, documents(count, mine), refresh=True, prune=False)
            print(f"loaded {report.persons:,d} persons in {time.perf_counter() - began:.0f} s")
            for fmt in ("csv", "xlsx"):
                node_cpu = _cpu_of(node_pid)
                done = subprocess.run(
                    [sys.executable, __file__, "--one-index", fmt, str(mine.data_dir), mine.index_prefix,
                     str(mine.search_url)],
                    check=True, capture_output=True, text=True,
                )  # fmt: skip
                r = results[(fmt, count)] = json.loads(done.stdout)
                r["node_cpu"] = _cpu_of(node_pid) - node_cpu
                assert r["rows"] == count, (r["rows"], count)
                print(f"{fmt:5s} {count:>8,d} rows from the index: {r['seconds']:6.2f} s "
                      f"({r['cpu']:6.2f} CPU-s; node {r['node_cpu']:6.2f} CPU-s), "
                      f"peak RSS {r['peak_mib']:6.1f} MiB, {r['bytes'] / 1e6:6.1f} MB")  # fmt: skip
        small, large = args.rows
        for fmt in ("csv", "xlsx"):
            memory = results[(fmt, large)]["peak_mib"] / results[(fmt, small)]["peak_mib"]
            print(f"{fmt}: peak memory {large:,d} / {small:,d} rows = {memory:.2f}; "
                  f"{results[(fmt, large)]['seconds']:.1f} s wall at {large:,d} rows")  # fmt: skip
        return 0
    finally:
        for prefix in prefixes:
            client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
            for kind in ("documents", "pages", "persons"):
                client.indices.delete_index_template(name=f"{prefix}-{kind}", ignore=[404])
        if node_dir is not None:
            node.stop(settings, node_dir=node_dir)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--index", action="store_true", help="export through a search node (see above)")
    parser.add_argument("--url", help="--index: use this engine instead of starting the embedded node")
    parser.add_argument("--heap", default="1g", help="--index: the embedded node's heap")
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "ROWS"), help=argparse.SUPPRESS)
    parser.add_argument("--one-index", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return 0
    if args.one_index:
        print(json.dumps(one_index(*args.one_index)))
        return 0
    if args.index:
        return main_index(args)
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
