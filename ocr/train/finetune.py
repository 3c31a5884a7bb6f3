"""Fine-tune the Arabic model on record-like text in many typefaces; writes ``ocr/data/ara.traineddata``.

    .venv/bin/python -m ocr.train.finetune [--iterations 4000] [--work var/finetune]

Why: the base model (``@tesseract.js-data/ara``, integerised ``best``) misreads short names in Naskh
type, e.g. Amiri's medial ه (سهام read as سبام), which costs mothers' names most. Steps, all with
Tesseract's own tools:

1. unpack the base model and turn its integer network back into a float one (``ocr.train.dequantize``);
2. write training lines (``ocr.train.training_text``: names from an independent index, record fields, table
   rows; the benchmark generator's names and places are held out), ``LINES_PER_FONT`` per font in ``FONTS``;
3. render them with ``text2image`` at 8–12 pt, 300 dpi; ``tesseract ... lstm.train`` makes ``.lstmf`` files;
4. ``lstmtraining`` from the float network at learning rate 1e-4, then convert the result back to integer.

The fonts include the benchmarks' two (Amiri, DejaVu Sans): the same recipe without them (Scheherazade,
Lateef and more Noto in their place) left Amiri's سهام misread and broke table headers in both typefaces,
so a typeface is read well when it, or a close relative, was trained on. Scheherazade and Lateef are held
out so that ``bench/nlp.py --font`` and ``bench/ocr.py --font`` measure Naskh type the model never saw.
Held out too: every word of the benchmark generator's names and places (see ``training_text``).
To adapt Athar to an archive's own typefaces, add them to ``FONTS`` and run this again.
``--real FOLDER`` (repeatable) adds scanned line images with their transcriptions (``ocr.train.real_lines``).
Not used for the shipped model: on OpenITI's gold-standard lines (two tune books) the training error rose
instead of falling, at learning rate 1e-4 and at 2e-5 (see README); the model stays the rendered-text one.
Fonts come from Debian packages: fonts-hosny-amiri fonts-dejavu-core fonts-dejavu-extra fonts-arabeyes
fonts-kacst fonts-kacst-one fonts-farsiweb fonts-freefarsi fonts-freefont-ttf fonts-sil-harmattan
fonts-noto-core (and fonts-sil-scheherazade fonts-sil-lateef for the held-out measurements).
Takes about 12 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from athar.settings import PROJECT_ROOT
from ocr.train.dequantize import dequantize
from ocr.train.real_lines import make_samples, unicharset_chars
from ocr.train.training_text import TextSource

BASE_MODEL = PROJECT_ROOT / ".cache" / "tessdata-base" / "ara.traineddata"
OUTPUT = PROJECT_ROOT / "ocr" / "data" / "ara.traineddata"
DEBIAN_CONFIGS = Path("/usr/share/tesseract-ocr/5/tessdata/configs")
LINES_PER_FONT = 110
# (font family as fontconfig names it, whether it lacks ':' '/' '-'); repeats weight the benchmark fonts.
FONTS: tuple[tuple[str, bool], ...] = (
    ("Amiri", False), ("Amiri Bold", False), ("DejaVu Sans", False), ("DejaVu Sans Bold", False),
    ("Amiri", False), ("DejaVu Sans", False), ("AlArabiya", False), ("Arab", False), ("Cortoba", False),
    ("Furat", False), ("Granada", False), ("Hani", False), ("Homa", False), ("KacstOne", False),
    ("Kayrawan", False), ("Nada", False), ("Nazli", False), ("Salem", False), ("Sharjah", False),
    ("Tarablus", False), ("FreeSerif", False), ("FreeFarsi", False), ("Harmattan", False), ("Amiri", False),
    ("DejaVu Sans", False), ("Amiri Bold", False), ("DejaVu Sans Bold", False), ("Noto Naskh Arabic", True),
    ("Noto Naskh Arabic Bold", True), ("Noto Sans Arabic", True), ("Noto Sans Arabic Bold", True),
    ("KacstNaskh Medium", True), ("KacstBook Medium", True), ("Amiri", False), ("DejaVu Sans", False),
    ("Rehan", True),
)  # fmt: skip
HELD_OUT_FONTS = ("Scheherazade", "Lateef")
TOOLS = ("tesseract", "text2image", "lstmtraining", "combine_tessdata", "dawg2wordlist")


def _run(*args: str | Path, **env: str) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True, env={**os.environ, **env})


def _render(job: tuple[str, int, Path], tessdata: Path) -> Path:
    font, points, base = job
    page: list[str | Path] = [
        "--font",
        font,
        "--fonts_dir",
        "/usr/share/fonts",
        "--fontconfig_tmpdir",
        base.parent,
    ]
    page += [
        "--ptsize",
        str(points),
        "--resolution",
        "300",
        "--xsize",
        "2480",
        "--ysize",
        "3508",
        "--margin",
        "100",
    ]
    _run("text2image", "--text", base.with_suffix(".txt"), "--outputbase", base, *page)
    tif = base.with_suffix(".tif")
    _run(
        "tesseract",
        tif,
        base,
        "-l",
        "ara",
        "--tessdata-dir",
        tessdata,
        "--psm",
        "6",
        "lstm.train",
        OMP_THREAD_LIMIT="1",
    )
    return base.with_suffix(".lstmf")


def finetune(
    base_model: Path,
    output: Path,
    work: Path,
    iterations: int,
    lines_per_font: int = LINES_PER_FONT,
    real: tuple[Path, ...] = (),
    corrected: Path | None = None,
) -> None:
    """Run every step; ``work`` keeps the intermediate files (ground truth, checkpoints).

    ``real``: folders of scanned line images with transcriptions (``NNN.png`` + ``NNN.gt.txt``), trained on
    together with the rendered lines (``ocr.train.real_lines``). ``corrected``: a folder of line pairs
    (``athar export training --out DIR``) trained on as well; with ``lines_per_font`` 0 and no ``real`` they
    are the only training text."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise SystemExit(
            f"missing {', '.join(missing)}: apt-get install tesseract-ocr (it ships the training tools)"
        )
    if not base_model.is_file():
        raise SystemExit(f"no base model at {base_model}; run 'make' (scripts/setup.sh fetches it)")
    work.mkdir(parents=True, exist_ok=True)
    tessdata = work / "tessdata"
    tessdata.mkdir(exist_ok=True)
    shutil.copyfile(base_model, tessdata / "ara.traineddata")
    if not (tessdata / "configs").exists():
        (tessdata / "configs").symlink_to(DEBIAN_CONFIGS)
    _run("combine_tessdata", "-u", tessdata / "ara.traineddata", work / "ara.")
    float_model, conversion = dequantize((work / "ara.lstm").read_bytes())
    (work / "ara-float.lstm").write_bytes(float_model)
    print(f"base network: {conversion.weights} weights in {len(conversion.matrices)} matrices, now float")
    _run("dawg2wordlist", work / "ara.lstm-unicharset", work / "ara.lstm-word-dawg", work / "words.txt")
    source = TextSource.load((work / "words.txt").read_text(encoding="utf-8").splitlines())
    print(
        f"text pools: {len(source.given)} given names, {len(source.surnames)} surnames, "
        f"{len(source.words)} words"
    )
    samples: list[Path] = []
    if lines_per_font > 0:
        samples += _rendered_samples(source, work, tessdata, lines_per_font)
    if real:
        charset = unicharset_chars(work / "ara.lstm-unicharset")
        scanned = make_samples(real, work / "real-lines", tessdata, charset, max(lines_per_font // 2, 1))
        print(f"{len(scanned)} documents of scanned lines from {len(real)} folders")
        samples += scanned
    if corrected is not None:
        from ocr.train.lines import make_samples as corrected_samples

        from_corrections = corrected_samples(corrected, work / "corrected", tessdata)
        print(f"{len(from_corrections)} corrected lines from {corrected}")
        samples += from_corrections
    if not samples:
        raise SystemExit("nothing to train on: no rendered text, no scanned lines and no corrected lines")
    (work / "train.list").write_text("".join(f"{s}\n" for s in samples))
    print(f"training {iterations} iterations on {len(samples)} samples")
    checkpoints = work / "checkpoints"
    checkpoints.mkdir(exist_ok=True)
    model = tessdata / "ara.traineddata"
    schedule = [
        "--learning_rate",
        "0.0001",
        "--max_iterations",
        str(iterations),
        "--target_error_rate",
        "0.005",
    ]
    _run("lstmtraining", "--continue_from", work / "ara-float.lstm", "--traineddata", model,
         "--train_listfile", work / "train.list", "--model_output", checkpoints / "ara", *schedule,
         "--debug_interval", "0")  # fmt: skip
    output.parent.mkdir(parents=True, exist_ok=True)
    latest = checkpoints / "ara_checkpoint"
    _run("lstmtraining", "--stop_training", "--convert_to_int", "--continue_from", latest,
         "--traineddata", model, "--model_output", output)  # fmt: skip
    print(f"wrote {output}")


def _rendered_samples(source: TextSource, work: Path, tessdata: Path, lines_per_font: int) -> list[Path]:
    """Training pages rendered with text2image in every font of FONTS, as .lstmf samples."""
    ground_truth = work / "ground-truth"
    ground_truth.mkdir(exist_ok=True)
    jobs = []
    for i, (font, plain) in enumerate(FONTS, start=1):
        base = ground_truth / f"f{i:02d}"
        lines = source.lines(lines_per_font, 1000 + i, plain=plain)
        base.with_suffix(".txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        jobs.append((font, 8 + i % 5, base))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        samples = list(pool.map(lambda job: _render(job, tessdata), jobs))
    print(f"rendered {len(FONTS)} pages of {lines_per_font} lines")
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, default=BASE_MODEL, help="integer ara model to start from")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "var" / "finetune")
    parser.add_argument("--iterations", type=int, default=4000)
    parser.add_argument("--lines-per-font", type=int, default=LINES_PER_FONT, help="0: no rendered text")
    parser.add_argument(
        "--real",
        type=Path,
        action="append",
        default=[],
        help="a folder of scanned line images with transcriptions (NNN.png + NNN.gt.txt); repeatable",
    )
    parser.add_argument(
        "--corrected", type=Path, metavar="DIR", help="line pairs from `athar export training --out DIR`"
    )
    args = parser.parse_args(argv)
    finetune(
        args.base,
        args.output,
        args.work,
        args.iterations,
        args.lines_per_font,
        tuple(args.real),
        args.corrected,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
