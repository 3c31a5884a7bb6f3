"""End-to-end throughput of the operated pipeline against raw Tesseract, measured in the same run.

    .venv/bin/python bench/pipeline.py [--pages 24] [--jobs N]

1. Generates N one-page A5 record scans (tests/synth.py, seeded) as PNG files.
2. Baseline: ``tesseract IMAGE - -l ara --psm 3`` on every page (OMP_THREAD_LIMIT=1), ``jobs``
   pages at a time: wall time -> pages/min. Measured before and after the pipeline (the mean is
   the reference, so a change of background load during the run weighs on both sides alike), with
   the search node and the Prefect server up but idle, as they are around the pipeline.
3. Pipeline: a real embedded search node and a temporary Prefect server; all scans dropped into
   a fresh inbox, then one `watch_bucket` run (flow run start and end, intake into the originals
   store, rasterise, OCR in a process pool of ``jobs``, analysis, indexing with refresh, run
   record and artifact): wall time -> pages/min. Like the OCR stage alone below, it starts its
   OCR processes inside the timed span (the first run of a process). The indices are created
   before timing: a deployment creates them once, on its first run, not per batch.
4. Drop to searchable: one new one-page scan, the watcher's next run, until its page is counted
   in the index. (A deployed watcher adds up to its interval, 30 s by default, on top.)

Also times the OCR stage alone (recognize_page in the same number of processes, a fresh pool each
time, also before and after), to tell the pipeline's orchestration cost from the OCR stage's own
extra work (preprocessing, digit pass).
Prints the ratio pipeline / raw (target >= 0.8). Numbers are for this machine and this run only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOC_TYPES = ("prison_register", "transfer_list", "court_record", "death_report")


def make_scans(n: int, out: Path, first_seed: int = 100) -> list[Path]:
    """N one-page PNG scans, seeded."""
    from tests import synth

    paths = []
    for i in range(n):
        seed = first_seed + i
        page = synth.make_page(seed, DOC_TYPES[i % len(DOC_TYPES)], rows=4)
        buf = io.BytesIO()
        synth.render_page(page, seed=seed, size="a5").save(buf, format="PNG", dpi=(300, 300))
        path = out / f"scan-{seed}.png"
        path.write_bytes(buf.getvalue())
        paths.append(path)
    return paths


def tree_cpu() -> float:
    """CPU seconds used so far by this process and all its descendants (reaped ones included), from /proc.

    Wall time on a shared machine moves with the background load; the CPU the pipeline spends beyond
    the OCR stage's own does not, so it is printed too (Linux only; 0.0 elsewhere).
    """
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0.0
    for entry in entries:
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
    total, stack = 0.0, [os.getpid()]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


def raw_tesseract(paths: list[Path], jobs: int, tessdata: str | None) -> float:
    """Wall seconds for plain Tesseract on every page, ``jobs`` at a time."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    extra = ["--tessdata-dir", tessdata] if tessdata else []

    def one(path: Path) -> None:
        subprocess.run(
            ["tesseract", str(path), "-", "-l", "ara", "--psm", "3", "--dpi", "300", *extra],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, paths))
    return time.perf_counter() - began


def ocr_stage(paths: list[Path], jobs: int, settings: object) -> tuple[float, float]:
    """Wall and CPU seconds for the OCR stage alone (ocr.recognize.recognize_page in ``jobs`` processes)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from PIL import Image

    from athar.records import PageImage
    from ocr.recognize import recognize_page

    images = []
    for i, path in enumerate(paths):
        with Image.open(path) as img:
            images.append(PageImage(f"{i:064d}", 1, str(path), 300, img.width, img.height))
    cpu = tree_cpu()
    began = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(recognize_page, images, [settings] * len(images)))
    return time.perf_counter() - began, tree_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=24, help="enough that fixed start-up does not dominate")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from prefect.testing.utilities import prefect_test_harness

    from athar.settings import load_settings
    from athar.storage import open_bucket
    from flows.steps import prepare_index
    from flows.watch import run_watch_bucket
    from index import node
    from index.client import make_client
    from index.schema import alias_name

    base = load_settings()
    with tempfile.TemporaryDirectory(prefix="athar-bench-") as tmp_name:
        tmp = Path(tmp_name)
        scans_dir = tmp / "scans"
        scans_dir.mkdir()
        paths = make_scans(args.pages, scans_dir)
        status = node.start(base, node_dir=tmp / "node", port=node.free_port(), heap="512m")
        settings = base.with_(
            data_dir=tmp / "data",
            inbox=str(tmp / "inbox"),
            search_url=status.url,
            index_prefix="bench",
            jobs=args.jobs,
        )
        n = len(paths)
        try:
            with prefect_test_harness(server_startup_timeout=120):
                # Baselines run with the search node and the Prefect server up (idle), like the pipeline,
                # once before and once after it; their mean is the reference (drift of background load).
                raw = [raw_tesseract(paths, args.jobs, base.tessdata_dir)]
                stage_runs = [ocr_stage(paths, args.jobs, base)]
                prepare_index(settings)  # once per deployment (see the docstring)
                bucket = open_bucket(settings)
                for path in paths:
                    bucket.put(path.name, path.read_bytes())
                cpu = tree_cpu()
                began = time.perf_counter()
                result = run_watch_bucket(settings)
                pipe_s = time.perf_counter() - began
                pipe_cpu = tree_cpu() - cpu
                stage_runs.append(ocr_stage(paths, args.jobs, base))
                raw.append(raw_tesseract(paths, args.jobs, base.tessdata_dir))
                stage = [wall for wall, _ in stage_runs]
                stage_cpu = sum(c for _, c in stage_runs) / len(stage_runs)

                raw_s, stage_s = sum(raw) / len(raw), sum(stage) / len(stage)
                raw_rate, stage_rate, pipe_rate = (60 * n / x for x in (raw_s, stage_s, pipe_s))
                print(
                    f"raw tesseract: {n} pages in {raw_s:.1f} s with {args.jobs} jobs = "
                    f"{raw_rate:.1f} pages/min (before/after: {raw[0]:.1f}/{raw[1]:.1f} s)"
                )
                print(
                    f"OCR stage alone (recognize_page, {args.jobs} processes): {stage_s:.1f} s = "
                    f"{stage_rate:.1f} pages/min (before/after: {stage[0]:.1f}/{stage[1]:.1f} s)"
                )
                print(
                    f"pipeline:      {n} pages in {pipe_s:.1f} s with {args.jobs} jobs = "
                    f"{pipe_rate:.1f} pages/min ({result})"
                )
                print(f"ratio pipeline/raw: {pipe_rate / raw_rate:.2f}  (target >= 0.8)")
                print(f"ratio pipeline/OCR stage alone: {pipe_rate / stage_rate:.2f}  (orchestration cost)")
                ratio_cpu = stage_cpu / pipe_cpu if pipe_cpu else 0.0
                print(
                    f"CPU seconds per page (workers, Tesseract, flow, Prefect server, search node): "
                    f"OCR stage alone {stage_cpu / n:.2f}, pipeline {pipe_cpu / n:.2f}; "
                    f"ratio {ratio_cpu:.2f}  (orchestration cost, load-independent)"
                )

                one = make_scans(1, scans_dir, first_seed=999)[0]
                data = one.read_bytes()
                sha = hashlib.sha256(data).hexdigest()
                client = make_client(settings)
                began = time.perf_counter()
                bucket.put("one page.png", data)
                while True:
                    run_watch_bucket(settings)
                    body = {"query": {"term": {"sha256": sha}}}
                    if client.count(index=alias_name(settings, "pages"), body=body)["count"]:
                        break
                print(
                    f"drop to searchable (one page, watcher run started at drop): "
                    f"{time.perf_counter() - began:.1f} s"
                )
        finally:
            node.stop(base, node_dir=tmp / "node")


if __name__ == "__main__":
    main()
