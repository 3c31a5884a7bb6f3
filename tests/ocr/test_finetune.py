"""The fine-tuning tools: integer→float model conversion and the training text (real Tesseract tools)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from athar.arabic import normalize_arabic
from ocr.tesseract import SHIPPED_MODEL
from ocr.train.dequantize import ModelFormatError, dequantize
from ocr.train.training_text import TextSource, held_out_words
from tests.synth import FONTS

LINE = "والدته سهام تولد حماة 1979"


def _unpack(model: Path, into: Path) -> Path:
    command = ["combine_tessdata", "-u", str(model), str(into / "ara.")]
    subprocess.run(command, check=True, capture_output=True)
    return into / "ara.lstm"


def _read(image: Path, tessdata: Path) -> str:
    done = subprocess.run(
        ["tesseract", str(image), "-", "-l", "ara", "--tessdata-dir", str(tessdata), "--psm", "7"],
        check=True,
        capture_output=True,
        text=True,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.strip()


def test_an_integer_model_becomes_a_float_model_that_reads_the_same(tmp_path: Path) -> None:
    integer = _unpack(SHIPPED_MODEL, tmp_path)
    as_float, conversion = dequantize(integer.read_bytes())
    assert len(conversion.matrices) == 18 and conversion.weights > 1_000_000
    # doubles instead of int8: about 8× larger, and refused a second time
    assert len(as_float) > 7 * integer.stat().st_size
    with pytest.raises(ModelFormatError, match="already a float"):
        dequantize(as_float)
    with pytest.raises(ModelFormatError):
        dequantize(integer.read_bytes()[:5000])

    float_dir = tmp_path / "float"
    float_dir.mkdir()
    shutil.copyfile(SHIPPED_MODEL, float_dir / "ara.traineddata")
    (float_dir / "ara.lstm").write_bytes(as_float)
    subprocess.run(
        ["combine_tessdata", "-o", "ara.traineddata", "ara.lstm"],
        cwd=float_dir,
        check=True,
        capture_output=True,
    )
    image = Image.new("L", (1400, 110), 255)
    font = ImageFont.truetype(FONTS["dejavu"], 46, layout_engine=ImageFont.Layout.RAQM)
    draw = ImageDraw.Draw(image)
    draw.text((1370, 20), LINE, font=font, fill=0, anchor="ra", direction="rtl", language="ar")
    image.save(tmp_path / "line.png", dpi=(300, 300))
    int_dir = tmp_path / "int"
    int_dir.mkdir()
    shutil.copyfile(SHIPPED_MODEL, int_dir / "ara.traineddata")
    read_by_int = _read(tmp_path / "line.png", int_dir)
    assert normalize_arabic(read_by_int) == normalize_arabic(LINE)
    assert _read(tmp_path / "line.png", float_dir) == read_by_int
    # lstmtraining accepts the float network (it refuses integer ones) and converts it back
    back = tmp_path / "back" / "ara.traineddata"
    back.parent.mkdir()
    subprocess.run(
        [
            "lstmtraining",
            "--stop_training",
            "--convert_to_int",
            "--continue_from",
            str(float_dir / "ara.lstm"),
            "--traineddata",
            str(SHIPPED_MODEL),
            "--model_output",
            str(back),
        ],
        check=True,
        capture_output=True,
    )
    assert _read(tmp_path / "line.png", back.parent) == read_by_int


def generator_words() -> set[str]:
    """The benchmark generator's name, place and facility words, normalised (ocr/train/held_out_words.txt)."""
    from ocr.train.training_text import SHARED_PARTS
    from tests import synth_data as data

    words: set[str] = set()
    for pool in (data.MALE_FIRST, data.FATHER, data.FAMILY, data.MOTHER):
        for name in pool:
            words.update(name.split())
    for place, _latin in data.PLACES:
        words.update(place.split())
    words.update(["صيدنايا", "عدرا", "تدمر", "فلسطين", "تشرين", "حرستا", "المزة"])
    return {normalize_arabic(w) for w in words} - {normalize_arabic(w) for w in SHARED_PARTS}


def test_the_held_out_word_list_is_the_generators() -> None:
    """The training tool's list of words to keep out equals the generator's pools (regenerate it if not)."""
    expected = generator_words()
    assert held_out_words() == expected, (
        "ocr/train/held_out_words.txt is stale: write sorted(generator_words()) one per line"
    )


def test_training_text_never_contains_the_benchmark_names() -> None:
    held = held_out_words()
    assert {normalize_arabic(w) for w in ("سهام", "ريم", "الخطيب", "حماة")} <= held
    general = ["سهام", "ريم", "شهادة", "مهند", "كتاب", "مدرسة", "الخطيب", "حماة", "انتظار", "وطن"]
    source = TextSource.load(general)
    assert source.words == sorted(["شهادة", "مهند", "كتاب", "مدرسة", "وطن"])
    assert len(source.given) > 500 and len(source.surnames) > 500
    # normalised index keys are kept out: no ا-initial, ه- or ي-final names
    assert not [n for n in source.given + source.surnames if n.startswith("ا") and not n.startswith("ال")]
    assert not [n for n in source.given if n[-1] in "هي"]
    lines = source.lines(300, seed=1)
    assert lines == source.lines(300, seed=1) and lines != source.lines(300, seed=2)
    words = {normalize_arabic(w.strip(":")) for line in lines for w in line.split()}
    assert not words & held
    plain = source.lines(300, seed=1, plain=True)
    assert not any(c in line for line in plain for c in ":/-")


def test_the_pipeline_reads_with_the_shipped_model_and_records_it() -> None:
    from athar.settings import load_settings
    from ocr.tesseract import check_languages, model_path

    settings = load_settings()
    installed = model_path("ara", settings.tessdata_dir)
    assert installed.read_bytes() == SHIPPED_MODEL.read_bytes(), "run 'make': it installs the shipped model"
    described = check_languages("ara", settings.tessdata_dir)
    assert re.fullmatch(r"ara\(athar-finetuned [0-9a-f]{8}\)", described), described


def test_held_out_typefaces_stay_out_of_the_training_fonts() -> None:
    from ocr.train.finetune import FONTS, HELD_OUT_FONTS
    from tests.synth import HELD_OUT_FONT

    families = {family for family, _plain in FONTS}
    assert not any(family.startswith(held) for family in families for held in HELD_OUT_FONTS)
    assert Path(HELD_OUT_FONT).stem.split("-")[0] in HELD_OUT_FONTS
    assert {"Amiri", "DejaVu Sans"} <= families  # the benchmarks' typefaces are trained on, and said so
