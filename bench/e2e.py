"""The single box end to end: Athar's whole path (OCR + digit pass + analysis) against raw Tesseract.

    .venv/bin/python bench/e2e.py [--pages 40] [--rounds 2] [--jobs N] [--arms raw,extract,ingest]

Pages: the first ``--pages`` held-out record pages (bench/heldout, split ``heldout``, seed 1: six
document types, clean and degraded, PNG and one page in five a PDF), taken from the held-out cache
when it has them, else drawn by the generator into a temporary directory.

Arms, each over the same files with the same ``N`` processes (default: the cores Athar uses,
``Settings.jobs``), run in turn within each round (the order rotates from round to round, so a
change of the machine's background load weighs on every arm alike):

* ``raw``: ``tesseract IMG - -l ara --psm 3 --dpi 300`` subprocesses, N at a time,
  ``OMP_THREAD_LIMIT=1``. Tesseract cannot read a PDF, so PDF pages are handed to it as PNGs rendered
  at 300 dpi beforehand (not timed: the raw arm gets its pixels for free, Athar's arms rasterise).
* ``extract``: one ``athar extract --jobs N FILES...`` (a fresh process: interpreter start, imports,
  N OCR processes, model loads; every file its own document; OCR, digit pass, analysis, JSON Lines
  written to a file).
* ``ingest``: one ``athar ingest FILES...`` with ``ATHAR_JOBS=N`` into a fresh ``ATHAR_DATA_DIR`` and
  its own ``ATHAR_INDEX_PREFIX``, against a real embedded search node started once (and warmed)
  before the first round: originals store, state, OCR cache, analysis, indexing, linking. The node's
  CPU during the arm is counted in the arm's CPU.

Printed per arm: wall seconds, pages/s, CPU seconds (the arm's processes, reaped children included,
from /proc) and the share of the N cores the arm got (CPU / (wall × N): below 1 the machine's
other load, or the arm's own idle time, shows). The ratio pages/s(arm) / pages/s(raw) is taken per
round, against the raw run of the same round; the target is >= 0.8. Also the CPU ratio
CPU(raw)/CPU(arm), which the machine's other load does not move. Numbers hold for this machine and
this run only; no assertion is made.
"""

from __future__ import annotations

import argparse
import functools
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import cpu_by_role  # noqa: E402

SPLIT, SEED = "heldout", 1


def heldout_pages(n: int, tmp: Path) -> list[Path]:
    """The first ``n`` held-out pages (PNG or PDF files): from the held-out cache if all are there,
    else drawn by the generator into ``tmp``."""
    from bench.heldout.evaluate import DEFAULT_CACHE
    from bench.heldout.generate import make_page

    cached = DEFAULT_CACHE / f"{SPLIT}-s{SEED}"
    found = []
    for i in range(n):
        page_id = make_page(SPLIT, i, SEED)[0].page_id
        hit = next((p for ext in ("png", "pdf") if (p := cached / f"{page_id}.{ext}").exists()), None)
        if hit is None:
            break
        found.append(hit)
    if len(found) == n:
        return found
    from bench.heldout.generate import write

    out = tmp / "generated"
    write(SPLIT, n, out, SEED)
    return sorted(p for p in out.iterdir() if p.suffix in (".png", ".pdf"))


def as_images(paths: list[Path], tmp: Path) -> list[Path]:
    """What raw Tesseract reads: the images as they are, each PDF rendered to a 300 dpi PNG first."""
    out = []
    folder = tmp / "raw-input"
    folder.mkdir(exist_ok=True)
    for path in paths:
        if path.suffix.lower() != ".pdf":
            out.append(path)
            continue
        stem = folder / path.stem
        command = ["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(path), str(stem)]
        subprocess.run(command, check=True)
        out.append(stem.with_suffix(".png"))
    return out


def cpu_now() -> dict[str, float]:
    """CPU seconds so far of this process's tree: ``node`` (the search node) and ``rest``."""
    roles = cpu_by_role()
    return {"node": roles.get("node", 0.0), "rest": sum(v for k, v in roles.items() if k != "node")}


NODE_CPU: list[float] = []  # the search node's CPU seconds during the last timed arm
BUSY: list[float] = []  # mean processes of the last timed arm ready to run (see Busy)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            out += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return out


class Busy:
    """How many of the arm's processes have work: the mean count of this process's descendants in state R
    (running or waiting for a core), sampled every half second; the search node (java) is left out.

    Unlike wall time, this does not move with the machine's other load: an arm whose OCR processes wait
    for the next page shows fewer than N busy processes however loaded the machine is. The sampler's
    own CPU is subtracted from the arm's.
    """

    def __init__(self) -> None:
        self.samples: list[int] = []
        self.cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        began = time.thread_time()
        while not self._stop.wait(0.5):
            busy, stack = 0, _children(os.getpid())
            while stack:
                pid = stack.pop()
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    java = b"java" in Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if java:
                    continue
                busy += stat[0] == "R"
                stack += _children(pid)
            self.samples.append(busy)
        self.cpu = time.thread_time() - began

    def __enter__(self) -> Busy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mean(self) -> float:
        return statistics.mean(self.samples) if self.samples else 0.0


def timed(work: Callable[[], None], with_node: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``work``; the search node's CPU counts only ``with_node``."""
    before = cpu_now()
    began = time.perf_counter()
    with Busy() as busy:
        work()
    wall = time.perf_counter() - began
    after = cpu_now()
    node_cpu = after["node"] - before["node"]
    NODE_CPU[:] = [node_cpu]
    BUSY[:] = [busy.mean]
    return wall, after["rest"] - before["rest"] - busy.cpu + (node_cpu if with_node else 0.0)


def raw_arm(images: list[Path], jobs: int, tessdata: str | None) -> None:
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

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, images))


def athar_env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


PROFILE: Path | None = None  # --profile: the Athar arms run under cProfile, their stats written here


def athar_command(name: str, *args: str) -> list[str]:  # run with cwd and PYTHONPATH at the checkout
    """``python -m cli NAME ARGS`` (under cProfile with --profile: the main process only, not its workers)."""
    if PROFILE is None:
        return [sys.executable, "-m", "cli", name, *args]
    PROFILE.mkdir(parents=True, exist_ok=True)
    out = PROFILE / f"{name}-{len(list(PROFILE.glob(name + '-*')))}.prof"
    return [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "cli", name, *args]


def extract_arm(paths: list[Path], jobs: int, out: Path, env: dict[str, str], root: Path) -> None:
    with out.open("wb") as handle:
        done = subprocess.run(
            athar_command("extract", "--jobs", str(jobs), *map(str, paths)),
            env=env,
            stdout=handle,
            stderr=subprocess.PIPE,
            cwd=root,
        )
    if done.returncode not in (0, 1):  # 1: some document had a page failure
        raise SystemExit(f"athar extract failed: {done.stderr.decode()[-2000:]}")


def ingest_arm(paths: list[Path], env: dict[str, str], root: Path) -> None:
    done = subprocess.run(
        athar_command("ingest", "--json", *map(str, paths)),
        env=env,
        capture_output=True,
        cwd=root,
    )
    indexed = done.stdout.decode().count('"status": "indexed"') + done.stdout.decode().count(
        '"status": "partial"'
    )
    if done.returncode not in (0, 2) or indexed != len(paths):
        raise SystemExit(f"athar ingest indexed {indexed}/{len(paths)}: {done.stderr.decode()[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=40, help="held-out pages (one file each)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every arm (order rotated)")
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: Settings.jobs)")
    parser.add_argument("--arms", default="raw,extract,ingest", help="comma-separated: raw, extract, ingest")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write cProfile stats of the Athar arms' main process here (slows them: not for the ratio)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout (e.g. main before a change): its extract/ingest run as arms too, same rounds",
    )
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile
    # stopped with SIGTERM: unwind (the search node is stopped and the temporary files go)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from athar.settings import load_settings

    base = load_settings()
    jobs = args.jobs or max(1, base.jobs)
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    if "raw" not in arms:
        arms.insert(0, "raw")
    roots = {arm: ROOT for arm in arms}
    if args.baseline:
        for arm in [a for a in arms if a != "raw"]:
            arms.append(f"{arm}@base")
            roots[f"{arm}@base"] = args.baseline.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="athar-e2e-"))
    node_dir = tmp / "node"
    node_settings = None
    try:
        paths = heldout_pages(args.pages, tmp)
        images = as_images(paths, tmp)
        pdfs = sum(1 for p in paths if p.suffix.lower() == ".pdf")
        print(f"{len(paths)} held-out record pages ({pdfs} PDF, {len(paths) - pdfs} PNG), {jobs} processes")
        common = {k: v for k, v in os.environ.items() if not k.startswith("ATHAR_")}
        search_env: dict[str, str] = {}
        if "ingest" in arms:
            from index import node

            password = base.search_password or secrets.token_urlsafe(24)
            node_settings = base.with_(data_dir=tmp / "node-data", search_password=password)
            began = time.perf_counter()
            port = node.free_port()
            status = node.start(node_settings, node_dir=node_dir, port=port, heap="512m", warm=True)
            print(f"search node started and warmed in {time.perf_counter() - began:.1f} s (not timed)")
            search_env = {"ATHAR_SEARCH_URL": status.url, "ATHAR_SEARCH_PASSWORD": password}
        results: dict[str, list[tuple[float, float]]] = {a: [] for a in arms}
        for rnd in range(args.rounds):
            order = arms[rnd % len(arms) :] + arms[: rnd % len(arms)]
            for arm in order:
                if arm == "raw":
                    wall, cpu = timed(lambda: raw_arm(images, jobs, base.tessdata_dir), with_node=False)
                elif arm.split("@")[0] == "extract":
                    root = roots[arm]
                    env = {**common, "PYTHONPATH": str(root), "ATHAR_DATA_DIR": str(tmp / f"x-{arm}-{rnd}")}
                    out = tmp / f"{arm}-{rnd}.jsonl"
                    work = functools.partial(extract_arm, paths, jobs, out, env, root)
                    wall, cpu = timed(work, with_node=False)
                elif arm.split("@")[0] == "ingest":
                    root = roots[arm]
                    env = {
                        **common,
                        "PYTHONPATH": str(root),
                        "ATHAR_DATA_DIR": str(tmp / f"data-{arm}-{rnd}"),
                        "ATHAR_INDEX_PREFIX": f"e2e-{arm.replace('@', '-')}-{rnd}",
                        "ATHAR_JOBS": str(jobs),
                        **search_env,
                    }
                    wall, cpu = timed(functools.partial(ingest_arm, paths, env, root), with_node=True)
                else:
                    raise SystemExit(f"unknown arm {arm!r}")
                results[arm].append((wall, cpu))
                n = len(paths)
                print(
                    f"round {rnd + 1} {arm:12s} {wall:6.1f} s  {n / wall:.3f} pages/s  {cpu:6.1f} CPU-s "
                    f"({cpu / n:.2f}/page)  core share {cpu / (wall * jobs):.2f}  busy {BUSY[0]:.2f}"
                    + (f"  (search node {NODE_CPU[0]:.1f} CPU-s)" if arm.startswith("ingest") else ""),
                    flush=True,
                )
        n = len(paths)
        raw = results["raw"]
        print(f"\nsummary: {args.rounds} round(s), {n} pages, {jobs} processes (median of per-round ratios):")
        for arm in arms:
            walls = [w for w, _ in results[arm]]
            cpus = [c for _, c in results[arm]]
            line = (
                f"  {arm:12s} {n / statistics.median(walls):.3f} pages/s  "
                f"{statistics.median(cpus) / n:.2f} CPU-s/page"
            )
            if arm != "raw":
                speed = statistics.median(r[0] / a[0] for r, a in zip(raw, results[arm], strict=True))
                cpu_ratio = statistics.median(r[1] / a[1] for r, a in zip(raw, results[arm], strict=True))
                line += f"  ratio to raw: pages/s {speed:.2f}, CPU {cpu_ratio:.2f} (target >= 0.8)"
            print(line)
    finally:
        if node_settings is not None:
            from index import node

            node.stop(node_settings, node_dir=node_dir)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
