"""Corrected lines as training pairs: ``<name>.png`` (the line cut from the upright scan) and
``<name>.gt.txt`` (its text as corrected, logical order, one line, UTF-8): the layout tesstrain's
``data/<MODEL>-ground-truth/`` takes, and ``ocr.train.finetune --ground-truth DIR`` reads.

Only lines a person corrected are written (a line with at least one corrected word): their text is
known to be right, which the engine's other lines are not.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from athar.records import OcrPage
from export.corrections import HUMAN_CONF
from export.geometry import lines, union

MARGIN = 6  # pixels around a line's box (Tesseract wants some white around the ink)


def corrected_lines(page: OcrPage) -> dict[int, list[int]]:
    """Line number -> word indices, for the lines of ``page`` (a corrected page) a person corrected."""
    return {
        n: ids for n, ids in lines(page.words).items() if any(page.words[i].conf >= HUMAN_CONF for i in ids)
    }


def write_pairs(pages: Iterable[tuple[OcrPage, Path]], out: Path) -> list[str]:
    """Write a pair per corrected line of each (corrected page, its upright image); returns the names."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for page, image_path in pages:
        chosen = corrected_lines(page)
        if not chosen:
            continue
        with Image.open(image_path) as opened:
            image = opened.convert("L")
            if page.width and page.height and image.size != (page.width, page.height):
                image = image.resize((page.width, page.height))
            for n, ids in chosen.items():
                x0, y0, x1, y1 = union([page.words[i].bbox for i in ids])
                crop = image.crop(
                    (
                        max(0, x0 - MARGIN),
                        max(0, y0 - MARGIN),
                        min(image.width, x1 + MARGIN),
                        min(image.height, y1 + MARGIN),
                    )
                )
                name = f"{page.sha256[:16]}_p{page.page:04d}_l{n:04d}"
                crop.save(out / f"{name}.png", dpi=(page.dpi, page.dpi))
                text = " ".join(page.words[i].text for i in ids)
                (out / f"{name}.gt.txt").write_text(text + "\n", encoding="utf-8")
                names.append(name)
    return names
