"""Generated scans for the flows tests (tests/synth.py), as file bytes with their truth."""

from __future__ import annotations

import io
from dataclasses import dataclass

from tests import synth


@dataclass(frozen=True)
class Scan:
    name: str
    data: bytes
    truth: tuple[synth.TruthPage, ...]


def png_scan(seed: int, doc_type: str, name: str, *, rows: int = 3) -> Scan:
    """One A5 page at 300 dpi as PNG bytes."""
    page = synth.make_page(seed, doc_type, rows=rows)
    buf = io.BytesIO()
    synth.render_page(page, seed=seed, size="a5", font="amiri").save(buf, format="PNG", dpi=(300, 300))
    return Scan(name, buf.getvalue(), (page,))


def pdf_scan(seeds: list[int], doc_type: str, name: str, tmp_dir: object, *, rows: int = 3) -> Scan:
    """Several A5 pages as one PDF."""
    from pathlib import Path

    pages = [synth.make_page(s, doc_type, rows=rows) for s in seeds]
    images = [
        synth.render_page(p, seed=s, size="a5", font="amiri") for p, s in zip(pages, seeds, strict=True)
    ]
    path = Path(str(tmp_dir)) / f"{doc_type}-{'-'.join(map(str, seeds))}.pdf"
    synth.write_pdf(images, path)
    return Scan(name, path.read_bytes(), tuple(pages))
