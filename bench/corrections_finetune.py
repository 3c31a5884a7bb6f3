"""Does fine-tuning on archivists' corrections help? CER on held-out corrected pages, before and after.

    .venv/bin/python bench/corrections_finetune.py [--train 12] [--test 8] [--iterations 400]

1. Generated register pages drawn in Scheherazade, a typeface the model was never trained on (clean,
   blurred, noisy or JPEG-compressed, in turn), are read by Athar's OCR stage. Seeds 100.. are the
   "corrected" pages, seeds 200.. are held out.
2. On the corrected pages, every line the OCR misread is corrected the way an archivist would, through
   the real overlay (export.corrections line corrections, text = the page's true line), and exported
   as training pairs (export.training, the files `athar export training` writes).
3. ocr.train.finetune fine-tunes Athar's model on those pairs only (``--lines-per-font 0``).
4. The held-out pages are read with the model before and after; CER as in bench/ocr.py (reading-order
   insensitive), and on the corrected pages themselves for reference (not a held-out figure).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from athar.records import OcrPage, PageImage  # noqa: E402
from athar.settings import load_settings  # noqa: E402
from bench.ocr import cer, normalise  # noqa: E402
from export import corrections as c  # noqa: E402
from export import training  # noqa: E402
from export.geometry import lines  # noqa: E402
from ocr.recognize import recognize_page  # noqa: E402
from ocr.tesseract import SHIPPED_MODEL  # noqa: E402
from tests import synth  # noqa: E402

MATCH = 0.5  # a truth line within this normalised edit distance of an OCR line is that line
DEGRADE = ("clean", "blur", "noise", "jpeg")  # scans as archives hold them: a page in four is clean


def read(path: Path, seed: int, tessdata: Path, work: Path) -> OcrPage:
    settings = load_settings().with_(tessdata_dir=str(tessdata), jobs=1)
    sha256 = hashlib.sha256(f"bench-page-{seed}".encode()).hexdigest()  # distinct names for the pairs
    return recognize_page(PageImage(sha256, 1, str(path), 300, 0, 0), settings, work_dir=work)


def corrected(page: OcrPage, truth: list[str]) -> tuple[OcrPage, int]:
    """The page with each misread line corrected to its closest true line (as an archivist would)."""
    fixes = []
    for n, ids in lines(page.words).items():
        text = " ".join(page.words[i].text for i in ids)
        best = min(truth, key=lambda t: Levenshtein.normalized_distance(normalise(t), normalise(text)))
        distance = Levenshtein.normalized_distance(normalise(best), normalise(text))
        if 0 < distance <= MATCH:
            target = c.line_target(page, n)
            fixes.append(c.Correction(page.sha256, len(fixes) + 1, target, best, text, "bench", "2026-12-04"))
    return c.apply_to_page(page, fixes), len(fixes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=int, default=12)
    parser.add_argument("--test", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="athar-ft-") as tmp:
        work = Path(tmp)
        before = work / "before"
        before.mkdir()
        shutil.copyfile(SHIPPED_MODEL, before / "ara.traineddata")
        pages: dict[int, tuple[Path, list[str]]] = {}
        for seed in [*range(100, 100 + args.train), *range(200, 200 + args.test)]:
            truth = synth.make_page(seed, "prison_register", rows=6)
            path = work / f"page-{seed}.png"
            image = synth.render_page(truth, seed=seed, font=synth.HELD_OUT_FONT)
            kind = DEGRADE[seed % len(DEGRADE)]
            if kind != "clean":
                image = synth.degrade(image, kind, seed=seed)[0]
            image.save(path, dpi=(300, 300))
            pages[seed] = (path, list(truth.lines))
        fixed_lines = 0
        for seed in range(100, 100 + args.train):
            path, truth = pages[seed]
            page, count = corrected(read(path, seed, before, work / f"ocr-{seed}"), truth)
            fixed_lines += count
            training.write_pairs([(page, Path(page.image or path))], work / "gt")
        print(f"{args.train} corrected pages: {fixed_lines} lines corrected and exported")
        from ocr.train.finetune import finetune

        after = work / "after"
        after.mkdir()
        finetune(SHIPPED_MODEL, after / "ara.traineddata", work / "ft", args.iterations, 0, work / "gt")
        for name, seeds in (
            ("held-out", range(200, 200 + args.test)),
            ("corrected (seen)", range(100, 100 + args.train)),
        ):
            scores = {}
            for label, model in (("before", before), ("after", after)):
                scores[label] = [
                    cer("\n".join(pages[s][1]), read(pages[s][0], s, model, work / f"{label}-{s}").text)
                    for s in seeds
                ]
            b, a = scores["before"], scores["after"]
            print(
                f"{name:17s} pages: CER before {statistics.mean(b):.4f} (median {statistics.median(b):.4f}),"
                f" after {statistics.mean(a):.4f} (median {statistics.median(a):.4f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
