"""Evaluate Athar's shipped path on the held-out development set.

    .venv/bin/python bench/heldout/evaluate.py [--split heldout|dev|dev2|dev3|both|all] [--pages 60]
        [--seed 1] [--modes text,ocr] [--cache /work/data/heldout-cache] [--jobs 2] [--by-type] [--misses]
        [--errors]   # dev, dev2, dev3 splits only: missed and spurious persons per page, for tuning

``both`` is heldout then dev; ``all`` is heldout, dev, then dev2 and dev3 (fresh tunable splits).

- text mode: ``nlp.analyze.analyze_text`` (what ``athar analyze`` runs) on each page's truth text;
- OCR mode: ``ocr.pipeline.extract_document`` then ``nlp.analyze.analyze_pages`` (what ``athar extract``
  runs) on each page image; degraded pages (rotate, photocopy, 150 dpi, PDF) are also reported apart.

Pages and OCR output are cached under ``--cache`` (``<split>-s<seed>/``: images, truth.jsonl, and
``ocr/<page>.<key>.json`` per page, keyed by the OCR stage's own cache key: pipeline version, model and
word-list content). A second run re-OCRs nothing, so an NLP change is re-measured in seconds. Tune on
``--split dev`` or ``--split dev2`` only; ``heldout`` is reported, never tuned on. Scoring rules:
``bench/heldout/score.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.heldout.generate import SPLITS, make_page
from bench.heldout.model import DOC_TYPES, Page
from bench.heldout.render import RENDER_VERSION, TYPEFACES, degrade, render, save
from bench.heldout.score import Tally, header, row, score_page, total

# splits that may be inspected and tuned on; heldout is reported only
TUNABLE = ("dev", "dev2", "dev3", "dev4")
GROUPS = {"both": ("heldout", "dev"), "all": ("heldout", "dev", "dev2", "dev3")}
SHARED_CACHE = Path("/work/data/heldout-cache")  # the project machine's shared cache, outside the repository


def _default_cache() -> Path:
    """$ATHAR_HELDOUT_CACHE, else the shared cache when this machine has one, else .cache/heldout."""
    if os.environ.get("ATHAR_HELDOUT_CACHE"):
        return Path(os.environ["ATHAR_HELDOUT_CACHE"])
    if SHARED_CACHE.is_dir():
        return SHARED_CACHE
    return Path(__file__).resolve().parents[2] / ".cache" / "heldout"


DEFAULT_CACHE = _default_cache()


def _drawing(page: Page, font: str, kind: str) -> str:
    """Fingerprint of what an image shows: its blocks, typeface, degradation and the renderer's version."""
    basis = json.dumps([page.to_json()["blocks"], font, kind, RENDER_VERSION], ensure_ascii=False).encode()
    return hashlib.sha256(basis).hexdigest()[:16]


def prepare(split: str, n: int, seed: int, cache: Path) -> list[tuple[Page, Path, str]]:
    """Pages 0..n-1 of a split with their image files and degradation. An image is drawn when missing or
    when the generator now draws that page differently (then its cached OCR goes too)."""
    base = cache / f"{split}-s{seed}"
    base.mkdir(parents=True, exist_ok=True)
    out = []
    rows = []
    for i in range(n):
        page, font, kind = make_page(split, i, seed)
        stamp = base / f"{page.page_id}.drawing"
        files = [base / f"{page.page_id}.{ext}" for ext in ("png", "pdf")]
        path = next((f for f in files if f.exists()), None)
        drawing = _drawing(page, font, kind)
        if path is None or not stamp.exists() or stamp.read_text() != drawing:
            for stale in [*files, *(base / "ocr").glob(f"{page.page_id}.*.json")]:
                stale.unlink(missing_ok=True)
            img = degrade(render(page.blocks, TYPEFACES[split][font], page.page_id), kind, page.page_id)
            path = save(img, base / page.page_id, kind)
            stamp.write_text(drawing)
        out.append((page, path, kind))
        rows.append({**page.to_json(), "font": font, "degradation": kind, "file": path.name})
    with (base / "truth.jsonl").open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return out


def ocr_all(items: Sequence[tuple[Page, Path, str]], cache: Path, jobs: int) -> dict[str, list[Any]]:
    """OcrPages of every item, from the cache or by the OCR stage (then cached)."""
    from app.ocr_cache import ocr_cache_key, ocr_page_from_json
    from athar.settings import load_settings

    settings = load_settings().with_(jobs=jobs)
    key = ocr_cache_key(settings)
    out: dict[str, list[Any]] = {}
    todo = []
    for page, path, _kind in items:
        cached = path.parent / "ocr" / f"{page.page_id}.{key}.json"
        if cached.exists():
            out[page.page_id] = [
                ocr_page_from_json(p) for p in json.loads(cached.read_text(encoding="utf-8"))
            ]
        else:
            todo.append((page, path, cached))
    if todo:
        from ocr.pipeline import extract_document, new_executor

        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="athar-heldout-") as tmp, new_executor(jobs) as pool:
            for k, (page, path, cached) in enumerate(todo, 1):
                doc = extract_document(path, settings, work_dir=Path(tmp) / page.page_id, executor=pool)
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps([p.to_json() for p in doc.pages], ensure_ascii=False), "utf-8")
                out[page.page_id] = list(doc.pages)
                print(f"  OCR {k}/{len(todo)} ({time.monotonic() - started:.0f}s)", file=sys.stderr, end="\r")
        print(file=sys.stderr)
    return out


def evaluate(split: str, n: int, seed: int, modes: Sequence[str], cache: Path, jobs: int) -> dict[str, Any]:
    """Tallies keyed (mode, doc type, degradation) for one split."""
    from athar.settings import load_settings
    from nlp.analyze import analyze_pages, analyze_text

    settings = load_settings()
    items = prepare(split, n, seed, cache)
    tallies: dict[tuple[str, str, str], list[Tally]] = defaultdict(list)
    if "text" in modes:
        for page, _path, _kind in items:
            tally = score_page(page, analyze_text(page.text, settings))
            tally.page_id = page.page_id
            tallies[("text", page.doc_type, "clean")].append(tally)
    if "ocr" in modes:
        pages = ocr_all(items, cache, jobs)
        for page, _path, kind in items:
            ocr_pages = pages[page.page_id]
            tally = score_page(page, analyze_pages(ocr_pages, settings)) if ocr_pages else _failed(page)
            tally.page_id = page.page_id
            tallies[("ocr", page.doc_type, kind)].append(tally)
    return {"split": split, "tallies": tallies}


def _failed(page: Page) -> Tally:
    """A page the OCR stage could not read: everything on it is missed."""
    from athar.records import Analysis

    return score_page(page, Analysis())


def report(result: dict[str, Any], by_type: bool, misses: bool) -> list[str]:
    """Printable rows for one split: text, OCR all / clean / degraded, then per doc type."""
    split, tallies = result["split"], result["tallies"]
    lines = []

    def pick(mode: str, doc: str | None = None, deg: str | None = None) -> Tally:
        return total(
            x for (m, d, g), xs in tallies.items() for x in xs
            if m == mode and (doc is None or d == doc) and (deg is None or (g == "clean") == (deg == "clean"))
        )  # fmt: skip

    modes = sorted({m for m, _d, _g in tallies}, key=("text", "ocr").index)
    for mode in modes:
        lines.append(row(f"{split} {mode}", pick(mode)))
        if mode == "ocr":
            lines.append(row(f"{split} ocr clean", pick(mode, deg="clean")))
            lines.append(row(f"{split} ocr degraded", pick(mode, deg="degraded")))
    if by_type:
        for mode in modes:
            for doc in DOC_TYPES:
                t = pick(mode, doc)
                if t.pages:
                    lines.append(row(f"  {mode} {doc}", t))
    if misses:
        for mode in modes:
            missed = [m for (md, _d, _g), xs in tallies.items() if md == mode for x in xs for m in x.misses]
            lines.append(f"  {mode}: {len(missed)} true persons missed")
    return lines


def errors(result: dict[str, Any]) -> list[str]:
    """Per page, the true persons missed and the found ones matching no one (tunable splits only)."""
    if result["split"] not in TUNABLE:
        raise SystemExit(
            f"--errors lists names of the tunable splits only ({', '.join(TUNABLE)}): "
            "the heldout split is never inspected."
        )
    lines = []
    for (mode, _doc, kind), xs in sorted(result["tallies"].items()):
        for x in xs:
            if x.misses or x.spurious:
                lines.append(f"{x.page_id} {mode} {kind}")
                lines += [f"    missed   {m}" for m in x.misses] + [f"    spurious {s}" for s in x.spurious]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--split",
        choices=(*SPLITS, "both", "all"),
        default="both",
        help="both: heldout+dev; all: every split",
    )
    parser.add_argument("--pages", type=int, default=60, help="pages per split (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default="text,ocr", help="text, ocr or both (default text,ocr)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"default {DEFAULT_CACHE}")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--by-type", action="store_true", help="also one row per document type")
    parser.add_argument("--misses", action="store_true", help="count missed persons (no names printed)")
    parser.add_argument(
        "--errors", action="store_true", help="missed and spurious persons per page (dev, dev2, dev3 only)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    splits = GROUPS.get(args.split, (args.split,))
    if args.errors and "heldout" in splits:
        parser.error("--errors refuses the heldout split: choose --split dev, dev2, dev3 or dev4")
    print(header())
    figures: dict[str, Any] = {}
    for split in splits:
        result = evaluate(split, args.pages, args.seed, modes, args.cache, args.jobs)
        for line in report(result, args.by_type, args.misses):
            print(line)
        if args.errors:
            print("\n".join(errors(result)))
        figures[split] = {f"{m}/{d}/{g}": total(xs).figures() for (m, d, g), xs in result["tallies"].items()}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
